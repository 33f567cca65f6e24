"""Fixtures of the cache tests: a private cache folder and an editable copy of the bundled data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from maturity.resources import data_root


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("MATURITY_CACHE_DIR", str(d))
    monkeypatch.delenv("MATURITY_NO_CACHE", raising=False)
    return d


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the bundled questionnaires and rules, free to edit."""
    dst = tmp_path / "data"
    for name in ("questionnaires", "scoring_rules"):
        shutil.copytree(data_root() / name, dst / name)
    return dst
