"""The library's public face for scripts and tests: load, validate, evaluate, report.

Everything here is defined in the stage it belongs to (:mod:`maturity.load`, :mod:`maturity.pipeline`, …);
this module only gathers the names. Nothing here prints; errors are :class:`maturity.errors.MaturityError`.
"""

from __future__ import annotations

from pathlib import Path

from maturity.load.answers import LoadedAnswers, answers_from_model, load_answers
from maturity.load.bundled import (
    DEFAULT_QUESTIONNAIRE,
    NATIONAL_SCHEME,
    BundledQuestionnaire,
    bundled_questionnaire,
    crosswalk_path,
    list_bundled,
    questionnaire_path,
    rules_path,
    scheme,
)
from maturity.load.validate_files import classify, default_validation_targets, validate_paths
from maturity.models.evaluation import Evaluation
from maturity.models.results import Assessment
from maturity.models.schemas import json_schemas
from maturity.pipeline import (
    evaluate,
    evaluate_answers,
    evaluate_file,
    grade_estimate,
    national_grade,
    plan_for,
    report_html,
    write_report,
)


def assess(answers: LoadedAnswers) -> Assessment:
    """Scores and level only (no plan or national grade): the engine's Assessment."""
    return answers.scheme.assess(answers.answers, answers.normalized)


def assess_file(path: str | Path) -> Assessment:
    return assess(load_answers(path))


__all__ = [
    "DEFAULT_QUESTIONNAIRE",
    "NATIONAL_SCHEME",
    "Assessment",
    "BundledQuestionnaire",
    "Evaluation",
    "LoadedAnswers",
    "answers_from_model",
    "assess",
    "assess_file",
    "bundled_questionnaire",
    "classify",
    "crosswalk_path",
    "default_validation_targets",
    "evaluate",
    "evaluate_answers",
    "evaluate_file",
    "grade_estimate",
    "json_schemas",
    "list_bundled",
    "load_answers",
    "national_grade",
    "plan_for",
    "questionnaire_path",
    "report_html",
    "rules_path",
    "scheme",
    "validate_paths",
    "write_report",
]
