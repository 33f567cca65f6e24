"""The one road from answers to a report: load -> evaluate -> Evaluation -> report context -> HTML -> PDF.

Every command (score, explain, plan, report, compare, the interview's end screen and --pdf, every batch row and
PDF) goes through these functions; none wires the chain itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from maturity import __version__
from maturity.advice.next_steps import next_steps
from maturity.errors import InputError
from maturity.load import bundled
from maturity.load.answers import LoadedAnswers, answers_checked, load_answers
from maturity.models.answers import AnswersFile
from maturity.models.catalog import Plan
from maturity.models.evaluation import Evaluation, PeerStanding, Previous, Provenance
from maturity.models.results import Assessment, NationalGrade

if TYPE_CHECKING:
    from maturity.report import ReportResult


def evaluate(
    loaded: LoadedAnswers,
    *,
    budget: float | None = None,
    peer: PeerStanding | None = None,
    previous: Evaluation | None = None,
    with_plan: bool = True,
) -> Evaluation:
    """Assess loaded answers and add what every view shows: plan, national grade, next steps, provenance."""
    sch = loaded.scheme
    result = sch.assess(loaded.answers, loaded.normalized)
    q = sch.questionnaire
    catalog = bundled.catalog(q.id) if with_plan else None
    plan = _plan(loaded, result, budget) if catalog is not None else None
    a = loaded.answers
    provenance = Provenance(
        tool_version=__version__,
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        rules_id=sch.rules.id,
        rules_version=sch.rules.version,
        catalog_version=catalog.version if catalog is not None else None,
        assessed_on=a.updated_at or a.created_at,
        assessor=a.enterprise.assessor,
        mode=a.enterprise.mode or "self",
    )
    return Evaluation(
        answers=a,
        normalized=loaded.normalized,
        scheme=sch,
        assessment=result,
        plan=plan,
        grade=grade_estimate(loaded, result),
        next_steps=next_steps(result, plan),
        provenance=provenance,
        source=loaded.path,
        warnings=loaded.warnings,
        peer=peer,
        previous=Previous(previous.assessment, previous.provenance.assessed_on) if previous else None,
    )


def evaluate_file(path: str | Path, **options: Any) -> Evaluation:
    """Load an answers file and evaluate it."""
    return evaluate(load_answers(path), **options)


def evaluate_answers(answers: AnswersFile, **options: Any) -> Evaluation:
    """Evaluate answers already checked against their bundled questionnaire (a batch row)."""
    return evaluate(answers_checked(answers, bundled.scheme(answers.questionnaire)), **options)


def _plan(loaded: LoadedAnswers, result: Assessment, budget: float | None) -> Plan | None:
    from maturity.advice.recommend import National, build_plan

    source_id = loaded.scheme.questionnaire.id
    catalog = bundled.catalog(source_id)
    if catalog is None:
        return None
    target_id = bundled.NATIONAL_SCHEME
    national = (
        National(bundled.crosswalk(source_id, target_id), bundled.scheme(target_id))
        if source_id != target_id and bundled.has_crosswalk(source_id, target_id)
        else None
    )
    return build_plan(loaded.scheme, result, catalog, budget, national=national)


def plan_for(loaded: LoadedAnswers, result: Assessment, budget: float | None = None) -> Plan:
    """The 小快轻准 roadmap, or an InputError naming the missing catalog (`maturity plan`)."""
    plan = _plan(loaded, result, budget)
    if plan is None:
        from maturity.load.catalog import catalog_path

        q = loaded.scheme.questionnaire
        raise InputError(f"问卷 {q.id} 没有配套的方案目录（应为 {catalog_path(q.id)}），无法生成升级路线图。")
    return plan


def national_grade(
    loaded: LoadedAnswers, target_id: str = bundled.NATIONAL_SCHEME, result: Assessment | None = None
) -> NationalGrade:
    """Grade the enterprise under ``target_id``: directly if answered on it, else estimated via the crosswalk."""
    from maturity.engine.grade import estimate_grade, grade_directly

    result = result or loaded.scheme.assess(loaded.answers, loaded.normalized)
    source_id = loaded.scheme.questionnaire.id
    if source_id == target_id:
        return grade_directly(loaded.scheme, result)
    return estimate_grade(
        bundled.crosswalk(source_id, target_id),
        loaded.scheme,
        result,
        loaded.answers,
        bundled.scheme(target_id),
    )


def grade_estimate(
    loaded: LoadedAnswers, result: Assessment, target_id: str = bundled.NATIONAL_SCHEME
) -> NationalGrade | None:
    """The estimated national grade shown beside the L-level, or None when the answers are already on
    that scheme or their questionnaire has no crosswalk to it."""
    source_id = loaded.scheme.questionnaire.id
    if source_id == target_id or not bundled.has_crosswalk(source_id, target_id):
        return None
    return national_grade(loaded, target_id, result)


def prepare(questionnaire_id: str, *, report: bool = False, templates: str | Path | None = None) -> None:
    """Load ahead what evaluating answers to ``questionnaire_id`` needs beyond the questionnaire (its rules,
    catalog and crosswalk, the national scheme, the roadmap code) and, with ``report``, the PDF engine and
    templates. For a background thread while a person answers: the end screen and its PDF then do not pay
    for them. Errors are left to the real evaluation, which reports them."""
    try:
        bundled.scheme(questionnaire_id)
        if bundled.catalog(questionnaire_id) is not None:
            from maturity.advice import recommend  # noqa: F401
        target = bundled.NATIONAL_SCHEME
        if questionnaire_id != target and bundled.has_crosswalk(questionnaire_id, target):
            bundled.crosswalk(questionnaire_id, target)
            from maturity.engine import grade  # noqa: F401
    except Exception:  # a warm-up only; the evaluation reports every problem itself
        pass
    if report:
        from maturity.report import prepare as prepare_report

        prepare_report(templates)


def write_report(
    evaluation: Evaluation,
    out_pdf: str | Path | None,
    *,
    html_out: str | Path | None = None,
    templates: str | Path | None = None,
    font: Any = None,
    force: bool = False,
    appendix: bool = False,
) -> ReportResult:
    """Render the evaluation's PDF report (and optionally its HTML); nothing is written on any error.

    The owner's report (at most 12 pages for the bundled examples); ``appendix`` adds the consultant's dossier."""
    from maturity.report import render_report

    return render_report(
        evaluation, out_pdf, html_out=html_out, templates=templates, font=font, force=force, appendix=appendix
    )


def report_html(
    evaluation: Evaluation,
    *,
    templates: str | Path | None = None,
    font: Any = None,
    standalone: bool = False,
    appendix: bool = False,
) -> str:
    """The report's HTML only (golden tests, the benchmark)."""
    from maturity.report import build_html

    return build_html(evaluation, templates=templates, font=font, standalone=standalone, appendix=appendix)


def write_cohort_report(overview: Any, out_pdf: str | Path, *, font: Any = None, force: bool = False) -> int:
    """Render a batch's programme overview (a CohortOverview from :mod:`maturity.batch.rollup`) as a PDF;
    returns the page count. Nothing is written on any error."""
    from maturity.report.cohort import render_cohort

    return render_cohort(overview, out_pdf, generator=f"maturity {__version__}", font=font, force=force)
