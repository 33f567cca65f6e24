"""Expensive test artefacts built once per test run and shared by the pytest-xdist workers.

Each artefact is a file under the run's common temporary folder (the parent of every worker's basetemp),
made under an exclusive lock by whichever worker needs it first; the others wait for it and reuse it. Tests that
need different artefacts (one example each, say) let the workers build different ones at the same time.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

import pytest


def shared_dir(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    base = tmp_path_factory.getbasetemp()
    # under xdist each worker's basetemp is <run>/popen-gwN; without xdist the basetemp is this run's own
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    d = root / f"shared-{name}"
    d.mkdir(exist_ok=True)
    return d


def once(path: Path, make: Callable[[Path], None]) -> Path:
    """``path``, made by ``make(path)`` unless another worker already made it (atomically: via a temp name)."""
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            tmp = path.with_name(".tmp-" + path.name)
            make(tmp)
            tmp.replace(path)
    return path
