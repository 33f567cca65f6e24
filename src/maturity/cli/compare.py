"""`maturity compare`: what changed between two assessments of the same enterprise."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from maturity.cli import app
from maturity.cli.console import err, out, user_errors
from maturity.cli.options import Format


@app.command(rich_help_panel="评估与报告")
@user_errors
def compare(
    old: Path = typer.Argument(..., help="较早的一次答卷。", show_default=False),
    new: Path = typer.Argument(..., help="较新的一次答卷。", show_default=False),
    format: Format = typer.Option(Format.table, "--format", "-f", help="输出格式：table 或 json。"),
) -> None:
    """比较同一企业的两次评估：等级、得分、各维度的变化，以及答案有变化的题目。"""
    from rich.table import Table
    from rich.text import Text

    from maturity import pipeline
    from maturity.cli.cjkwrap import prose
    from maturity.engine.compare import compare as compare_assessments

    a = pipeline.evaluate_file(old, with_plan=False).assessment
    b = pipeline.evaluate_file(new, with_plan=False).assessment
    c = compare_assessments(a, b)
    if format is Format.json:
        out.print_json(json.dumps(c.model_dump(mode="json"), ensure_ascii=False))
        return
    if not c.same_enterprise:
        from rich.markup import escape

        names = escape(f"{a.enterprise.name} / {b.enterprise.name}")  # the names are text, never markup
        err.print(f"[yellow]提示[/]：两份答卷的企业不同（{names}），请确认是否选对了文件。")

    def signed(x: float | None, unit: str = "") -> Text:
        if x is None:
            return Text("—", style="dim")
        style = "green" if x > 0 else "red" if x < 0 else "dim"
        return Text(f"{x:+g}{unit}", style=style)

    head = Text()
    head.append(f"{c.enterprise}\n", style="bold")
    head.append(f"成熟度等级  {c.old_level.label} {c.old_level.name} → ", style="")
    head.append(f"{c.new_level.label} {c.new_level.name}", style="bold")
    if c.level_change:
        head.append(
            f"（{'升' if c.level_change > 0 else '降'} {abs(c.level_change)} 级）",
            style="green" if c.level_change > 0 else "red",
        )
    else:
        head.append("（等级未变）", style="dim")
    head.append(f"\n{c.score_label}  {c.old_score:g} → {c.new_score:g}  ")
    head.append_text(signed(c.score_change))
    if c.old_version != c.new_version:
        head.append(f"\n问卷版本 {c.old_version} → {c.new_version}（按题号对应比较）", style="dim")
    from rich.panel import Panel

    out.print(Panel(head, title="评估对比", title_align="left", expand=False))
    dims = Table(title="各维度变化", title_justify="left")
    for col, just in (
        ("维度", "left"),
        ("上次", "right"),
        ("本次", "right"),
        ("变化", "right"),
        ("等级", "left"),
    ):
        dims.add_column(col, justify=just)  # type: ignore[arg-type]
    for d in c.dimensions:
        lv = f"{d.old_level or '—'} → {d.new_level or '—'}"
        dims.add_row(
            d.name,
            "—" if d.old_score is None else f"{d.old_score:g}",
            "—" if d.new_score is None else f"{d.new_score:g}",
            signed(d.delta),
            lv,
        )
    out.print(dims)
    if not c.answers:
        out.print("两次答案完全相同。")
        return
    changes = Table(
        title=f"答案有变化的题目（{len(c.answers)} 道：提高 {c.improved}，降低 {c.declined}）",
        title_justify="left",
        expand=True,
    )
    changes.add_column("题号", style="cyan", no_wrap=True)
    changes.add_column("题目", ratio=3, overflow="fold")
    changes.add_column("上次", ratio=2, overflow="fold")
    changes.add_column("本次", ratio=2, overflow="fold")
    changes.add_column("得分变化", justify="right", no_wrap=True)
    for x in c.answers:
        changes.add_row(x.id, prose(x.text), prose(x.old_answer), prose(x.new_answer), signed(x.delta))
    out.print(changes)
