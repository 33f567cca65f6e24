"""`maturity plan`: the 小快轻准 upgrade roadmap."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from maturity.cli import app
from maturity.cli.console import out, user_errors
from maturity.cli.options import ANSWERS_ARG, Format
from maturity.cli.plan_view import show_plan


@app.command(rich_help_panel="评估与报告")
@user_errors
def plan(
    answers: Path = ANSWERS_ARG,
    budget: float = typer.Option(
        None,
        "--budget",
        "-b",
        min=0,
        show_default=False,
        help="预算上限（万元），按各方案参考费用上限累计；超出的方案列入“未纳入”并说明原因。",
    ),
    format: Format = typer.Option(
        Format.table, "--format", "-f", help="输出格式：table（终端表格）或 json（稳定的机器可读格式）。"
    ),
) -> None:
    """生成“小快轻准”升级路线图：推荐方案及理由、三个阶段安排、每阶段后的预计等级和可申请的政策支持。"""
    from maturity import pipeline
    from maturity.load.answers import load_answers

    loaded = load_answers(answers)
    result = loaded.scheme.assess(loaded.answers, loaded.normalized)
    p = pipeline.plan_for(loaded, result, budget)
    if format is Format.json:
        out.print_json(json.dumps(p.model_dump(mode="json"), ensure_ascii=False))
        return
    from maturity.cli import views

    views.warn_incomplete(loaded.warnings, loaded.scheme.questionnaire)
    out.print(views.header(result))
    from maturity.report.words import plain_for

    show_plan(p, plain_for(loaded.scheme.questionnaire))
