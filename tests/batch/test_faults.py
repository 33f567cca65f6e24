"""Faults around a batch run: full or read-only disks, a second run into the same folder, a killed main
process, and CSV rows the parser cannot read (issue 20, items 2-4 and 6)."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from maturity import api
from maturity.batch import liveness
from maturity.batch.ledger import Ledger
from maturity.batch.lock import BatchLock
from maturity.batch.runner import LEDGER_DIR, run_batch
from maturity.errors import InputError, OutputError

sys.path.insert(0, str(Path(__file__).parent))
from maturity.batch import synthetic as synth


def make_csv(path: Path, n: int, seed: int = 5) -> Path:
    q = api.scheme("light-industry").questionnaire
    rng = random.Random(seed)
    path.write_bytes(synth.write_csv(q, [synth.make_row(q, rng, i) for i in range(n)]))
    return path


def leftovers(out: Path) -> list[str]:
    """Temporary files anywhere in the output folder."""
    return sorted(
        str(p.relative_to(out)) for p in out.rglob("*") if p.name.endswith(".tmp") or ".staged-" in p.name
    )


def flat(text: str) -> str:
    """Terminal output without the panel's borders and line breaks (a long path wraps)."""
    return "".join(text.replace("│", "").split())


def fail_with(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


# ---- CSV rows the parser cannot read ------------------------------------------------------------
def test_a_huge_csv_field_is_a_row_error_and_the_rest_is_scored(tmp_path):
    path = make_csv(tmp_path / "in.csv", 6)
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    cells = lines[2].split(",")
    cells[1] = "长" * 200_000  # beyond csv's field limit (131,072)
    lines[2] = ",".join(cells)
    lines[4] = "x" * (5 << 20)  # one physical line beyond the line limit
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    res = run_batch(path, tmp_path / "out", jobs=1)
    assert res.scored == 4 and res.rejected_rows == 2
    by_row = {r.row: r.errors[0].reason for r in res.rejects}
    assert set(by_row) == {3, 5}
    assert "字段超过 131,072 个字符" in by_row[3] and "一行超过" in by_row[5]
    assert all(ord(ch) > 127 for ch in by_row[3][:4])  # Chinese, not the csv module's English


def test_a_csv_cell_longer_than_excel_allows_is_a_cell_error(tmp_path):
    path = make_csv(tmp_path / "in.csv", 3)
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    cells = lines[1].split(",")
    cells[1] = "长" * 40_000
    lines[1] = ",".join(cells)
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    res = run_batch(path, tmp_path / "out", jobs=1)
    assert res.scored == 2 and res.rejected_rows == 1
    assert "32,767" in res.rejects[0].errors[0].reason


# ---- disks that refuse writes (monkeypatched) ----------------------------------------------------
@pytest.mark.parametrize(
    "code,word",
    [
        (errno.ENOSPC, "磁盘已满"),
        (errno.EROFS, "只读"),
        (errno.EACCES, "没有写入权限"),
        (errno.EBUSY, "占用"),
    ],
)
def test_failing_writes_during_scoring_are_a_clean_error(tmp_path, monkeypatch, cli, code, word):
    path = make_csv(tmp_path / "in.csv", 5)
    out = tmp_path / "out"
    monkeypatch.setattr(os, "replace", fail_with(code))
    res = cli("batch", path, "-o", out, "-j", "1")
    assert res.exit_code == 1
    assert word in flat(res.output) and "Traceback" not in res.output and str(out) in flat(res.output)
    assert leftovers(out) == []
    assert not (out / LEDGER_DIR / "lock").exists()


def test_full_disk_while_the_ledger_is_rewritten_keeps_the_old_ledger(tmp_path, monkeypatch):
    path = make_csv(tmp_path / "in.csv", 8)
    out = tmp_path / "out"
    real = Ledger.rewrite

    def rewrite(self, keys, update=None):
        def broken(key, record):
            if update is not None:
                update(key, record)
            if key == keys[len(keys) // 2]:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path.with_suffix(".tmp")))

        return real(self, keys, broken)

    monkeypatch.setattr(Ledger, "rewrite", rewrite)
    with pytest.raises(OutputError, match="磁盘已满") as e:
        run_batch(path, out, jobs=1)
    assert "ledger.tmp" in e.value.message and "--resume" in e.value.hint
    assert leftovers(out) == []
    monkeypatch.setattr(Ledger, "rewrite", real)
    res = run_batch(path, out, jobs=1, resume=True)  # after space is freed
    assert res.resumed == 8 and res.scored == 0 and (out / "summary.xlsx").is_file()


def test_full_disk_in_a_worker_is_a_clean_error(tmp_path, monkeypatch):
    """The worker's OSError crosses the process pool intact and becomes the same clean error."""
    path = make_csv(tmp_path / "in.csv", 40)
    out = tmp_path / "out"
    monkeypatch.setattr(os, "fdopen", fail_with(errno.ENOSPC))  # inherited by the forked workers
    with pytest.raises(OutputError, match="磁盘已满"):
        run_batch(path, out, jobs=2)
    assert leftovers(out) == []


def test_full_disk_while_writing_the_summary_keeps_the_old_summary(tmp_path, monkeypatch):
    path = make_csv(tmp_path / "in.csv", 4)
    out = tmp_path / "out"
    run_batch(path, out, jobs=1)
    before = (out / "summary.xlsx").read_bytes()
    import xlsxwriter.workbook

    monkeypatch.setattr(
        xlsxwriter.workbook.Workbook,
        "_store_workbook",
        lambda self: (_ for _ in ()).throw(
            xlsxwriter.workbook.FileCreateError(OSError(errno.ENOSPC, "No space left on device"))
        ),
    )
    with pytest.raises(OutputError, match="磁盘已满"):
        run_batch(path, out, jobs=1, force=True)
    assert (out / "summary.xlsx").read_bytes() == before
    assert leftovers(out) == [] and not (out / LEDGER_DIR / "scratch").exists()


# ---- real file systems: a tiny tmpfs, and a read-only one ------------------------------------------
def _mount(target: Path, options: str) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    return (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True
        ).returncode
        == 0
    )


@pytest.fixture
def mounted(tmp_path):
    made: list[Path] = []

    def mount(name: str, options: str) -> Path:
        target = tmp_path / name
        if not _mount(target, options):
            pytest.skip(
                "cannot mount a tmpfs here (needs root); the monkeypatched tests cover the same paths"
            )
        made.append(target)
        return target

    yield mount
    for target in made:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


@pytest.mark.slow
def test_real_full_disk(tmp_path, mounted):
    path = make_csv(tmp_path / "in.csv", 60)
    disk = mounted("tiny", "size=96k")
    proc = subprocess.run(
        [sys.executable, "-m", "maturity", "batch", str(path), "-o", str(disk / "out"), "-j", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "磁盘已满" in flat(proc.stderr) and "Traceback" not in proc.stderr
    assert leftovers(disk / "out") == []


@pytest.mark.slow
def test_real_read_only_folder(tmp_path, mounted, example):
    path = make_csv(tmp_path / "in.csv", 3)
    ro = mounted("ro", "ro,size=64k")
    for args in (
        ["batch", str(path), "-o", str(ro / "out")],
        ["report", str(example), "-o", str(ro / "out" / "r.pdf")],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "maturity", *args], capture_output=True, text=True, timeout=300
        )
        assert proc.returncode == 1, proc.stderr[-2000:]
        assert "只读" in flat(proc.stderr) and "Traceback" not in proc.stderr


# ---- one batch per output folder --------------------------------------------------------------------
def _start(path: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "maturity", "batch", str(path), "-o", str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(cond, proc: subprocess.Popen, what: str) -> None:
    for _ in range(1200):
        if cond():
            return
        if proc.poll() is not None:
            pytest.fail(f"batch ended before {what}: {proc.stderr.read()}")
        time.sleep(0.05)
    pytest.fail(f"never saw {what}")


def _answers(out: Path) -> int:
    d = out / "answers"
    return sum(1 for p in d.iterdir() if p.suffix == ".yaml") if d.is_dir() else 0


@pytest.mark.slow
def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    path = make_csv(tmp_path / "in.csv", 300)
    other = make_csv(tmp_path / "other.csv", 5, seed=9)
    out = tmp_path / "out"
    first = _start(path, out, "-j", "1")
    _wait_for(lambda: _answers(out) >= 3, first, "progress")
    with pytest.raises(InputError, match=f"进程 {first.pid}") as e:
        run_batch(other, out, jobs=1, force=True)
    assert "in.csv" in e.value.message and "另一个批量评分" in e.value.message
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert _answers(out) == 300 and not (out / LEDGER_DIR / "lock").exists()


def test_a_stale_lock_is_taken_over_with_a_note(tmp_path):
    path = make_csv(tmp_path / "in.csv", 3)
    out = tmp_path / "out"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / LEDGER_DIR).mkdir(parents=True)
    (out / LEDGER_DIR / "lock").write_text(
        json.dumps(
            {
                "pid": dead.pid,
                "start": None,
                "host": os.uname().nodename,
                "since": "2020-01-01 00:00:00",
                "input": "old.csv",
            }
        )
    )
    res = run_batch(path, out, jobs=1)
    assert res.scored == 3 and any(f"进程 {dead.pid}" in n and "已接管" in n for n in res.notes)
    assert not (out / LEDGER_DIR / "lock").exists()


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="start times come from /proc")
def test_a_reused_pid_is_recognised_by_its_start_time(tmp_path):
    lock = BatchLock(tmp_path)
    lock.path.parent.mkdir(parents=True)
    parent = os.getppid()
    start = liveness.start_time(parent)
    assert start is not None and liveness.alive(parent, start) and not liveness.alive(parent, start + 1)
    lock.path.write_text(json.dumps({"pid": parent, "start": start + 1, "host": os.uname().nodename}))
    with lock:
        assert "已接管" in lock.note
    lock.path.write_text(json.dumps({"pid": parent, "start": start, "host": os.uname().nodename}))
    with pytest.raises(InputError, match=f"进程 {parent}"):
        lock.acquire()


# ---- no orphans ------------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    if int(fh.read().rsplit(b")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return out


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="finds the workers through /proc")
@pytest.mark.slow
def test_workers_exit_when_the_main_process_is_killed(tmp_path):
    path = make_csv(tmp_path / "in.csv", 600)
    out = tmp_path / "out"
    proc = _start(path, out, "-j", "2")
    _wait_for(lambda: _answers(out) >= 5, proc, "progress")
    workers = [p for p in _children(proc.pid) if liveness.alive(p)]
    assert len(workers) >= 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    for _ in range(200):  # the watch polls every half second; PR_SET_PDEATHSIG acts at once
        if not any(liveness.alive(p) for p in workers):
            break
        time.sleep(0.05)
    assert [p for p in workers if liveness.alive(p)] == []


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="finds the workers through /proc")
@pytest.mark.slow
def test_a_killed_worker_is_a_clean_error_and_resume_completes(tmp_path):
    path = make_csv(tmp_path / "in.csv", 400)
    out = tmp_path / "out"
    proc = _start(path, out, "-j", "2")
    _wait_for(lambda: _answers(out) >= 5 and _children(proc.pid), proc, "workers")
    os.kill(_children(proc.pid)[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "Traceback" not in err and "工作进程意外退出" in flat(err)
    again = _start(path, out, "-j", "2", "--resume")
    assert again.wait(timeout=300) == 0, again.stderr.read()
    assert _answers(out) == 400
