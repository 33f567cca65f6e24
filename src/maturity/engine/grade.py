"""The national grade (e.g. MIIT 2024 一–四级): graded directly, or estimated from another questionnaire's answers.

An estimate is never more precise than its inputs: within ``SCORE_MARGIN`` points of a score threshold, or one
scene away from a count threshold, the grade is flagged borderline and the deciding factors are named.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from maturity.engine.conditions import State, count_hits
from maturity.engine.crosswalk import derive, derive_from_state
from maturity.engine.normalize import Normalized
from maturity.engine.scoring import Scheme
from maturity.models.answers import AnswersFile
from maturity.models.conditions import CountCond, walk
from maturity.models.crosswalk import Crosswalk
from maturity.models.results import Assessment, NationalGrade, PendingItem, SceneLevel

SCORE_MARGIN = 2.0  # points either side of a score threshold
SWING_ITEMS = {"M4": "数字化投入占营业收入比例（10% 及以下得 0 分，这一项满分 7.5 分）"}
GRADE_SOURCE = (
    "等级名称（初始级、规范级、集成级、协同级）和分数线 20/40/60/80 分、各级场景数量门槛，取自一份公开的独立复现版本"
    "（网页实现）的评级函数，2022 年版评测指标的分数档与之相同；工信厅企业〔2024〕56号 通知本身未列出门槛，"
    "尚未与官方附件核对。"
)


def grade_directly(sch: Scheme, result: Assessment) -> NationalGrade:
    """The grade of answers given on the national scheme itself."""
    return _grade(sch, result, estimated=False, pending=[], note="")


def estimate_grade(
    cw: Crosswalk, source: Scheme, result: Assessment, answers: AnswersFile, target: Scheme
) -> NationalGrade:
    """The grade under ``target`` estimated through the crosswalk ``cw`` from ``source`` answers."""
    target_result, derived_pending = estimate_result(cw, source, result, answers, target)
    pending = [PendingItem(id=qid, text=target.questionnaire.question(qid).text) for qid in derived_pending]
    return _grade(target, target_result, estimated=True, pending=pending, note=cw.note)


def estimate_result(
    cw: Crosswalk, source: Scheme, result: Assessment, answers: AnswersFile, target: Scheme
) -> tuple[Assessment, list[str]]:
    """The target-scheme Assessment of crosswalked answers (what :func:`estimate_grade` grades), and the
    target questions the source answers could not determine."""
    derived = derive(cw, source, result, target.questionnaire, answers)
    return target.assess(derived.answers), list(derived.pending)


class Estimate(NamedTuple):
    """The figures of an estimated target Assessment that a what-if search compares."""

    score: float
    level_id: str
    answers: list[Any]  # the target questions' canonical answers, in questionnaire order


def estimate_of(
    cw: Crosswalk,
    source: Scheme,
    answers: AnswersFile,
    target: Scheme,
    normalized: dict[str, Normalized] | None = None,
) -> Estimate:
    """Score, level and answers of :func:`estimate_result` for ``answers`` (not yet assessed; ``normalized``:
    their canonical form if known), without building either Assessment's explanations: the same figures at
    a fraction of the cost."""
    state, _ = source.scored_state(answers, normalized)
    derived = derive_from_state(
        cw, state, target.questionnaire, answers.enterprise, answers.created_at, answers.updated_at
    )
    tstate, level_id = target.scored_state(derived.answers)
    values = tstate.values
    return Estimate(tstate.score or 0.0, level_id, [values[x.id] for x in target.questionnaire.questions])


def points(x: float, thresholds: tuple[float, ...] = (20, 40, 60, 80)) -> str:
    """A score to one decimal, or two when one decimal would round it onto or across a threshold (39.98 is
    not "40.0")."""
    one = round(x, 1)
    if any((x < t <= one) or (one < t <= x) for t in thresholds):
        return f"{x:.2f}"
    return f"{one:.1f}"


def borderline(sch: Scheme, result: Assessment) -> tuple[bool, list[str]]:
    """Whether the grade is within reach of changing, and what decides it (readable sentences)."""
    out = deciding_factors(
        sch,
        result.score,
        sch.state_of(result),
        result.level.id,
        result.next_level.id if result.next_level else None,
    )
    return bool(out), out


def deciding_factors(sch: Scheme, score: float, state: State, current: str, nxt: str | None) -> list[str]:
    """What could change the grade: a score within SCORE_MARGIN of a grade's threshold, or a counted gate
    (scenes at a level) met exactly or missed by one. The one rule behind 临界 in the report and the batch
    summary."""
    rules = sch.rules
    out: list[str] = []
    names = {lv.id: lv.label for lv in sch.questionnaire.levels}
    cuts = tuple(b.min_score for b in rules.level_bands if b.min_score > 0)
    for band in rules.level_bands:
        if band.min_score <= 0:
            continue
        gap = score - band.min_score
        if abs(gap) < SCORE_MARGIN:
            side = f"高出 {points(gap, ())} 分" if gap >= 0 else f"还差 {points(-gap, ())} 分"
            if abs(gap) < 0.05:
                side = f"高出 {gap:.2f} 分" if gap >= 0 else f"还差 {-gap:.2f} 分"
            out.append(
                f"评测得分 {points(score, cuts)} 分，距{names.get(band.level, band.level)}分数线 "
                f"{band.min_score:g} 分{side}"
            )
    for level_id, at_risk_when in ((current, 0), (nxt, 1)):
        for g in sch.gates_by_level.get(level_id or "", ()):
            for node in walk(g.when):
                if not isinstance(node, CountCond):
                    continue
                hits = len(count_hits(node, state)[0])
                need = node.count.at_least
                if hits == need - at_risk_when:
                    state_text = "刚好达到，少一个就达不到" if at_risk_when == 0 else "只差一个"
                    out.append(f"{g.title}：现有 {hits} 个，{state_text}")
    if out:
        for qid, text in SWING_ITEMS.items():
            if qid in sch.questionnaire.question_map:
                out.append(f"单项“{text}”的作答可使得分相差 7.5 分")
    return out


def _grade(
    sch: Scheme, result: Assessment, *, estimated: bool, pending: list[PendingItem], note: str
) -> NationalGrade:
    q = sch.questionnaire
    scenes = []
    for x in result.questions:
        question = q.question(x.id)
        if "scene" in question.tags:
            scenes.append(
                SceneLevel(
                    id=x.id,
                    name=question.short or question.text,
                    level=x.answer if isinstance(x.answer, str) else None,
                    level_text=x.answer_text,
                    binding="binding" in question.tags,
                )
            )
    breakdown = [d for d in result.dimensions if d.weight > 0]
    border, deciding = borderline(sch, result)
    return NationalGrade(
        scheme_id=q.id,
        scheme_version=q.version,
        scheme_title=q.title,
        estimated=estimated,
        grade=result.level,
        score=result.score,
        score_label=result.score_label,
        breakdown=breakdown,
        scenes=scenes,
        blockers=result.blockers,
        pending=pending,
        note=note or q.scheme_note,
        borderline=border,
        deciding=deciding,
        grade_source=GRADE_SOURCE if q.id == "miit-2024" else "",
    )
