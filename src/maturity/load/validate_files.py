"""`maturity validate`: check files of any kind (and their cross references), every problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from maturity.errors import DataValidationError, InputError, Issue
from maturity.load import bundled, loader
from maturity.load.answers import answers_from_model
from maturity.load.catalog import check_catalog_file
from maturity.load.validation import validate_model
from maturity.load.yamlio import Loaded, load
from maturity.models.answers import AnswersFile
from maturity.models.questionnaire import Questionnaire
from maturity.resources import data_dir


def classify(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    if "questions" in data and "levels" in data:
        return "questionnaire"
    if "level_bands" in data or "gates" in data:
        return "rules"
    if "map" in data and ("from" in data or "to" in data):
        return "crosswalk"
    if "solutions" in data:
        return "catalog"
    if "enterprise" in data or "answers" in data:
        return "answers"
    return None


def default_validation_targets() -> list[Path]:
    paths: list[Path] = []
    for name in ("questionnaires", "scoring_rules", "examples"):
        paths += sorted(data_dir(name).glob("*.yaml"))
    return paths


def validate_paths(paths: list[Path]) -> tuple[list[Issue], list[tuple[Path, str]]]:
    """Validate files of any kind; returns every issue and the (path, kind) of each file checked."""
    issues: list[Issue] = []
    kinds: list[tuple[Path, str]] = []
    loaded_files: list[tuple[Loaded, str]] = []
    for p in paths:
        try:
            lf = load(p)
        except DataValidationError as e:
            issues += e.issues
            kinds.append((p, "?"))
            continue
        except InputError as e:
            issues.append(Issue(str(p), e.message))
            kinds.append((p, "?"))
            continue
        kind = classify(lf.data)
        if lf.data is None:
            issues.append(Issue(str(p), "文件为空（空文件或只有注释）", line=1, col=1))
            kinds.append((p, "?"))
            continue
        if kind is None:
            issues.append(
                Issue(
                    str(p),
                    "无法识别的文件：既不是问卷、评分规则、对照表、方案目录，也不是答卷",
                    line=1,
                    col=1,
                )
            )
            kinds.append((p, "?"))
            continue
        loaded_files.append((lf, kind))
        kinds.append((p, kind))

    questionnaires: dict[str, Questionnaire] = {}
    for lf, kind in loaded_files:
        if kind == "questionnaire":
            q, iss = loader.check_questionnaire(lf)
            issues += iss
            if q is not None:
                questionnaires[q.id] = q

    def find_q(qid: str) -> Questionnaire | None:
        if qid in questionnaires:
            return questionnaires[qid]
        if bundled.exists(qid):
            try:
                return bundled.bundled_questionnaire(qid)
            except DataValidationError:
                return None
        return None

    for lf, kind in loaded_files:
        data = lf.data
        if kind == "rules":
            q = find_q(str(data.get("questionnaire", "")))
            _, iss = loader.check_rules(lf, q)
            if q is None and not iss:
                iss = [
                    Issue(
                        str(lf.path),
                        f"找不到规则对应的问卷 {data.get('questionnaire')}",
                        field="questionnaire",
                    )
                ]
            issues += iss
        elif kind == "crosswalk":
            src = find_q(str((data.get("from") or {}).get("questionnaire", "")))
            dst = find_q(str((data.get("to") or {}).get("questionnaire", "")))
            _, iss = loader.check_crosswalk(lf, src, dst)
            issues += iss
        elif kind == "catalog":
            issues += check_catalog_file(lf, find_q)
        elif kind == "answers":
            model, iss = validate_model(AnswersFile, lf)
            if model is None:
                issues += iss
                continue
            try:
                issues += answers_from_model(lf, model).warnings
            except DataValidationError as e:
                issues += e.issues
            except InputError as e:
                issues.append(Issue(str(lf.path), e.message))
    return issues, kinds
