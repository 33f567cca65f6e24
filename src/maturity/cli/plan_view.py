"""The 小快轻准 roadmap in the terminal (`maturity plan`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from maturity.cli.cjkwrap import prose
from maturity.cli.console import out

if TYPE_CHECKING:
    from maturity.models.catalog import Plan, PlanItem, PolicyRef

WIDE = 120  # columns from which the five-column table is readable

_KIND = {
    "budget": "超出预算",
    "prerequisite": "前置未纳入",
    "capacity": "阶段已排满",
    "requires": "条件未具备",
    "covered": "已被覆盖",
    "horizon": "超出时间安排",
}
_POLICY_KIND = {"subsidy": "补贴", "fund": "专项资金", "service": "服务", "voucher": "券", "loan": "贷款"}


def _range(lo: float, hi: float) -> str:
    return f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"


def _cost(it: PlanItem, unit: str = "") -> str:
    return f"{_range(it.cost.min, it.cost.max)}{unit}{('（' + it.cost_note + '）') if it.cost_note else ''}"


def _kpis(it: PlanItem) -> str:
    return "\n".join(f"{k.metric}：{k.target}" for k in it.kpis)


def _prerequisites(it: PlanItem, where: dict[str, str]) -> str:
    titles = it.prerequisite_titles or it.prerequisites
    return "、".join(
        f"{t}（{where.get(x, '已具备')}）" for x, t in zip(it.prerequisites, titles, strict=False)
    )


def _policies(it: PlanItem, names: dict[str, str]) -> str:
    return "、".join(names.get(x, x) for x in it.policies)


def _card(n: int, it: PlanItem, where: dict[str, str], policy_names: dict[str, str], plain: Any) -> Any:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    if it.paperwork:
        grid.add_row("", Text("制度建设，不是数字化改造", style="yellow"))
    if it.lift:
        grid.add_row("预计", it.lift)
    grid.add_row("实际变化", prose(it.changes))
    grid.add_row("费用", _cost(it, " 万元"))
    grid.add_row("周期", f"{_range(it.weeks.min, it.weeks.max)} 周（第 {it.start_week}–{it.finish_week} 周）")
    if it.kpis:
        grid.add_row("预期成效", prose(_kpis(it)))
    grid.add_row("推荐理由", prose(plain(it.because)))
    if it.prerequisites:
        grid.add_row("前置", prose(_prerequisites(it, where)))
    if it.policies:
        grid.add_row("政策", prose(_policies(it, policy_names), style="cyan"))
    return Panel(grid, title=Text(f"{n}. {it.title}", style="bold"), title_align="left")


def _policy_document(pol: PolicyRef) -> str:
    """Issuer, document number and year of a policy, as far as they are known."""
    return "，".join(x for x in (pol.issuer, pol.ref, f"{pol.year} 年" if pol.year else "") if x)


def _policy_card(pol: PolicyRef) -> Any:
    """One policy on a narrow terminal: what it supports, how much, on what condition, and which document."""
    from rich.panel import Panel
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    kind = _POLICY_KIND.get(pol.kind, pol.kind)
    grid.add_row("政策", prose(f"{pol.name}（{kind}）", style="bold"))
    if pol.region:
        grid.add_row("适用地区", prose(pol.region))
    grid.add_row("支持内容", prose(pol.summary))
    if pol.amount:
        grid.add_row("额度", prose(pol.amount))
    if pol.eligibility:
        grid.add_row("条件", prose(pol.eligibility))
    if doc := _policy_document(pol):
        grid.add_row("文件", prose(doc, style="dim"))
    return Panel(grid)


def show_plan(p: Plan, plain: Callable[[str], str] = str) -> None:
    """The roadmap: a table per horizon on a wide terminal (``WIDE`` columns or more), else one card per
    solution. ``plain`` rewrites texts that name question codes for the owner (no codes)."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    head = Text()
    head.append("当前 ", style="dim")
    head.append(f"{p.current_level.label} {p.current_level.name}", style="bold")
    head.append(f"（{p.current_score:g} 分）", style="dim")
    for h in p.horizons:
        head.append("  →  ")
        head.append(f"{h.name}后 ", style="dim")
        head.append(
            h.projected_level.label,
            style="bold green" if h.projected_level.rank > p.current_level.rank else "bold",
        )
    for h in p.horizons:
        if h.projected_grade is not None:
            g = h.projected_grade
            head.append(
                f"\n{h.name}后全国评测估算：{g.label}（{g.score:.1f} 分{'，临界' if g.borderline else ''}）",
                style="dim",
            )
    head.append(f"\n参考费用合计 {_range(p.total_cost_min, p.total_cost_max)} 万元")
    if p.budget is not None:
        head.append(f"（预算上限 {p.budget:g} 万元，按参考费用上限核对）")
    if p.nothing_fits:
        head.append("\n" + p.nothing_fits, style="yellow")
    elif not p.items:
        head.append("\n没有需要推荐的方案：触发条件均不成立，或相关能力已经具备。", style="green")
    if p.grade_step is not None:
        out.print(
            Panel(
                prose(plain(p.grade_step.text), style="bold"),
                title="离下一个全国评测等级最近的一步（估算）",
                title_align="left",
                expand=False,
            )
        )
    out.print(Panel(head, title="升级路线图（小快轻准）", title_align="left", expand=False))
    if p.priorities:
        out.print(prose(plain(p.priorities), style="dim"))

    wide = out.width >= WIDE
    where = {x.id: h.name for h in p.horizons for x in h.items}  # solution -> the stage it is planned in
    policy_names = {pol.id: pol.name for pol in p.policies}
    for h in p.horizons:
        title = (
            f"{h.name}（第 {h.start_weeks}–{h.end_weeks} 周）：完成后预计 {h.projected_level.label} "
            f"{h.projected_level.name}，{h.projected_score:g} 分"
        )
        if h.projected_grade is not None:
            title += f"；全国评测估算 {h.projected_grade.label}"
        title += f"；参考费用 {_range(h.cost_min, h.cost_max)} 万元"
        if h.raised_dimensions:
            title += f"\n提升：{'，'.join(h.raised_dimensions)}"
        if not wide:  # one card per solution: five columns do not fit a narrow terminal
            out.print(Text(title, style="bold"))
            if not h.items:
                out.print(Text("（本阶段无新增方案）", style="dim"))
            for n, it in enumerate(h.items, 1):
                out.print(_card(n, it, where, policy_names, plain))
            continue
        table = Table(title=title, title_justify="left", expand=True, show_lines=True)
        table.add_column("方案", ratio=2, overflow="fold")
        table.add_column("实际变化", ratio=3, overflow="fold")
        table.add_column("费用（万元）/周期（周）", no_wrap=True)
        table.add_column("预期成效", ratio=2, overflow="fold")
        table.add_column("推荐理由", ratio=3, overflow="fold")
        for it in h.items:
            name = Text(it.title, style="bold")
            if it.paperwork:
                name.append("\n（制度建设，不是数字化改造）", style="yellow")
            if it.lift:
                name.append(f"\n预计 {it.lift}", style="dim")
            if it.prerequisites:
                name.append(f"\n前置：{_prerequisites(it, where)}", style="dim")
            if it.policies:
                name.append(f"\n政策：{_policies(it, policy_names)}", style="cyan")
            cost = f"{_cost(it)}\n{_range(it.weeks.min, it.weeks.max)} 周\n第 {it.start_week}–{it.finish_week} 周"
            table.add_row(name, prose(it.changes), cost, prose(_kpis(it)), prose(plain(it.because)))
        if not h.items:
            table.add_row("（本阶段无新增方案）", "", "", "", "")
        out.print(table)

    if p.left_out:
        table = Table(title="未纳入本次路线图", title_justify="left", expand=True)
        table.add_column("方案", ratio=2, overflow="fold")
        table.add_column("原因", no_wrap=True)
        table.add_column("说明", ratio=4, overflow="fold")
        for lo in p.left_out:
            table.add_row(prose(lo.title), _KIND.get(lo.kind, lo.kind), prose(plain(lo.reason)))
        out.print(table)
    if p.policies and not wide:
        out.print(Text("可申请的政策支持（以当地当年文件为准）", style="italic"))
        for pol in p.policies:
            out.print(_policy_card(pol))
    elif p.policies:
        table = Table(title="可申请的政策支持（以当地当年文件为准）", title_justify="left", expand=True)
        table.add_column("政策", ratio=2, overflow="fold")
        table.add_column("类型", no_wrap=True)
        table.add_column("支持内容", ratio=4, overflow="fold")
        for pol in p.policies:
            detail = pol.summary.rstrip("。")
            if pol.amount:
                detail += f"；额度：{pol.amount}"
            if pol.eligibility:
                detail += f"；条件：{pol.eligibility}"
            policy_name = pol.name + (f"（{pol.region}）" if pol.region else "")
            if doc := _policy_document(pol):
                policy_name += f"\n{doc}"
            table.add_row(policy_name, _POLICY_KIND.get(pol.kind, pol.kind), prose(detail))
        out.print(table)
    out.print(prose(p.note, style="dim"))
    out.print(prose(p.method, style="dim"))
