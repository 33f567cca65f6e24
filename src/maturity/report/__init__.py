"""The PDF diagnosis report: Evaluation -> ReportContext -> HTML (Jinja2) -> PDF (WeasyPrint).

Called only through :mod:`maturity.pipeline` (``write_report``, ``report_html``). Importing this package does
not import WeasyPrint, and nothing here imports the layers above the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maturity.models.evaluation import Evaluation
from maturity.writing import check_writable


@dataclass
class ReportResult:
    pdf: Path | None
    html: Path | None
    pages: int
    size: int
    refused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def build_html(
    evaluation: Evaluation,
    *,
    templates: str | Path | None = None,
    font: Any = None,
    standalone: bool = False,
    appendix: bool = False,
) -> str:
    """The report HTML only (used by --html, golden tests and the benchmark); ``appendix`` adds the dossier."""
    from maturity.report import html as html_mod
    from maturity.report.context import build_context
    from maturity.report.fonts import resolve_font
    from maturity.report.pdf import stylesheet_text

    paths = html_mod.search_path(Path(templates) if templates else None)
    choice = resolve_font(font)
    ctx = build_context(evaluation, dossier=appendix)
    return html_mod.render_html(ctx, paths, inline_css=stylesheet_text(choice, paths) if standalone else "")


def render_report(
    evaluation: Evaluation,
    out_pdf: str | Path | None,
    *,
    html_out: str | Path | None = None,
    templates: str | Path | None = None,
    font: Any = None,
    force: bool = False,
    appendix: bool = False,
) -> ReportResult:
    """Render the report to ``out_pdf`` (and the HTML to ``html_out``); nothing is written on any error.

    The owner's report by default; ``appendix`` adds the consultant's dossier (all answers with question codes,
    the roadmap's basis, every gate, the crosswalk, method and sources)."""
    from maturity.report import html as html_mod
    from maturity.report.context import build_context
    from maturity.report.fonts import check_coverage, compact, resolve_font
    from maturity.report.pdf import html_to_pdf, stylesheet_text, visible_text
    from maturity.writing import atomic_write_bytes, atomic_write_text

    check_writable([out_pdf, html_out], force=force)  # now, not after a second of rendering
    paths = html_mod.search_path(Path(templates) if templates else None)
    choice = resolve_font(font)
    ctx = build_context(evaluation, dossier=appendix)
    html = html_mod.render_html(ctx, paths)
    text = visible_text(html, paths)
    check_coverage(text, choice)
    result = ReportResult(pdf=None, html=None, pages=0, size=0)
    data = None
    if out_pdf is not None:
        pdf = html_to_pdf(html, compact(choice, text), paths, check_fonts=False)
        data = pdf.data
        result.pages, result.size, result.refused, result.warnings = (
            pdf.pages,
            len(pdf.data),
            pdf.refused,
            pdf.warnings,
        )
    if html_out is not None:
        standalone = html_mod.render_html(ctx, paths, inline_css=stylesheet_text(choice, paths))
        atomic_write_text(Path(html_out), standalone, force=force)
        result.html = Path(html_out)
    if out_pdf is not None and data is not None:
        atomic_write_bytes(Path(out_pdf), data, force=force)
        result.pdf = Path(out_pdf)
    return result


def prepare(templates: str | Path | None = None) -> None:
    """Pay ahead, once per process, what the first report costs and later ones do not: import WeasyPrint and
    the report modules, and compile every template of the search path. Meant for a background thread while
    a person is busy (an interview waiting for answers); errors are left to the real render, which reports
    them."""
    try:
        from maturity.report import context  # noqa: F401  (and the modules it imports)
        from maturity.report import html as html_mod
        from maturity.report.pdf import engine

        paths = html_mod.search_path(Path(templates) if templates else None)
        env = html_mod.environment(paths)
        for name in sorted({p.name for root in paths for p in root.glob("*.html")}):
            env.get_template(name)
        engine()
    except Exception:  # a warm-up only; the render reports every problem itself
        pass


__all__ = ["ReportResult", "build_html", "prepare", "render_report"]
