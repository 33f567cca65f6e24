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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    import weasyprint

    from maturity import api
    from maturity.report import html as html_mod
    from maturity.report import pdf as pdf_mod
    from maturity.report import render_report
    from maturity.report.context import build_context
    from maturity.report.fonts import compact, resolve_font
    from maturity.resources import example_path

    a = api.assess_file(example_path())
    out = Path(tempfile.mkdtemp()) / "bench.pdf"
    t0 = time.perf_counter()
    render_report(a, out, force=True)  # warm-up: font cache, FontConfiguration, CSS
    first = time.perf_counter() - t0

    paths = html_mod.search_path(None)
    font = resolve_font()
    html = html_mod.render_html(build_context(a), paths)
    work = compact(font, pdf_mod.visible_text(html, paths))
    sheets, cfg = pdf_mod.stylesheets(work, paths), pdf_mod.font_config(work)

    ours, alone, size = [], [], 0
    for _ in range(args.runs):
        t = time.perf_counter()
        res = render_report(a, out, force=True)
        ours.append(time.perf_counter() - t)
        size = res.size
        t = time.perf_counter()
        weasyprint.HTML(string=html, base_url=paths[0].as_uri() + "/").render(
            font_config=cfg, stylesheets=sheets).write_pdf()
        alone.append(time.perf_counter() - t)
    m_ours, m_alone = statistics.median(ours), statistics.median(alone)
    print(f"pages: {res.pages}   first render (warm-up, incl. font setup): {first:.2f} s")
    print(f"maturity render_report   median {m_ours:.3f} s  (min {min(ours):.3f}, max {max(ours):.3f}, n={args.runs})")
    print(f"WeasyPrint alone         median {m_alone:.3f} s  (min {min(alone):.3f}, max {max(alone):.3f})")
    print(f"ratio                    {m_ours / m_alone:.2f}x   (target <= 1.15x)")
    print(f"PDF size                 {size / 1024:.0f} KB    (target <= 400 KB)")
    ok = m_ours <= 1.0 and m_ours / m_alone <= 1.15 and size <= 400 * 1024
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
