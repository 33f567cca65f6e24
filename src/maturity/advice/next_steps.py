"""The three most important next steps: the one rule every view (end screen, score, report) uses."""

from __future__ import annotations

from maturity.models.catalog import Plan
from maturity.models.evaluation import NextStep
from maturity.models.results import Assessment

COUNT = 3


def next_steps(result: Assessment, plan: Plan | None, count: int = COUNT) -> list[NextStep]:
    """The plan's first items that are not paperwork (制度 documents, shown in the plan and its national-grade
    step) when a catalog gave one; else the conditions blocking the next level, then
    the questions with the most room for improvement."""
    if plan is not None and plan.items:
        real = [it for it in plan.items if not it.paperwork] or plan.items  # 制度 work is shown, not counted
        return [NextStep(title=it.title, what=it.changes, why=it.because) for it in real[:count]]
    steps: list[NextStep] = []
    nxt = result.next_level
    target = f"{nxt.label}{nxt.name}" if nxt else "下一等级"
    for b in result.blockers:
        if b.kind == "score":
            steps.append(NextStep(title=b.text, why=f"分数未达到{target}的分数档"))
        for leaf in b.missing if b.kind == "gate" else []:
            steps.append(NextStep(title=f"为达到{target}：{leaf}", why=f"{target}的门槛：{b.text}"))
    room = sorted(
        (x for x in result.questions if x.max_contribution - x.contribution > 0.05),
        key=lambda x: (x.contribution - x.max_contribution, x.id),
    )
    for x in room:
        now = x.answer_text or "未答"
        steps.append(
            NextStep(
                title=f"改进「{x.text}」（目前：{now}）",
                why=f"这是提分空间最大的题目之一：答到最好一档，{result.score_label}最多可提高"
                f"{x.max_contribution - x.contribution:.1f}分",
            )
        )
    seen: set[str] = set()
    unique = []
    for s in steps:
        if s.title not in seen:
            seen.add(s.title)
            unique.append(s)
    return unique[:count]
