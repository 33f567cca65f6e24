"""Terminal views of an Assessment (rich). No logic beyond presentation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from maturity.cli.cjkwrap import prose
from maturity.cli.console import err, out
from maturity.errors import Issue
from maturity.models.evaluation import Evaluation
from maturity.models.results import Assessment, Blocker, NationalGrade

if TYPE_CHECKING:
    from maturity.models.questionnaire import Questionnaire

BAR_WIDTH = 24
_STATUS = {
    "answered": "",
    "na": "不适用",
    "unanswered": "未答",
    "hidden": "未涉及",
    "not_applicable": "不适用本行业",
    "unscored": "不计分",
    "not_asked": "未问",
}


def not_asked_note(result: Assessment) -> str:
    """What the owner should know about questions never asked ('' when every question was asked)."""
    if not result.not_asked:
        return ""
    ids = [x.id for x in result.questions if x.status == "not_asked" and x.score is None]
    return (
        f"本次作答未问 {result.not_asked} 道计分题（核心问卷不含的完整问卷题目，或旧版答卷未问的新增题目）："
        f"不计 0 分，不参与计分，所在维度按已问题目计算；要求这些题目的门槛按未满足处理。"
        f"现场评估时可用 maturity assess --resume 答卷文件 --full 补答（{'、'.join(ids[:12])}"
        f"{' 等' if len(ids) > 12 else ''}）。"
    )


def bar(score: float | None, width: int = BAR_WIDTH) -> Text:
    if score is None:
        return Text("—", style="dim")
    filled = round(score / 100 * width)
    style = "green" if score >= 60 else "yellow" if score >= 30 else "red"
    return Text("█" * filled, style=style) + Text("░" * (width - filled), style="dim")


def grade_panel(grade: NationalGrade) -> Panel:
    body = Text()
    body.append(f" {grade.grade.name}（{grade.grade.label}） ", style="bold white on dark_green")
    body.append(f"   {grade.score_label} {grade.score:g} / 100\n")
    body.append(
        "得分构成："
        + "；".join(f"{d.name} {(d.score or 0) * d.weight / 100:.2f}/{d.weight:g}" for d in grade.breakdown)
        + "\n"
    )
    reached = [s for s in grade.scenes if s.level not in (None, "0")]
    binding = [s for s in reached if s.binding]
    body.append(f"业务场景：已评级 {len(reached)}/{len(grade.scenes)} 个（约束性 {len(binding)} 个）\n")
    for s in grade.scenes:
        star = "★" if s.binding else "  "
        level = s.level_text if s.level is not None else "[yellow]待补充[/]"
        body.append_text(Text.from_markup(f"  {star}{s.name}：{level}\n"))
    for b in grade.blockers:
        body.append("✗ ", style="red")
        body.append(b.text + "\n")
        for m in b.missing[:6]:
            body.append(f"    · {m}\n")
    if grade.pending:
        body.append(f"待补充 {len(grade.pending)} 项（按 0 分/未达到计，补充后可能更高）：", style="yellow")
        body.append("、".join(p.id for p in grade.pending) + "\n", style="yellow")
        body.append(
            f"补齐方法：在本问卷中答完对应题目，或用 maturity assess -q {grade.scheme_id} 直接按评测指标作答。\n",
            style="dim",
        )
    title = "全国中小企业数字化水平评测（2024）" + ("估算" if grade.estimated else "")
    body.append(
        (
            "由本问卷答案按对照表推算，仅供参考，不是官方评定。"
            if grade.estimated
            else "自评结果，不是官方评定。"
        ),
        style="dim",
    )
    return Panel(body, title=title, title_align="left", expand=False)


def warn_incomplete(warnings: list[Issue], questionnaire: Questionnaire | None = None) -> None:
    """Say before the result that it rests on an older questionnaire version or on unanswered questions
    (named by their short label, with the code the answers file uses)."""
    for w in warnings:
        if w.field == "questionnaire_version":  # carried forward from an older questionnaire version
            err.print(Text("提示", style="yellow") + Text(f"：{w.message}"))
    missing = [w.value for w in warnings if "必答题" in w.message and "未作答" in w.message]
    if missing:
        qmap = questionnaire.question_map if questionnaire is not None else {}
        names = [f"{qmap[q].short}（{q}）" if q in qmap and qmap[q].short else q for q in missing[:8]]
        err.print(
            Text("提示", style="yellow")
            + Text(
                f"：{len(missing)} 道必答题未作答，按 0 分计：{'、'.join(names)}{' 等' if len(missing) > 8 else ''}。"
            )
        )


def header(result: Assessment) -> Panel:
    e = result.enterprise
    lines = Text()
    lines.append(f"{e.name}\n", style="bold")
    lines.append(f"{e.sub_sector_name}（{e.industry_type_name}）")
    if e.size_name:
        lines.append(f" · {e.size_name}")
    if e.region:
        lines.append(f" · {e.region}")
    lines.append("\n\n")
    lines.append("成熟度等级  ", style="dim")
    lines.append(f" {result.level.label} {result.level.name} ", style="bold white on blue")
    lines.append(f"    {result.score_label}  ", style="dim")
    lines.append(f"{result.score:g}", style="bold")
    lines.append(" / 100")
    if result.band_level.rank > result.level.rank:
        lines.append(
            f"\n按分数可达 {result.band_level.label}，但未通过该级门槛，详见 maturity explain。",
            style="yellow",
        )
    lines.append(f"\n问卷：{result.questionnaire_title} {result.questionnaire_version}", style="dim")
    if result.not_asked:
        lines.append(f"（{result.not_asked} 道题未问，不计分）", style="dim")
    return Panel(lines, title="评估结果", title_align="left", expand=False)


def dimension_table(result: Assessment) -> Table:
    table = Table(title="各维度", title_justify="left", expand=False)
    table.add_column("维度")
    table.add_column("得分", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("等级")
    table.add_column("作答", justify="right", style="dim")
    never = {x.dimension for x in result.questions if x.status == "not_asked"}
    for d in result.dimensions:
        if d.total == 0:
            name = d.name + ("" if d.kind == "scenario" else "（基础）" if d.kind == "foundation" else "")
            if d.id in never:  # every question of it was left out (e.g. on the core questionnaire)
                table.add_row(name, "—", Text("未问（完整问卷中作答）", style="dim"), "—", "0/0")
            continue
        name = d.name + ("" if d.kind == "scenario" else "（基础）" if d.kind == "foundation" else "")
        table.add_row(
            name,
            "—" if d.score is None else f"{d.score:g}",
            bar(d.score),
            d.level.label if d.level else "—",
            f"{d.answered}/{d.total}",
        )
    return table


def blockers_panel(result: Assessment) -> Panel | None:
    if result.next_level is None:
        return Panel("已达到本问卷的最高等级。", title="下一等级", title_align="left", expand=False)
    body = Text()
    for b in result.blockers:
        body.append("✗ ", style="red")
        body.append(b.text + "\n", style="bold" if b.kind == "gate" else "")
        for m in b.missing[:6]:
            body.append(f"    · {m}\n")
        if len(b.missing) > 6:
            body.append(f"    · …… 另有 {len(b.missing) - 6} 项\n", style="dim")
    if not result.blockers:
        body.append("无阻碍。")
    body.rstrip()
    return Panel(
        body,
        title=f"升到 {result.next_level.label} {result.next_level.name} 还缺什么",
        title_align="left",
        expand=False,
    )


def disclaimer(result: Assessment) -> str:
    """One line for the terminal; the full scheme note is in the JSON and the PDF report's method section."""
    first = result.scheme_note.split("。")[0]
    return f"说明：{first}。（完整说明见 PDF 报告“方法与依据”或 --format json 的 scheme_note）"


