"""The wheel carries the data folders and works from a fresh virtual environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.shared import once, shared_dir

ROOT = Path(__file__).resolve().parent.parent


def _build_wheel(out: Path) -> None:
    out.mkdir()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """Built once per run, whichever xdist worker asks first; the other reuses it."""
    out = once(shared_dir(tmp_path_factory, "packaging") / "dist", _build_wheel)
    (whl,) = out.glob("maturity-*.whl")
    return whl


def _declared_closure(whl: Path) -> list[metadata.Distribution]:
    """The installed distributions the wheel's own Requires-Dist (no extras of its own) pulls in, transitively,
    with the extras each requirement asks of its distribution."""
    with zipfile.ZipFile(whl) as z:
        (name,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        text = z.read(name).decode()
    lines = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Requires-Dist:")]
    pending: list[tuple[str, frozenset[str]]] = [(line, frozenset()) for line in lines]
    seen: dict[tuple[str, frozenset[str]], metadata.Distribution] = {}
    while pending:
        line, wanted_extras = pending.pop()
        req = Requirement(line)
        if req.marker is not None and not any(
            req.marker.evaluate({"extra": e}) for e in ("", *wanted_extras)
        ):
            continue
        key = (req.name.lower().replace("_", "-"), frozenset(req.extras))
        if key in seen:
            continue
        dist = metadata.distribution(req.name)
        seen[key] = dist
        pending.extend((r, frozenset(req.extras)) for r in dist.requires or [])
    return list({d.metadata["Name"]: d for d in seen.values()}.values())


def _link_only(dists: list[metadata.Distribution], into: Path) -> None:
    """A folder holding (as symlinks) exactly the top-level modules, packages and metadata of ``dists``."""
    into.mkdir()
    for dist in dists:
        for f in dist.files or []:
            top = f.parts[0]
            if top == ".." or top.endswith(".pth") or top == "__pycache__":
                continue
            link = into / top
            if not link.exists():
                link.symlink_to(Path(dist.locate_file(top)).resolve())


@pytest.mark.slow
def test_wheel_ships_the_data_folders(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("questionnaires", "scoring_rules", "report_templates", "examples"):
        top = sorted(p.name for p in (ROOT / folder).iterdir() if p.is_file())
        assert top, folder
        for name in top:
            assert f"maturity/_data/{folder}/{name}" in names, (folder, name)


@pytest.mark.slow
def test_installed_wheel_runs_on_the_bundled_example(wheel, tmp_path):
    # A fresh environment (not this checkout's), the wheel installed into it by pip. Its dependencies are not
    # downloaded and unpacked again (that was most of this test's time): the environment sees, through links,
    # only the distributions the wheel's own metadata declares, so an import of an undeclared package still fails.
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(py), "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--no-deps", "--no-index", str(wheel)], check=True)
    purelib = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    deps = tmp_path / "declared-dependencies"
    _link_only(_declared_closure(wheel), deps)
    (Path(purelib) / "declared-dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    exe = bindir / "maturity"
    # The installed package must find its data inside the wheel, not in this checkout.
    run = dict(cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
    code = "from maturity.resources import example_path; print(example_path())"
    example = subprocess.run([str(py), "-c", code], check=True, **run).stdout.strip()
    assert str(env_dir) in example and "_data" in example
    r = subprocess.run([str(exe), "validate"], **run)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([str(exe), "score", example, "--format", "json"], **run)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["level"]["id"].startswith("L")
