"""Run every benchmark and print one table; each figure sits next to its baseline measured in the same run.

    .venv/bin/python benchmarks/run.py            # everything (about 15-20 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick    # smaller batches (1,000 and 5,000 enterprises), fewer report runs

Cold figures (bench_cold) are whole fresh processes timed from outside, as a person runs the command;
the others are in-process (warm) figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import bench_batch  # noqa: E402
import bench_cluster  # noqa: E402
import bench_cold  # noqa: E402
import bench_report  # noqa: E402
import bench_scoring  # noqa: E402
import bench_startup  # noqa: E402
from _common import print_table  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    rows: list[tuple] = []
    print(f"机器：{os.cpu_count()} 核，Python {platform.python_version()}，{platform.platform()}", flush=True)
    for name, fn in (
        ("启动", lambda: bench_startup.main(repeat=7 if args.quick else 15)),
        (
            "冷启动",
            lambda: bench_cold.measure(runs=5 if args.quick else 9, first_runs=2 if args.quick else 3),
        ),
        ("评分", lambda: bench_scoring.main(n=500 if args.quick else 2000)),
        ("报告", lambda: bench_report.measure(runs=3 if args.quick else 7)),
        (
            "批量",
            lambda: bench_batch.measure(
                1000 if args.quick else 10_000,
                6 if args.quick else 24,
                repeat=1 if args.quick else 3,
                pdf_repeat=1 if args.quick else 5,
            ),
        ),
        ("大批量", lambda: bench_batch.measure_large(5000 if args.quick else 200_000)),
        (
            "集群",
            lambda: bench_cluster.measure(
                1000 if args.quick else 10_000,
                6 if args.quick else 24,
                repeat=1 if args.quick else 3,
                pdf_repeat=1 if args.quick else 3,
            ),
        ),
    ):
        print(f"… {name}", file=sys.stderr, flush=True)
        rows += fn()
    print_table("maturity 性能基准", rows)
    missed = [r[0] for r in rows if r[-1] == "未达标"]
    if missed:
        print("\n未达标：" + "；".join(missed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
