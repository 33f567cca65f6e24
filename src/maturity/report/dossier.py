"""The consultant's dossier (``--appendix``): every gate of every level and the full crosswalk to the national
scheme, with question codes in parentheses. The owner's report never shows these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from maturity.models.evaluation import Evaluation
from maturity.models.results import Assessment, ConditionResult
from maturity.report.words import Plain


@dataclass
class GateView:
    level: str  # "L4 规范管理级"
    title: str
    passed: bool
    lines: list[tuple[bool, str]]  # (passed, condition in words with codes in parentheses)


@dataclass
class CrosswalkRow:
    indicator: str  # the national indicator, in words
    answer: str  # the answer derived for it, or 待补充
    how: str  # from which of our answers (codes in parentheses)
    note: str = ""


def _leaves(c: ConditionResult, out: list[tuple[bool, str]]) -> None:
    if not c.children:
        out.append((c.passed, c.text))
        return
    for k in c.children:
        _leaves(k, out)


def gate_views(scheme: Any, a: Assessment, plain: Plain) -> list[GateView]:
    """Every gate of every level, passed or not, each condition with its actual value."""
    from maturity.report.context import zh

    names = {lv.id: f"{lv.label}{lv.name}" for lv in scheme.questionnaire.levels_sorted()}
    out = []
    for g in a.gates:
        leaves: list[tuple[bool, str]] = []
        _leaves(g.detail, leaves)
        out.append(
            GateView(
                level=names.get(g.level, g.level),
                title=zh(plain(g.title, owner=False)),
                passed=g.passed,
                lines=[(ok, zh(plain(t, owner=False))) for ok, t in leaves],
            )
        )
    return out


def _questions_in(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "question" and isinstance(v, str):
                if v not in out:
                    out.append(v)
            else:
                _questions_in(v, out)
    elif isinstance(node, list):
        for v in node:
            _questions_in(v, out)


def crosswalk_rows(ev: Evaluation, plain: Plain) -> list[CrosswalkRow]:
    """Each national indicator: the answer derived from ours, from which questions, or 待补充."""
    from maturity.engine.crosswalk import derive
    from maturity.engine.normalize import answer_text
    from maturity.load import bundled
    from maturity.report.context import zh

    g = ev.grade
    if g is None or not g.estimated:
        return []
    source = ev.scheme.questionnaire
    target = bundled.scheme(g.scheme_id)
    cw = bundled.crosswalk(source.id, g.scheme_id)
    derived = derive(cw, ev.scheme, ev.assessment, target.questionnaire, ev.answers)
    tq = target.questionnaire
    rows = []
    for x in tq.questions:
        if not x.scored:
            continue
        m = cw.map.get(x.id)
        given = derived.answers.answers.get(x.id)
        answer = zh(answer_text(tq, x, given.value)) if given is not None else "待补充"
        if m is None:
            how = "本问卷没有对应题目"
        else:
            qids: list[str] = []
            if m.copy_:
                qids.append(m.copy_)
            _questions_in(m.model_dump(by_alias=True, exclude={"note"}), qids)
            named = "、".join(f"“{plain.names.get(q, q)}”" for q in qids[:3]) + (
                "等" if len(qids) > 3 else ""
            )
            codes = "、".join(qids)
            verb = "直接取自" if m.copy_ else "依据"
            how = f"{verb}{named}（{codes}）" if qids else "按对照规则推定"
        rows.append(
            CrosswalkRow(
                indicator=zh(x.short or x.text),
                answer=answer,
                how=zh(how),
                note=zh(plain(m.note)) if m is not None and m.note else "",
            )
        )
    return rows
