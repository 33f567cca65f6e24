"""`maturity cohort OUTDIR`: the programme overview PDF of a finished batch (for a 区县 or a 园区)."""

from __future__ import annotations

from pathlib import Path

import typer

from maturity.cli import app
from maturity.cli.console import err, user_errors


@app.command(rich_help_panel="批量评估（咨询顾问）")
@user_errors
def cohort(
    outdir: Path = typer.Argument(..., show_default=False, help="maturity batch 的输出文件夹。"),
    output: Path = typer.Option(
        None, "--output", "-o", show_default=False, help="PDF 文件；默认为输出文件夹中的 cohort.pdf。"
    ),
    previous: Path = typer.Option(
        None,
        "--previous",
        show_default=False,
        help="上一轮 maturity batch 的输出文件夹：列出每家企业和各区县的等级升降。",
    ),
    title: str = typer.Option("", "--title", help="报告标题；默认“数字化转型诊断项目概览”。"),
    scope: str = typer.Option("", "--scope", help="范围，如“九江市濂溪区”；默认取企业最多的区县。"),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件。"),
) -> None:
    """项目概览报告（PDF）：总体数字、等级分布、最薄弱环节、最常见建议及合计参考费用、离下一国家等级最近的企业。"""
    from maturity.batch.rollup import write_cohort_pdf
    from maturity.errors import InputError

    if not outdir.is_dir():
        raise InputError(f"找不到批量输出文件夹：{outdir}")
    path = write_cohort_pdf(outdir, out=output, previous=previous, title=title, scope=scope, force=force)
    err.print(f"已写入 {path}", markup=False)
