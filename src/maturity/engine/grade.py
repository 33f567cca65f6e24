"""The national grade (e.g. MIIT 2024 一–四级): graded directly, or estimated from another questionnaire's answers."""

from __future__ import annotations

from maturity.engine.crosswalk import derive
from maturity.engine.scoring import Scheme
from maturity.models.answers import AnswersFile
from maturity.models.crosswalk import Crosswalk
from maturity.models.results import Assessment, NationalGrade, PendingItem, SceneLevel


def grade_directly(sch: Scheme, result: Assessment) -> NationalGrade:
    """The grade of answers given on the national scheme itself."""
    return _grade(sch, result, estimated=False, pending=[], note="")


def estimate_grade(cw: Crosswalk, source: Scheme, result: Assessment, answers: AnswersFile,
                   target: Scheme) -> NationalGrade:
    """The grade under ``target`` estimated through the crosswalk ``cw`` from ``source`` answers."""
    derived = derive(cw, source, result, target.questionnaire, answers)
    target_result = target.assess(derived.answers)
    pending = [PendingItem(id=qid, text=target.questionnaire.question(qid).text) for qid in derived.pending]
    return _grade(target, target_result, estimated=True, pending=pending, note=cw.note)


def _grade(sch: Scheme, result: Assessment, *, estimated: bool, pending: list[PendingItem],
           note: str) -> NationalGrade:
    q = sch.questionnaire
    scenes = []
    for x in result.questions:
        question = q.question(x.id)
        if "scene" in question.tags:
            scenes.append(SceneLevel(id=x.id, name=question.short or question.text,
                                     level=x.answer if isinstance(x.answer, str) else None,
                                     level_text=x.answer_text, binding="binding" in question.tags))
    breakdown = [d for d in result.dimensions if d.weight > 0]
    return NationalGrade(
        scheme_id=q.id, scheme_version=q.version, scheme_title=q.title, estimated=estimated, grade=result.level,
        score=result.score, score_label=result.score_label, breakdown=breakdown, scenes=scenes,
        blockers=result.blockers, pending=pending, note=note or q.scheme_note)