def compact_dimension_table(result: Assessment) -> Table:
    """The dimension bars without borders (one line per dimension), for the one-screen summary."""
    from rich import box

    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, show_edge=False, padding=(0, 1))
    table.add_column("维度")
    table.add_column("得分", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("等级")
    never = {x.dimension for x in result.questions if x.status == "not_asked"}
    for d in result.dimensions:
        if d.total == 0:
            name = d.name + ("" if d.kind == "scenario" else "（基础）" if d.kind == "foundation" else "")
            if d.id in never:  # every question of it was left out (e.g. on the core questionnaire)
                table.add_row(name, "—", Text("未问（完整问卷中作答）", style="dim"), "—", "0/0")
            continue
        name = d.name + ("" if d.kind == "scenario" else "（基础）" if d.kind == "foundation" else "")
        table.add_row(
            name, "—" if d.score is None else f"{d.score:g}", bar(d.score), d.level.label if d.level else "—"
        )
    return table


SUMMARY_GAPS = 4  # what `score` lists of the next level's gaps; the rest are in `explain` (one screen)


def gap_list(blockers: list[Blocker]) -> Table:
    """One line a gap, wrapped under its own text (the gap's figure, "差 0.9", is what the owner looks for)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for b in blockers:
        grid.add_row("  ·", prose(b.text))
    return grid


def grade_line(grade: NationalGrade) -> Text:
    """The national grade in one or two lines."""
    t = Text("全国评测" + ("（估算）" if grade.estimated else "") + "  ", style="dim")
    t.append(f" {grade.grade.label}（{grade.grade.name}） ", style="bold white on dark_green")
    t.append(f"  {grade.score_label} {grade.score:g}/100")
    if grade.blockers:
        t.append("；升级还缺：" + grade.blockers[0].text, style="dim")
    return t


def zh_count(n: int) -> str:
    """一/两/三... for a heading that counts what follows (“最重要的两件事”)."""
    return "一两三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def show_summary(ev: Evaluation) -> None:
    """`maturity score`: one screen (≤ 40 lines at 100 columns) — level, score, dimension bars, national grade,
    three next steps and where the detail is."""
    result = ev.assessment
    out.print(header(result))
    out.print(compact_dimension_table(result))
    if result.next_level is not None and result.blockers:
        out.print(Text(f"升到 {result.next_level.label}（{result.next_level.name}）还缺：", style="dim"))
        out.print(gap_list(result.blockers[:SUMMARY_GAPS]))
        if len(result.blockers) > SUMMARY_GAPS:
            more = len(result.blockers) - SUMMARY_GAPS
            out.print(Text(f"  另有 {more} 项，见 maturity explain", style="dim"))
    if ev.grade is not None:
        out.print(prose(grade_line(ev.grade)))
    out.print()
    out.print(Text(f"下一步最重要的{zh_count(len(ev.next_steps[:3]) or 3)}件事", style="bold"))
    if not ev.next_steps:
        out.print("  已达到本问卷的最高等级，保持并巩固现有做法。")
    from maturity.report.words import plain_for

    plain = plain_for(ev.scheme.questionnaire)  # the owner reads no question codes
    for i, step in enumerate(ev.next_steps[:3], 1):
        line = Text(f"  {i}. ") + Text(plain(step.title), style="bold")
        if step.what:
            line.append("：" + plain(step.what), style="dim")
        out.print(line, overflow="ellipsis", no_wrap=True)
    out.print()
    import shlex

    path = shlex.quote(str(ev.source)) if ev.source else "答卷文件"
    # one command a line, so a long file name never splits a command between lines
    for what, cmd in (
        ("看等级门槛", f"maturity explain {path}"),
        ("看路线图", f"maturity plan {path}"),
        ("生成 PDF 报告", f"maturity report {path} -o 报告.pdf"),
    ):
        out.print(Text(f"{what}：{cmd}", style="dim"), overflow="fold")
    out.print(prose(disclaimer(result), style="dim"))  # whole: it says what the level is not


def show_explain(result: Assessment) -> None:
    out.print(header(result))
    if result.not_asked:
        out.print(prose(not_asked_note(result), style="yellow"))
    dims = {d.id: d for d in result.dimensions}
    for did, d in dims.items():
        qs = [x for x in result.questions if x.dimension == did]
        if not qs:
            continue
        table = Table(
            title=f"{d.name}：{'—' if d.score is None else f'{d.score:g} 分'}"
            f"{'，' + d.level.label if d.level else ''}",
            title_justify="left",
            expand=True,
        )
        table.add_column("题号", no_wrap=True, style="cyan")
        table.add_column("题目", ratio=3, overflow="fold")
        table.add_column("回答", ratio=3, overflow="fold")
        table.add_column("得分", justify="right", no_wrap=True)
        table.add_column("贡献/满分", justify="right", no_wrap=True)
        for x in qs:
            status = _STATUS.get(x.status, x.status)
            answer = x.answer_text or status
            if x.status == "na" and x.justification:
                answer = f"不适用：{x.justification}"
            if x.note:
                answer += f"（备注：{x.note}）"
            score = "—" if x.score is None else f"{x.score:g}"
            contrib = "—" if x.max_contribution == 0 else f"{x.contribution:.2f}/{x.max_contribution:.2f}"
            table.add_row(x.id, prose(x.text), prose(answer), score, contrib)  # text, never markup
        out.print(table)
    gates = Table(title="等级门槛", title_justify="left", expand=True)
    gates.add_column("等级", no_wrap=True)
    gates.add_column("门槛", ratio=2, overflow="fold")
    gates.add_column("结果", no_wrap=True)
    gates.add_column("未满足的条件", ratio=3, overflow="fold")
    from maturity.engine.conditions import failing_leaves

    for g in result.gates:
        gates.add_row(
            g.level,
            prose(g.title),
            "[green]通过[/]" if g.passed else "[red]未通过[/]",
            prose("\n".join(failing_leaves(g.detail))),
        )
    out.print(gates)
    panel = blockers_panel(result)
    if panel:
        out.print(panel)
    out.print(prose(disclaimer(result), style="dim"))
