"""The programme overview PDF of a batch (cohort report): CohortOverview -> context -> HTML (Jinja2) -> PDF.

Its own template set (``report_templates/cohort/``: report.html and report.css). Called only through
:func:`maturity.pipeline.write_cohort_report`; imports nothing above the report layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maturity.models.cohort import CohortOverview, Share
from maturity.report.charts import ACCENT, GRID, INK, MUTED, _e, _n, _svg_open

COHORT_TEMPLATES = "cohort"


@dataclass
class CohortContext:
    ov: CohortOverview
    title: str
    lang: str
    generator: str
    level_svg: str
    grade_svg: str
    cost_min: float
    cost_max: float
    moved: int


def bars_svg(items: list[Share], *, title: str, width: int = 520, bar_color: str = ACCENT) -> str:
    """A horizontal bar chart of a distribution: label, bar, count and share."""
    row, top = 26, 8
    height = top + row * len(items) + 8
    most = max((s.count for s in items), default=0) or 1
    label_w, bar_w = 130, width - 130 - 110
    out = [_svg_open(width, height, title)]
    for i, s in enumerate(items):
        y = top + i * row
        w = bar_w * s.count / most
        out.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="11" fill="{INK}">'
            f"{_e(s.label)} {_e(s.name)}</text>"
        )
        out.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="16" fill="{GRID}" opacity="0.35"/>'
        )
        if s.count:
            out.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{_n(max(w, 1.5))}" height="16" fill="{bar_color}"/>'
            )
        out.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + 16}" font-size="11" fill="{MUTED}">'
            f"{s.count} 家（{_n(s.share)}%）</text>"
        )
    out.append("</svg>")
    return "".join(out)


def build_cohort_context(ov: CohortOverview, generator: str) -> CohortContext:
    return CohortContext(
        ov=ov,
        title=f"{ov.title}（{ov.scope}）",
        lang="zh-CN",
        generator=generator,
        level_svg=bars_svg(ov.levels, title="等级分布（L1–L7+）"),
        grade_svg=bars_svg(ov.grades, title="国家等级分布（估计）", bar_color="#4c7a9a") if ov.grades else "",
        cost_min=round(sum(r.cost_min for r in ov.recommendations), 1),
        cost_max=round(sum(r.cost_max for r in ov.recommendations), 1),
        moved=(ov.progress.up + ov.progress.same + ov.progress.down) if ov.progress else 0,
    )


def render_cohort(
    ov: CohortOverview, out_pdf: str | Path, *, generator: str, font: Any = None, force: bool = False
) -> int:
    """Write the cohort PDF; returns its page count. Nothing is written on any error."""
    from markupsafe import Markup

    from maturity.report import html as html_mod
    from maturity.report.fonts import check_coverage, compact, resolve_font
    from maturity.report.pdf import html_to_pdf, visible_text
    from maturity.writing import atomic_write_bytes, refuse_overwrite

    refuse_overwrite([out_pdf], force=force)
    paths = ((html_mod.bundled_templates() / COHORT_TEMPLATES).resolve(),)
    choice = resolve_font(font)
    ctx = build_cohort_context(ov, generator)
    values = {k: getattr(ctx, k) for k in ctx.__dataclass_fields__}
    values["level_svg"] = Markup(ctx.level_svg)
    values["grade_svg"] = Markup(ctx.grade_svg)
    html = html_mod.render_html(values, paths)
    text = visible_text(html, paths)
    check_coverage(text, choice)
    pdf = html_to_pdf(html, compact(choice, text), paths, check_fonts=False)
    atomic_write_bytes(Path(out_pdf), pdf.data, force=force)
    return pdf.pages
