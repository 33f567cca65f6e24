"""Batch benchmark: 10,000 synthetic enterprises scored without PDFs, and PDF throughput 1 vs 2 workers.

    PYTHONPATH=src python benchmarks/bench_batch.py [--rows 10000] [--pdfs 16] [--keep DIR]

Prints:
* openpyxl's own read of the input (read-only, values only) vs `maturity batch --no-recommend` wall time
  (target: ratio <= 2);
* peak memory: the largest single process (getrusage of children) and the whole process tree (sampled
  from /proc every 0.1 s) (target: <= 400 MB);
* per-enterprise cost of the top-three recommendations on a 200-row sample (informational);
* PDF reports per second with 1 and 2 worker processes (target: >= 1.8x), if maturity.report is present.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "batch"))

import synth  # noqa: E402

from maturity import api  # noqa: E402
from maturity.batch.sheet import META_FORMAT, template_columns  # noqa: E402


def make_input(path: Path, n: int, seed: int = 2024) -> None:
    """A filled answer sheet of n enterprises (write-only openpyxl: the layout the template produces)."""
    from openpyxl import Workbook

    q = api.scheme("light-industry").questionnaire
    cols = [c.header for c in template_columns(q)]
    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("答卷")
    ws.append(cols)
    for i in range(n):
        row = synth.make_row(q, rng, i)
        ws.append([row.cells.get(h) for h in cols])
    meta = wb.create_sheet("_meta")
    for kv in (("format", META_FORMAT), ("questionnaire", q.id), ("questionnaire_version", q.version)):
        meta.append(list(kv))
    wb.save(path)


def openpyxl_read(path: Path) -> tuple[float, int]:
    from openpyxl import load_workbook

    t = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    n = 0
    for row in wb["答卷"].iter_rows(values_only=True):
        n += len(row)
    wb.close()
    return time.perf_counter() - t, n


def tree_rss(pid: int) -> int:
    """Sum of RSS (bytes) of pid and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                parts = fh.read().rsplit(")", 1)[1].split()
            ppid = int(parts[1])
            rss[int(entry)] = int(parts[21]) * os.sysconf("SC_PAGE_SIZE")
            children.setdefault(ppid, []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack += children.get(p, [])
    return total


def run_batch_cli(inp: Path, out: Path, *extra: str) -> tuple[float, int]:
    cmd = [sys.executable, "-m", "maturity", "batch", str(inp), "-o", str(out), "--force", *extra]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    peak = 0
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.1)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    rc = proc.wait()
    elapsed = time.perf_counter() - t
    stop.set()
    th.join()
    if rc not in (0, 4):
        raise SystemExit(f"maturity batch failed with exit status {rc}")
    return elapsed, peak


def pdf_rate(answer_files: list[Path], outdir: Path, workers: int) -> float:
    from maturity.batch.runner import _pdf_work

    peer = {"group": "全部企业", "group_n": 100, "median": 50.0, "percentile": 50.0, "dimension_medians": {},
            "level_counts": {}, "note": "基准测试"}
    items = [[(str(f), str(outdir / f"{workers}-{i}.pdf"), peer)] for i, f in enumerate(answer_files)]
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as ex:
        results = [r for chunk in ex.map(_pdf_work, items) for r in chunk]
    elapsed = time.perf_counter() - t
    errors = [e for _, e in results if e]
    if errors:
        raise SystemExit(f"PDF rendering failed: {errors[0]}")
    return len(answer_files) / elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--pdfs", type=int, default=16)
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    inp = work / f"enterprises-{args.rows}.xlsx"
    print(f"CPUs: {os.cpu_count()}; input: {inp}")
    if not inp.exists():
        t = time.perf_counter()
        make_input(inp, args.rows)
        print(f"generated {args.rows} enterprises in {time.perf_counter() - t:.1f} s "
              f"({inp.stat().st_size / 1e6:.1f} MB)")

    base, cells = openpyxl_read(inp)
    print(f"openpyxl read-only read: {base:.2f} s ({cells} cells)")
    elapsed, peak_tree = run_batch_cli(inp, work / "out", "--no-recommend")
    peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(f"maturity batch --no-recommend (jobs={os.cpu_count()}): {elapsed:.2f} s "
          f"= {elapsed / base:.2f}x openpyxl's read (target <= 2x) -> {'OK' if elapsed <= 2 * base else 'MISSED'}")
    print(f"peak RSS: largest process {peak_child / 1e6:.0f} MB; whole process tree {peak_tree / 1e6:.0f} MB "
          f"(target <= 400 MB) -> {'OK' if peak_tree <= 400e6 else 'MISSED'}")

    sample = work / "sample-200.xlsx"
    make_input(sample, 200, seed=7)
    t_no, _ = run_batch_cli(sample, work / "s-no", "--no-recommend", "--jobs", "1")
    t_yes, _ = run_batch_cli(sample, work / "s-yes", "--jobs", "1")
    print(f"top-three recommendations: +{(t_yes - t_no) / 200 * 1000:.0f} ms per enterprise per process "
          f"(200-row sample, 1 job: {t_no:.1f} s without, {t_yes:.1f} s with)")

    try:
        import maturity.report  # noqa: F401
    except ImportError:
        print("PDF throughput: skipped - maturity.report is not available yet")
        return
    files = sorted((work / "out" / "answers").glob("*.yaml"))[: args.pdfs]
    pdfdir = work / "pdf"
    pdfdir.mkdir(exist_ok=True)
    pdf_rate(files[:2], pdfdir, 1)  # warm caches (fonts)
    r1 = pdf_rate(files, pdfdir, 1)
    r2 = pdf_rate(files, pdfdir, 2)
    print(f"PDF reports: 1 worker {r1:.2f}/s, 2 workers {r2:.2f}/s = {r2 / r1:.2f}x (target >= 1.8x) -> "
          f"{'OK' if r2 / r1 >= 1.8 else 'MISSED'}")


if __name__ == "__main__":
    main()
