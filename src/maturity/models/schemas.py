"""JSON Schemas of every input file kind and of the JSON outputs (`maturity schema`, docs/schema/)."""

from __future__ import annotations

from typing import Any

from maturity.models.answers import AnswersFile
from maturity.models.questionnaire import Questionnaire
from maturity.models.results import Assessment, NationalGrade


def json_schemas() -> dict[str, dict[str, Any]]:
    from maturity.models.catalog import Catalog, Plan
    from maturity.models.crosswalk import Crosswalk
    from maturity.models.rules import Rules

    return {
        "questionnaire": Questionnaire.model_json_schema(),
        "rules": Rules.model_json_schema(),
        "answers": AnswersFile.model_json_schema(),
        "crosswalk": Crosswalk.model_json_schema(by_alias=True),
        "catalog": Catalog.model_json_schema(),
        "assessment": Assessment.model_json_schema(),
        "plan": Plan.model_json_schema(),
        "national-grade": NationalGrade.model_json_schema(),
    }
