"""Small helpers shared by the benchmark scripts (timing, RSS, synthetic answers)."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from maturity.batch.synthetic import synthetic_answers  # noqa: F401 - the answer sets the tests use too


def median_time(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def command_times(cmd: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out.append(time.perf_counter() - t)
    return out


def peak_rss_mb() -> float:
    """Peak RSS of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(name: str, value: str, baseline: str, ratio: str, target: str, ok: bool | None) -> tuple:
    verdict = "—" if ok is None else ("达标" if ok else "未达标")
    return (name, value, baseline, ratio, target, verdict)


def print_table(title: str, rows: list[tuple]) -> None:
    print(f"\n## {title}")
    print("| 指标 | 数值 | 基线（同次测得） | 比值 | 目标 | 结论 |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    sys.stdout.flush()
