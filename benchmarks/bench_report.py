"""Report rendering speed and size: maturity's in-process render vs WeasyPrint alone on the same HTML.

Run: PYTHONPATH=src python benchmarks/bench_report.py [--runs 7]
Targets (issue 5): median ≤ 1 s per report in-process, ≤ 1.15× WeasyPrint alone, PDF ≤ 400 KB.
"WeasyPrint alone" = HTML(string).render(...).write_pdf() on the identical HTML with the same cached font
configuration and stylesheets, i.e. the engine's own cost; the ratio is our overhead (context, Jinja, SVG,
coverage check, .notdef capture, atomic write).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import print_table, row


def measure(runs: int = 7) -> list[tuple]:
    import weasyprint

    from maturity import pipeline
    from maturity.report import html as html_mod
    from maturity.report import pdf as pdf_mod
    from maturity.report.context import build_context
    from maturity.report.fonts import compact, resolve_font
    from maturity.resources import example_path

    a = pipeline.evaluate_file(example_path())
    out = Path(tempfile.mkdtemp()) / "bench.pdf"
    t0 = time.perf_counter()
    pipeline.write_report(a, out, force=True)  # warm-up: font cache, FontConfiguration, CSS
    first = time.perf_counter() - t0

    paths = html_mod.search_path(None)
    font = resolve_font()
    html = html_mod.render_html(build_context(a), paths)
    work = compact(font, pdf_mod.visible_text(html, paths))
    sheets, cfg = pdf_mod.stylesheets(work, paths), pdf_mod.font_config(work)

    ours, alone, size = [], [], 0
    for _ in range(runs):
        t = time.perf_counter()
        res = pipeline.write_report(a, out, force=True)
        ours.append(time.perf_counter() - t)
        size = res.size
        t = time.perf_counter()
        weasyprint.HTML(string=html, base_url=paths[0].as_uri() + "/").render(
            font_config=cfg, stylesheets=sheets
        ).write_pdf()
        alone.append(time.perf_counter() - t)
    m_ours, m_alone = statistics.median(ours), statistics.median(alone)
    print(
        f"（报告 {res.pages} 页；首次渲染含字体准备 {first:.2f} s；本次 n={runs}，"
        f"最短 {min(ours):.2f} s、最长 {max(ours):.2f} s）",
        file=sys.stderr,
    )
    return [
        row(
            "单份报告渲染（进程内中位数）",
            f"{m_ours:.2f} s",
            f"WeasyPrint 单独渲染同一 HTML：{m_alone:.2f} s",
            f"{m_ours / m_alone:.2f}×",
            "≤ 1.15×；中位数 ≤ 1 s",
            m_ours / m_alone <= 1.15 and m_ours <= 1.0,
        ),
        row("PDF 大小（示例企业）", f"{size / 1024:.0f} KB", "—", "—", "≤ 400 KB", size <= 400 * 1024),
    ]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    rows = measure(args.runs)
    print_table("PDF 报告", rows)
    return 0 if all(r[-1] == "达标" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
