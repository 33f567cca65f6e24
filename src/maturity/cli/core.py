"""Core commands: validate, score, explain, questionnaires, schema."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from maturity.cli import app
from maturity.cli.console import err, out, user_errors
from maturity.cli.options import ANSWERS_ARG, Format


@app.command(rich_help_panel="数据与环境")
@user_errors
def validate(
    paths: list[Path] = typer.Argument(
        None, help="要校验的问卷、评分规则、对照表或答卷文件；不给则校验全部内置数据。", show_default=False
    ),
) -> None:
    """校验问卷、评分规则和答卷（含交叉引用），一次列出全部问题及其 文件:行:列。"""
    from rich.markup import escape

    from maturity.cli.console import print_issues
    from maturity.errors import DataValidationError
    from maturity.load.validate_files import default_validation_targets, validate_paths

    targets = list(paths) if paths else default_validation_targets()
    issues, kinds = validate_paths(targets)
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity != "error"]
    names = {
        "questionnaire": "问卷",
        "rules": "评分规则",
        "crosswalk": "对照表",
        "catalog": "方案目录",
        "answers": "答卷",
        "?": "无法读取",
    }
    bad = {i.file for i in errors}
    for p, kind in kinds:
        mark = "[red]✗[/]" if str(p) in bad else "[green]✓[/]"
        out.print(f"{mark} {escape(str(p))}（{names.get(kind, kind)}）")
    if warnings:
        print_issues(warnings)
    if errors:
        raise DataValidationError(errors)
    out.print(f"[green]全部通过[/]：{len(kinds)} 个文件。")


@app.command(rich_help_panel="评估与报告")
@user_errors
def score(
    answers: Path = ANSWERS_ARG,
    format: Format = typer.Option(
        Format.table, "--format", "-f", help="输出格式：table（终端表格）或 json（稳定的机器可读格式）。"
    ),
    scheme: str = typer.Option(
        None, "--scheme", help="按另一评价体系评级，如 miit-2024（全国中小企业数字化水平评测指标 2024）。"
    ),
) -> None:
    """给一份答卷评分：成熟度等级、综合得分和各维度得分（另附全国评测等级估算）。"""
    from maturity import pipeline
    from maturity.cli import views
    from maturity.load.answers import load_answers

    loaded = load_answers(answers)
    if scheme and scheme != loaded.scheme.questionnaire.id:
        grade = pipeline.national_grade(loaded, scheme)
        if format is Format.json:
            out.print_json(grade.model_dump_json())
        else:
            out.print(views.header(loaded.scheme.assess(loaded.answers, loaded.normalized)))
            out.print(views.grade_panel(grade))
        return
    ev = pipeline.evaluate(loaded)
    if format is Format.json:
        payload = ev.assessment.model_dump(mode="json")
        if ev.grade is not None:
            payload["national_grade"] = ev.grade.model_dump(mode="json")
        if ev.plan is not None:
            payload["plan"] = ev.plan.model_dump(mode="json")
        out.print_json(json.dumps(payload, ensure_ascii=False))
        return
    views.warn_incomplete(ev.warnings, ev.scheme.questionnaire)
    views.show_summary(ev)


@app.command(rich_help_panel="评估与报告")
@user_errors
def explain(answers: Path = ANSWERS_ARG) -> None:
    """解释评级：逐题得分与贡献、每道门槛是否通过，以及升到下一级还缺什么。"""
    from maturity import pipeline
    from maturity.cli import views

    ev = pipeline.evaluate_file(answers, with_plan=False)
    views.warn_incomplete(ev.warnings, ev.scheme.questionnaire)
    views.show_explain(ev.assessment)


@app.command(rich_help_panel="数据与环境")
@user_errors
def questionnaires() -> None:
    """列出内置问卷及其版本。"""
    from rich.table import Table
    from rich.text import Text

    from maturity.load.bundled import list_bundled

    table = Table(title="内置问卷", title_justify="left")
    for col in ("编号", "版本", "名称", "计分题数", "文件"):
        table.add_column(col)
    for b in list_bundled():
        table.add_row(b.id, b.version, b.title, str(b.questions), Text(str(b.path)))
    out.print(table)


@app.command(rich_help_panel="数据与环境")
@user_errors
def schema(
    kind: str = typer.Argument(
        "all",
        help="questionnaire、rules、answers、crosswalk、catalog（输入文件）；assessment、plan、national-grade（输出 JSON）；或 all。",
    ),
    output: Path = typer.Option(None, "--output", "-o", help="写入文件而不是打印。"),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件。"),
) -> None:
    """输出三类文件（及评分结果）的 JSON Schema，供 YAML 编辑器做补全和校验。"""
    from maturity.errors import InputError
    from maturity.models.schemas import json_schemas
    from maturity.writing import atomic_write_text

    schemas = json_schemas()
    if kind != "all" and kind not in schemas:
        raise InputError(f"未知的文件类型 {kind}；可选：all、{'、'.join(schemas)}")
    data = schemas if kind == "all" else schemas[kind]
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if output:
        atomic_write_text(output, text + "\n", force=force)
        err.print(f"已写入 {output}", markup=False)
    else:
        out.print_json(text)
