"""Cold start as a person meets it: whole fresh processes, timed from outside, each beside its baseline.

    .venv/bin/python benchmarks/bench_cold.py [--runs 5]

Every figure is the median of ``--runs`` fresh processes (wall time with time.perf_counter, CPU time of the
child from resource.getrusage(RUSAGE_CHILDREN)); target and baseline runs alternate (A, B, A, B...) so
machine noise hits both alike. Targets (issue 18):

- ``maturity score EXAMPLE`` ≤ 2× ``python -c "import typer, rich, pydantic, yaml"``;
- ``maturity report EXAMPLE -o r.pdf`` ≤ 1.3× the same command run warm in-process (the CLI entry point
  called again in one process that has already rendered once);
- ``maturity assess``: first question on screen (read from a pseudo-terminal) ≤ 2× the score baseline.

"Cold" here is a new process with the per-user caches (data, compact fonts, fontconfig) already filled,
which is every run but the first after installing or editing data. The first run after install is
measured too (``MATURITY_CACHE_DIR`` pointing at an empty folder each time) and shown for information.
Two rows time the stack with none of this tool's code: typer, rich and two validated pydantic models against the
score baseline, and ``import weasyprint`` against the warm render; they say how much of each target is left for
the tool's own work. The package's modules are byte-compiled first, as a wheel install does (this checkout may run with
PYTHONDONTWRITEBYTECODE, which would otherwise recompile them on every start).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import print_table, row

BASELINE = [sys.executable, "-c", "import typer, rich, pydantic, yaml"]
# What `score` and `report` cannot start without: importing every module they use, computing nothing.
SCORE_IMPORTS = [
    sys.executable,
    "-c",
    "import typer, rich.panel, rich.table, pydantic, yaml, maturity.pipeline",
]
REPORT_IMPORTS = [
    sys.executable,
    "-c",
    "import typer, rich, maturity.pipeline, maturity.report.context, jinja2\n"
    "from maturity.report import pdf\n"
    "getattr(pdf, 'engine', getattr(pdf, '_weasyprint', None))()",  # WeasyPrint, as the report imports it
]

# What the stack itself costs, with none of this tool's code: typer, a rich panel and table, two pydantic models
# validated once (as `score` must validate an answers file); and WeasyPrint's import alone, with the same
# one-`ldconfig -p` library lookup the report uses (maturity.report.pdf._quick_find_library).
STACK_FLOOR = [
    sys.executable,
    "-c",
    "import typer, rich, yaml\n"
    "from rich.console import Console\nfrom rich.panel import Panel\nfrom rich.table import Table\n"
    "from pydantic import BaseModel\n"
    "class Item(BaseModel):\n    a: int\n    b: str = ''\n"
    "class Doc(BaseModel):\n    items: list[Item]\n"
    "Doc(items=[{'a': 1}, {'a': 2, 'b': 'x'}])\n"
    "Console().print(Panel('x'))",
]
WEASYPRINT_FLOOR = [
    sys.executable,
    "-c",
    "import ctypes.util, re, subprocess\n"
    "table = subprocess.run(['/sbin/ldconfig', '-p'], capture_output=True, text=True).stdout\n"
    "def quick(name):\n"
    "    m = re.search(rf'\\s(lib{re.escape(name)}\\.so[^\\s]*) \\(', table)\n"
    "    return m.group(1) if m else None\n"
    "ctypes.util.find_library = quick\n"
    "import weasyprint",
]

# The end of an interview: `assess --interactive --resume COMPLETE --pdf`, the person reading the review
# screen for THINK seconds, then confirming; timed from the confirming line to the process' exit (the PDF
# written). With the background warm-up (as shipped) and without it (patched out), alternately.
THINK = 3.0
END = r"""
import sys
if sys.argv[1] == "off":
    import maturity.cli.assess as assess
    assess._prepare_end = lambda *a, **k: None
from maturity.cli import main
sys.argv = ["maturity", *sys.argv[2:]]
main()
"""

# In one process: run the CLI entry point once (warm-up), then time it again; print the times as JSON.
WARM = r"""
import json, sys, time
from maturity.cli import app
args = json.loads(sys.argv[1])
times = []
for i in range(int(sys.argv[2]) + 1):
    t, c = time.perf_counter(), time.process_time()
    try:
        app(args, standalone_mode=False)
    except SystemExit:
        pass
    times.append((time.perf_counter() - t, time.process_time() - c))
print("TIMES" + json.dumps(times[1:]))
"""


def _exe() -> str:
    return shutil.which("maturity") or str(Path(sys.executable).parent / "maturity")


def timed(
    cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None
) -> tuple[float, float, str]:
    """(wall s, child CPU s, stdout) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    res = subprocess.run(
        cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=cwd, text=True
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, res.stdout


def first_prompt(cmd: list[str], marker: str, env: dict[str, str], cwd: str, timeout: float = 60) -> float:
    """Seconds from spawning ``cmd`` on a pseudo-terminal until ``marker`` appears on it."""
    import pty

    master, slave = pty.openpty()
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, close_fds=True, start_new_session=True
    )
    os.close(slave)
    seen = b""
    want = marker.encode("utf-8")
    try:
        while want not in seen:
            if time.perf_counter() - t > timeout:
                raise RuntimeError(f"no {marker!r} within {timeout} s; got {seen[-300:]!r}")
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    raise RuntimeError(f"exited before {marker!r}; got {seen[-300:]!r}") from None
                seen += chunk
        return time.perf_counter() - t
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        proc.wait()
        os.close(master)


