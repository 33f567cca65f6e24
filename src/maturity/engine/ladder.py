"""Cliffs in a ladder's gates: requirements that one answer can flip for a firm several levels up.

A firm at level k+1 meets every gate of levels 2..k+1. If one option step undoes a requirement of level j <= k
that level k+1 does not ask for one step more strongly, the firm falls below j: a cliff of several levels. The
rule that prevents it (docs/ladder.md): whatever level j requires, level j+1 requires with a margin of one step
(one more item in the same count, a stricter predicate that one step cannot undo, one dimension level higher).
The top level needs no margin. Pure functions; `maturity validate` reports what :func:`cliffs` finds as warnings.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from maturity.engine.conditions import select_questions
from maturity.models.conditions import (
    AllCond,
    AnyCond,
    CountCond,
    DimensionCond,
    DimensionPredicate,
    NotCond,
    QuestionCond,
    QuestionPredicate,
    ScoreCond,
)
from maturity.models.questionnaire import Questionnaire
from maturity.models.rules import Rules


def leaves(cond: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path inside the condition, leaf) for every leaf of an all/any tree."""
    if isinstance(cond, AllCond):
        for i, c in enumerate(cond.all):
            yield from leaves(c, path + ("all", i))
    elif isinstance(cond, AnyCond):
        for i, c in enumerate(cond.any):
            yield from leaves(c, path + ("any", i))
    else:
        yield path, cond


def _scores(q: Questionnaire, qid: str) -> list[float]:
    x = q.question_map[qid]
    return [b.score for b in x.bands or []] if x.kind == "number" else [o.score for o in q.options_of(x)]


def _step_keeps(q: Questionnaire, qids: list[str], strong: float, weak: float) -> bool:
    """Whether an answer scoring >= ``strong`` still scores >= ``weak`` one option step lower, for every question
    (multi-choice questions lose one ticked option: their score may fall by the largest option score)."""
    for qid in qids:
        x = q.question_map[qid]
        if x.kind == "multi":
            if strong - max((o.score for o in q.options_of(x)), default=0.0) < weak:
                return False
            continue
        scores = _scores(q, qid)
        for i, s in enumerate(scores):
            if s >= strong and i > 0 and scores[i - 1] < weak:
                return False
    return True


def dominates(q: Questionnaire, rank: dict[str, int], hi: Any, lo: Any) -> bool:
    """Whether leaf ``hi`` (a gate of the next level) keeps leaf ``lo`` true after any one option step.

    Assumes one step moves a dimension by at most one level (tests/engine/test_ladder.py checks it for the
    bundled questionnaire)."""
    if isinstance(lo, DimensionCond) and isinstance(hi, DimensionCond):
        return (
            hi.dimension == lo.dimension
            and lo.level_at_least is not None
            and hi.level_at_least is not None
            and rank.get(hi.level_at_least, 0) >= rank.get(lo.level_at_least, 0) + 1
        )
    if not (isinstance(lo, CountCond) and isinstance(hi, CountCond)):
        return False
    a, b = lo.count, hi.count
    pa, pb = a.predicate(), b.predicate()
    if isinstance(pa, DimensionPredicate) and isinstance(pb, DimensionPredicate):
        if a.dimensions != b.dimensions or pa.level_at_least is None or pb.level_at_least is None:
            return False
        la, lb = rank.get(pa.level_at_least, 0), rank.get(pb.level_at_least, 0)
        return (lb >= la and b.at_least >= a.at_least + 1) or (lb >= la + 1 and b.at_least >= a.at_least)
    if not (isinstance(pa, QuestionPredicate) and isinstance(pb, QuestionPredicate)):
        return False
    if a.questions is None or b.questions is None:
        return False
    qa, qb = set(select_questions(q, a.questions)), set(select_questions(q, b.questions))
    if not qb <= qa or not qb <= set(q.question_map):
        return False
    if pa.at_least is not None and pb.at_least is not None:
        # the same option list for every counted question (e.g. scene levels "0".."4"): compare positions
        lists = {tuple(o.value for o in q.options_of(q.question_map[x])) for x in qa}
        if len(lists) != 1:
            return False
        values = list(next(iter(lists)))
        if pa.at_least not in values or pb.at_least not in values:
            return False
        va, vb = values.index(pa.at_least), values.index(pb.at_least)
        return (vb >= va and b.at_least >= a.at_least + 1) or (vb >= va + 1 and b.at_least >= a.at_least)
    sa, sb = pa.score_at_least, pb.score_at_least
    if sa is None or sb is None:
        return False
    if sb >= sa and b.at_least >= a.at_least + 1:
        return True
    return sb > sa and b.at_least >= a.at_least and _step_keeps(q, sorted(qb), sb, sa)


def cliffs(rules: Rules, q: Questionnaire) -> list[tuple[int, tuple, str]]:
    """(gate index, path of the leaf inside ``when``, Chinese message) for every possible cliff."""
    rank = {lv.id: lv.rank for lv in q.levels}
    ordered = [lv.id for lv in q.levels_sorted()]
    label = {lv.id: lv.label for lv in q.levels}
    by_level: dict[str, list[Any]] = {}
    for g in rules.gates:
        by_level.setdefault(g.level, []).extend(leaf for _, leaf in leaves(g.when))
    following = dict(itertools.pairwise(ordered))
    out: list[tuple[int, tuple, str]] = []
    for i, g in enumerate(rules.gates):
        nxt = following.get(g.level)
        if nxt is None or g.level not in rank:
            continue  # the top level needs no margin
        for path, leaf in leaves(g.when):
            if isinstance(leaf, NotCond):
                continue  # reported as an error elsewhere
            if isinstance(leaf, QuestionCond | ScoreCond):
                what = f"一道题（{leaf.question}）" if isinstance(leaf, QuestionCond) else "综合得分"
                out.append(
                    (
                        i,
                        path,
                        f"门槛 {g.id}（{label[g.level]}）的这一条只看{what}：改动一个选项，已达到更高等级的企业"
                        "可能连降几级。建议改为“几项中做到几项”的计数（count），并在下一级多要一项",
                    )
                )
            elif not any(dominates(q, rank, hi, leaf) for hi in by_level.get(nxt, [])):
                out.append(
                    (
                        i,
                        path,
                        f"门槛 {g.id}（{label[g.level]}）的这一条在 {label[nxt]} 没有更严格的同类要求：达到更高等级的"
                        f"企业在这一条上退一档，就会跌到 {label[g.level]} 以下。建议在 {label[nxt]} 的门槛中把同一计数"
                        "多要一项，或把维度等级提高一级",
                    )
                )
    return out
