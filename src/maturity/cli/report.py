"""`maturity report`: the PDF diagnosis report. WeasyPrint is imported only when it renders, never at start-up."""

from __future__ import annotations

from pathlib import Path

import typer

from maturity.cli import app
from maturity.cli.console import err, out, user_errors
from maturity.cli.options import ANSWERS_ARG, APPENDIX_HELP


@app.command(rich_help_panel="评估与报告")
@user_errors
def report(
    answers: Path = ANSWERS_ARG,
    output: Path = typer.Option(
        ..., "--output", "-o", help="PDF 报告的输出路径，例如 report.pdf。", show_default=False
    ),
    html: Path = typer.Option(
        None, "--html", help="同时输出可在浏览器中查看的 HTML 文件。", show_default=False
    ),
    templates: Path = typer.Option(
        None,
        "--templates",
        help="自定义模板文件夹：其中的文件逐个覆盖内置模板（如只放 report.css）。",
        show_default=False,
    ),
    previous: Path = typer.Option(
        None, "--previous", help="上一次的答卷，用于生成“与上次评估相比”一节。", show_default=False
    ),
    font: str = typer.Option(
        None,
        "--font",
        help="换用的中文字体：字体文件路径（.otf/.ttf/.ttc）或已安装字体的名称。",
        show_default=False,
    ),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件。"),
    appendix: bool = typer.Option(False, "--appendix", help=APPENDIX_HELP),
) -> None:
    """生成 PDF 诊断报告：封面、一页摘要、等级与画像、五个典型场景、全国评测对照、路线图、下次评估前的准备；
    加 --appendix 附上顾问附录（全部作答、方法、门槛、对照表）。"""
    from rich.markup import escape

    from maturity import pipeline
    from maturity.cli import views
    from maturity.writing import refuse_overwrite

    refuse_overwrite([output, html], force=force)  # before any work, not after it
    prev = pipeline.evaluate_file(previous, with_plan=False) if previous is not None else None
    ev = pipeline.evaluate_file(answers, previous=prev)
    views.warn_incomplete(ev.warnings, ev.scheme.questionnaire)
    res = pipeline.write_report(
        ev, output, html_out=html, templates=templates, font=font, force=force, appendix=appendix
    )
    for url in res.refused:
        err.print(f"[yellow]提示[/]：模板引用的外部资源未加载（只允许模板文件夹内的文件）：{escape(url)}")
    out.print(f"[green]已生成报告[/]：{escape(str(res.pdf))}（{res.pages} 页，{res.size / 1024:.0f} KB）")
    if res.html:
        out.print(f"HTML：{res.html}", markup=False)
