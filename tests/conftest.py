"""Shared fixtures: the bundled example, a CLI runner, and a scratch-file builder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maturity.cli import app
from maturity.resources import data_root, example_path

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """The quick loop (``-m "not slow"``) runs fewer generated examples per property test (tests/strategies.py);
    set here so every xdist worker, which runs this too, sees it before the test modules are imported."""
    from tests.strategies import QUICK_LOOP_ENV

    if "not slow" in (config.getoption("markexpr", "") or ""):
        os.environ[QUICK_LOOP_ENV] = "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests first (otherwise in file order): under xdist the few long ones then start early, spread over
    the workers, and the many short ones fill the workers up evenly at the end instead of one long test running
    alone after everything else has finished."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _no_fsync_in_process(monkeypatch):
    """In-process tests need atomic writes, not durability against power loss: skip fsync, which costs
    milliseconds per autosave and far more on a busy disk. The tests that kill real processes mid-write
    run the CLI as subprocesses, which keep the real fsync."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.fixture
def columns(monkeypatch):
    """columns(80): the in-process CLI's terminal is that wide from its next output on (rich fixes a
    console's width when it is made, so the lazy consoles are made again)."""
    from maturity.cli import console

    def set_width(n: int) -> None:
        monkeypatch.setenv("COLUMNS", str(n))
        console.out._console = None  # type: ignore[attr-defined]
        console.err._console = None  # type: ignore[attr-defined]

    yield set_width
    console.out._console = None  # type: ignore[attr-defined]
    console.err._console = None  # type: ignore[attr-defined]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner):
    """Invoke the CLI in-process: cli("score", path) -> click Result (exit_code, stdout, stderr)."""

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def example() -> Path:
    return example_path()


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "example.yaml"
    shutil.copy(example_path(), dst)
    return dst


@pytest.fixture
def data() -> Path:
    return data_root()


@pytest.fixture
def write(tmp_path: Path):
    """write("name.yaml", text) -> Path, for building inputs inside a test."""

    def _write(name: str, text: str | bytes) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
        return p

    return _write
