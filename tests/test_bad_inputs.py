"""The bad-input corpus: every hostile or broken file ends in a clear, located error (or is accepted where a
user would expect it), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))


def test_corpus_is_complete():
    files = sorted(p.name for p in (CORPUS / "files").iterdir())
    assert files == sorted(EXPECTED), "run: python tests/corpus/build.py"
    assert len(files) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(cli, name):
    expect = EXPECTED[name]
    r = cli("validate", CORPUS / "files" / name)
    assert r.exit_code == expect["exit"], r.output
    text = r.output
    for fragment in expect["contains"]:
        assert fragment in text, (fragment, text)
    if expect["exit"] != 0:
        assert f"{name}" in r.stderr  # the message names the file


def test_huge_file_is_refused_quickly(write):
    p = write("huge.yaml", "answers:\n" + "".join(f"  Q{i}: {'x' * 200}\n" for i in range(100_000)))  # ~20 MB
    assert p.stat().st_size > 20_000_000
    r = subprocess.run(
        [sys.executable, "-m", "maturity", "validate", str(p)], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 1 and "文件过大" in r.stderr and "Traceback" not in r.stderr


def test_binary_garbage_is_refused(write):
    p = write("garbage.yaml", os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00" * 16)
    r = subprocess.run(
        [sys.executable, "-m", "maturity", "score", str(p)], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr


def test_score_reports_the_same_errors_as_validate(cli):
    r = cli("score", CORPUS / "files" / "out-of-range.yaml")
    assert r.exit_code == 1 and "RD-02" in r.stderr and "不大于 100" in r.stderr
