"""kill -9 and Ctrl-C during `maturity batch`: no corrupt output, and --resume completes the job."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from maturity import api
from maturity.batch.runner import LEDGER_DIR

sys.path.insert(0, str(Path(__file__).parent))
from maturity.batch import synthetic as synth

N = 160


def _start(csv_path: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "maturity", "batch", str(csv_path), "-o", str(out), "--jobs", "1", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell that started the test run in the background (`cmd &`, nohup) ignores SIGINT, and an ignored
        # signal stays ignored across exec: give the batch the default a user's terminal gives it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for_progress(out: Path, proc: subprocess.Popen, at_least: int) -> None:
    answers = out / "answers"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if answers.is_dir() and sum(1 for p in answers.iterdir() if p.suffix == ".yaml") >= at_least:
            return
        if proc.poll() is not None:
            pytest.fail(f"batch ended before it could be interrupted: {proc.stderr.read()}")
        time.sleep(0.02)
    pytest.fail("batch made no progress")


def _assert_outputs_sound(out: Path) -> int:
    """Every answers file present parses completely; returns how many there are."""
    n = 0
    for p in (out / "answers").iterdir():
        assert not p.name.startswith("."), "unfinished files are staged elsewhere, never in answers/"
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
        assert doc["enterprise"]["name"] and doc["answers"], p
        n += 1
    return n


@pytest.fixture
def csv_input(tmp_path) -> Path:
    q = api.scheme("light-industry").questionnaire
    rng = random.Random(99)
    rows = [synth.make_row(q, rng, i) for i in range(N)]
    path = tmp_path / "in.csv"
    path.write_bytes(synth.write_csv(q, rows))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_interrupted_batch_resumes_to_a_complete_summary(tmp_path, csv_input, sig):
    out = tmp_path / "out"
    proc = _start(csv_input, out, "--no-recommend")
    _wait_for_progress(out, proc, at_least=10)
    os.kill(proc.pid, sig)
    proc.wait(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert "Traceback" not in proc.stderr.read()
    partial = _assert_outputs_sound(out)
    assert 10 <= partial < N
    # a summary, if one was written at all, is complete and readable (never half a file)
    if (out / "summary.xlsx").exists():
        load_workbook(out / "summary.xlsx", read_only=True).close()

    again = _start(csv_input, out, "--no-recommend", "--resume")
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert _assert_outputs_sound(out) == N
    wb = load_workbook(out / "summary.xlsx", read_only=True)
    rows = sum(1 for row in wb.worksheets[0].iter_rows(values_only=True) if any(v is not None for v in row))
    assert rows - 1 == N  # one row per enterprise, header excluded
    wb.close()
    assert (out / LEDGER_DIR).is_dir()
    assert not any((out / LEDGER_DIR / "staging").iterdir()), "files staged by the killed run are cleared"
