"""The wheel carries the data folders and works from a fresh virtual environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
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
    (whl,) = out.glob("maturity-*.whl")
    return whl


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
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], check=True
    )
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