def interview_end(mode: str, answers: str, env: dict[str, str], cwd: str) -> float:
    """Seconds from the last line typed to the PDF written, at the end of a resumed complete interview."""
    copy = os.path.join(cwd, f"end-{mode}.yaml")
    pdf = os.path.join(cwd, f"end-{mode}.pdf")
    shutil.copy(answers, copy)
    cmd = [
        sys.executable,
        "-c",
        END,
        mode,
        "assess",
        "--interactive",
        "--resume",
        copy,
        "--pdf",
        pdf,
        "--force",
    ]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd
    )
    time.sleep(THINK)
    assert proc.stdin is not None
    t = time.perf_counter()
    proc.stdin.write(b"\n\n\n")
    proc.stdin.close()
    if proc.wait() != 0 or not os.path.exists(pdf):
        raise RuntimeError(f"assess --pdf ({mode}) did not write {pdf}")
    return time.perf_counter() - t


def _median(xs: list[float]) -> float:
    return statistics.median(xs)


def measure(
    runs: int = 5, first_runs: int | None = None, src: str | None = None, example: str | None = None
) -> list[tuple]:
    """``src``: run ``python -m maturity`` from that source folder instead of the installed command
    (to compare two checkouts with the same tool); ``example``: another bundled example (e.g. ``paper``)."""
    import maturity
    from maturity.resources import example_path

    env = dict(os.environ)
    if src:
        src = str(Path(src).resolve())
        env["PYTHONPATH"] = src
        compileall.compile_dir(Path(src) / "maturity", quiet=1)
        exe_cmd = [sys.executable, "-m", "maturity"]
    else:
        compileall.compile_dir(Path(maturity.__file__).parent, quiet=1)
        exe_cmd = [_exe()]
    example = str(example_path() if example is None else example_path().with_name(f"{example}-example.yaml"))
    work = tempfile.mkdtemp(prefix="maturity-bench-cold-")
    env["MATURITY_CACHE_DIR"] = os.path.join(work, "cache")  # a cache of the benchmark's own, filled below
    pdf = os.path.join(work, "r.pdf")
    score_cmd = [*exe_cmd, "score", example]
    report_args = ["report", example, "-o", pdf, "--force"]
    report_cmd = [*exe_cmd, *report_args]
    assess_cmd = [*exe_cmd, "assess"]

    # Fill the caches and the OS file cache: one run of each, not timed.
    for cmd in (BASELINE, score_cmd, report_cmd):
        timed(cmd, env)
    first_prompt(assess_cmd, "请选择问卷", env, work)

    base, base_cpu, score, score_cpu, prompt = [], [], [], [], []
    for _ in range(runs):
        w, c, _ = timed(BASELINE, env)
        base.append(w)
        base_cpu.append(c)
        w, c, _ = timed(score_cmd, env)
        score.append(w)
        score_cpu.append(c)
        prompt.append(first_prompt(assess_cmd, "请选择问卷", env, work))

    cold, cold_cpu, warm, warm_cpu = [], [], [], []
    for _ in range(runs):
        w, c, _ = timed(report_cmd, env)
        cold.append(w)
        cold_cpu.append(c)
        _, _, out = timed([sys.executable, "-c", WARM, json.dumps(report_args), "1"], env)
        for w, c in json.loads(out.split("TIMES", 1)[1]):
            warm.append(w)
            warm_cpu.append(c)

    # Imports alone (the floor of each command), and the end of an interview with and without the warm-up.
    score_floor, report_floor, end_on, end_off, stack, wp = [], [], [], [], [], []
    for _ in range(runs):
        score_floor.append(timed(SCORE_IMPORTS, env)[0])
        report_floor.append(timed(REPORT_IMPORTS, env)[0])
        stack.append(timed(STACK_FLOOR, env)[0])
        wp.append(timed(WEASYPRINT_FLOOR, env)[0])
        end_on.append(interview_end("on", example, env, work))
        end_off.append(interview_end("off", example, env, work))

    # The first run after installing (or after the data changed): every cache empty.
    n_first = first_runs if first_runs is not None else max(3, runs // 2)
    first_score, first_report = [], []
    for i in range(n_first):
        fresh = dict(env, MATURITY_CACHE_DIR=os.path.join(work, f"empty-{i}"))
        first_score.append(timed(score_cmd, fresh)[0])
        fresh["MATURITY_CACHE_DIR"] = os.path.join(work, f"empty-r{i}")
        first_report.append(timed(report_cmd, fresh)[0])
    shutil.rmtree(work, ignore_errors=True)

    b, s, p = _median(base), _median(score), _median(prompt)
    c, wm = _median(cold), _median(warm)
    bc, sc, cc, wc = _median(base_cpu), _median(score_cpu), _median(cold_cpu), _median(warm_cpu)
    print(
        f"（冷启动：每项 {runs} 次全新进程的中位数，与基线交替测量。score 各次 {', '.join(f'{x:.2f}' for x in score)} s；"
        f"report 各次 {', '.join(f'{x:.2f}' for x in cold)} s；进程内再次调用 {', '.join(f'{x:.2f}' for x in warm)} s）",
        file=sys.stderr,
    )
    return [
        row(
            "冷启动 maturity score 示例（全新进程）",
            f"{s * 1000:.0f} ms",
            f'python -c "import typer, rich, pydantic, yaml"：{b * 1000:.0f} ms',
            f"{s / b:.2f}×",
            "≤ 2×",
            s / b <= 2,
        ),
        row(
            "冷启动 maturity report 示例 -o r.pdf（全新进程）",
            f"{c:.2f} s",
            f"同一命令在进程内再次调用（热）：{wm:.2f} s",
            f"{c / wm:.2f}×",
            "≤ 1.3×",
            c / wm <= 1.3,
        ),
        row(
            "maturity assess 显示第一个问题",
            f"{p * 1000:.0f} ms",
            f'python -c "import typer, rich, pydantic, yaml"：{b * 1000:.0f} ms',
            f"{p / b:.2f}×",
            "≤ 2×",
            p / b <= 2,
        ),
        row(
            "score 的下限：只导入它用到的全部模块，不做任何计算",
            f"{_median(score_floor) * 1000:.0f} ms",
            f"基线：{b * 1000:.0f} ms",
            f"{_median(score_floor) / b:.2f}×",
            "（参考：≤ 2× 目标之内还剩多少）",
            None,
        ),
        row(
            "report 的下限：只导入它用到的全部模块（含 WeasyPrint）",
            f"{_median(report_floor):.2f} s",
            f"热调用：{wm:.2f} s",
            f"{_median(report_floor) / wm:.2f}×（占热调用的 {_median(report_floor) / wm * 100:.0f}%）",
            "（参考：≤ 1.3× 只留 30%）",
            None,
        ),
        row(
            "技术栈的下限：typer、rich 面板和表格、两个 pydantic 模型校验一次，不含本工具的任何代码",
            f"{_median(stack) * 1000:.0f} ms",
            f"基线：{b * 1000:.0f} ms",
            f"{_median(stack) / b:.2f}×",
            "（参考：≤ 2× 给本工具的全部工作还剩多少）",
            None,
        ),
        row(
            "WeasyPrint 的下限：只 import weasyprint，不含本工具的任何代码",
            f"{_median(wp):.2f} s",
            f"热调用：{wm:.2f} s",
            f"{_median(wp) / wm:.2f}×（占热调用的 {_median(wp) / wm * 100:.0f}%）",
            "（参考：≤ 1.3× 只留 30%）",
            None,
        ),
        row(
            f"assess --pdf：确认最后一题到 PDF 写好（答题时后台预加载，阅读 {THINK:.0f} s）",
            f"{_median(end_on):.2f} s",
            f"不预加载：{_median(end_off):.2f} s",
            f"{_median(end_on) / _median(end_off):.2f}×",
            "（参考）",
            None,
        ),
        row(
            "冷启动 score 的 CPU 时间（用户态 + 内核态）",
            f"{sc * 1000:.0f} ms",
            f"基线 CPU：{bc * 1000:.0f} ms",
            f"{sc / bc:.2f}×",
            "（参考：机器繁忙时比墙钟稳定）",
            None,
        ),
        row(
            "冷启动 report 的 CPU 时间",
            f"{cc:.2f} s",
            f"进程内热调用 CPU：{wc:.2f} s",
            f"{cc / wc:.2f}×",
            "（参考）",
            None,
        ),
        row(
            "安装后首次运行 score（缓存为空）",
            f"{_median(first_score) * 1000:.0f} ms",
            f"同上基线：{b * 1000:.0f} ms",
            f"{_median(first_score) / b:.2f}×",
            "—",
            None,
        ),
        row(
            "安装后首次运行 report（缓存为空）",
            f"{_median(first_report):.2f} s",
            f"热调用：{wm:.2f} s",
            f"{_median(first_report) / wm:.2f}×",
            "—",
            None,
        ),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--src", help="run `python -m maturity` from this src folder (compare two checkouts)")
    ap.add_argument("--example", help="score/report this bundled example instead (furniture, paper, ...)")
    args = ap.parse_args()
    rows = measure(args.runs, src=args.src, example=args.example)
    which = f"，示例：{args.example}" if args.example else ""
    print_table(f"冷启动（全新进程，用户实际等待的时间{which}）", rows)
    return 0 if all(r[-1] != "未达标" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
