"""Batch on a Dask cluster: `--cluster local:2` vs `--jobs 2` on the same input, and PDF throughput 1 vs 2 workers.

    PYTHONPATH=src python benchmarks/bench_cluster.py [--rows 10000] [--pdfs 24] [--repeat 3] [--keep DIR]

Needs the extra (pip install -e ".[cluster]"). Prints:
* `maturity batch` wall time of whole fresh processes, `--cluster local:2` and `--jobs 2` alternating, medians
  (target: cluster overhead <= 10 %); the summaries must be byte-identical;
* PDF reports per second in the report pass with 1 and 2 cluster workers (fresh processes, alternating,
  medians; target >= 1.8x). The pass is timed inside `maturity batch`'s own progress callback, from the end of
  scoring to the last report, so it includes each worker's start-up of the PDF engine but not the cluster's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from _common import print_table, row  # noqa: E402

ENV = dict(os.environ, PYTHONPATH=str(ROOT / "src"))


def note(*parts: object) -> None:  # progress notes go to stderr; the figures are returned as rows
    print(*parts, file=sys.stderr, flush=True)


def tree_cpu() -> float:
    """CPU seconds of every finished child process and its waited-for descendants (pool and cluster workers)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def batch_time(inp: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall time and CPU time of the whole process tree of one `maturity batch` run."""
    cmd = [sys.executable, "-m", "maturity", "batch", str(inp), "-o", str(out), "--force", *extra]
    cpu = tree_cpu()
    t = time.perf_counter()
    r = subprocess.run(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t
    if r.returncode not in (0, 4):
        raise SystemExit(f"maturity batch {' '.join(extra)} failed ({r.returncode}): {r.stderr[-2000:]}")
    return elapsed, tree_cpu() - cpu


def pdf_pass(inp: Path, out: Path, workers: int) -> dict:
    """A fresh process runs the batch with PDFs on a local cluster of `workers` and times its report pass."""
    code = f"""
import json, sys, time
from pathlib import Path
from maturity.batch.runner import run_batch
marks = {{}}
def progress(stage, done, total):
    marks[stage] = time.perf_counter()
    marks.setdefault(stage + "-first", marks[stage])
if __name__ == "__main__":
    res = run_batch(Path({str(inp)!r}), Path({str(out)!r}), force=True, pdf=True, recommend=False,
                    cluster="local:{workers}", progress=progress)
    assert res.pdfs and not res.pdf_failed, res.rejects
    print(json.dumps({{"pdfs": res.pdfs, "seconds": marks["pdf"] - marks["score"]}}))
"""
    script = out.parent / f"pdf-pass-{workers}.py"
    script.write_text(code, encoding="utf-8")
    r = subprocess.run([sys.executable, str(script)], env=ENV, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"PDF pass with {workers} worker(s) failed: {r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def measure(
    n_rows: int = 10_000, n_pdfs: int = 24, repeat: int = 3, pdf_repeat: int = 3, keep: Path | None = None
) -> list[tuple]:
    try:
        import distributed  # noqa: F401
    except ImportError:
        note("cluster benchmark skipped: dask.distributed is not installed (pip install -e '.[cluster]')")
        return []
    import bench_batch

    work = keep or Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    work.mkdir(parents=True, exist_ok=True)
    inp = work / f"enterprises-{n_rows}.xlsx"
    if not inp.exists():
        bench_batch.make_input(inp, n_rows)
    note(f"CPUs: {os.cpu_count()}; input: {inp}")
    out_rows: list[tuple] = []

    pool, cluster, pool_cpu, cluster_cpu = [], [], [], []
    for i in range(repeat):  # alternate A/B: the machine is shared and its load drifts
        for label, extra, walls, cpus in (
            ("--jobs 2", ("--jobs", "2"), pool, pool_cpu),
            ("--cluster local:2", ("--cluster", "local:2"), cluster, cluster_cpu),
        ):
            os.sync()
            wall, cpu = batch_time(inp, work / extra[0].strip("-"), *extra)
            walls.append(wall)
            cpus.append(cpu)
            note(f"run {i + 1}: {label} {wall:.2f} s (CPU {cpu:.1f} s)")
    same = (work / "jobs" / "summary.csv").read_bytes() == (work / "cluster" / "summary.csv").read_bytes()
    p, c = statistics.median(pool), statistics.median(cluster)
    spread = f"（{repeat} 次中位数；单次 {min(cluster):.1f}–{max(cluster):.1f} s）" if repeat > 1 else ""
    out_rows.append(
        row(
            f"批量评分 {n_rows:,} 家，--cluster local:2（默认含建议）",
            f"{c:.1f} s{spread}",
            f"--jobs 2：{p:.1f} s（单次 {min(pool):.1f}–{max(pool):.1f} s）",
            f"{c / p:.2f}×",
            "≤ 1.10×",
            c <= 1.10 * p,
        )
    )
    pc, cc = statistics.median(pool_cpu), statistics.median(cluster_cpu)
    out_rows.append(
        row(
            "同上，整个进程树的 CPU 时间（受机器上其他负载的影响较小）",
            f"{cc:.1f} s",
            f"--jobs 2：{pc:.1f} s",
            f"{cc / pc:.2f}×",
            "—",
            None,
        )
    )
    out_rows.append(row("两种方式的 summary.csv 逐字节相同", "是" if same else "否", "—", "—", "相同", same))

    small = work / f"pdf-{n_pdfs}.csv"
    if not small.exists():
        import random

        from maturity import api
        from maturity.batch import synthetic as synth

        q = api.scheme("light-industry").questionnaire
        rng = random.Random(2025)
        small.write_bytes(synth.write_csv(q, [synth.make_row(q, rng, i) for i in range(n_pdfs)]))
    one, two = [], []
    for i in range(pdf_repeat):
        a = pdf_pass(small, work / "pdf-1", 1)
        b = pdf_pass(small, work / "pdf-2", 2)
        one.append(a["pdfs"] / a["seconds"])
        two.append(b["pdfs"] / b["seconds"])
        note(
            f"PDF run {i + 1}: 1 worker {one[-1]:.2f}/s, 2 workers {two[-1]:.2f}/s ({two[-1] / one[-1]:.2f}x)"
        )
    r1, r2 = statistics.median(one), statistics.median(two)
    ratios = [b / a for a, b in zip(one, two, strict=True)]
    spread = (
        f"（{pdf_repeat} 次中位数；单次比值 {min(ratios):.2f}–{max(ratios):.2f}×）" if pdf_repeat > 1 else ""
    )
    out_rows.append(
        row(
            f"集群 PDF 报告吞吐（{n_pdfs} 份，2 个 vs 1 个工作进程）",
            f"{r2:.2f} 份/秒{spread}",
            f"1 个工作进程：{r1:.2f} 份/秒",
            f"{r2 / r1:.2f}×",
            "≥ 1.8×",
            r2 / r1 >= 1.8,
        )
    )
    return out_rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--pdfs", type=int, default=24)
    ap.add_argument("--repeat", type=int, default=3, help="alternating --jobs 2 / --cluster local:2 runs")
    ap.add_argument("--pdf-repeat", type=int, default=3, help="alternating 1-worker / 2-worker report passes")
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()
    print_table("集群批量评估", measure(args.rows, args.pdfs, args.repeat, args.pdf_repeat, args.keep))


if __name__ == "__main__":
    main()
