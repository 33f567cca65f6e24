"""Library facade used by the CLI and by tests: load, validate, assess.

Nothing here prints; errors are :class:`maturity.errors.MaturityError` subclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from maturity.engine.normalize import Normalized
from maturity.engine.scoring import Scheme
from maturity.errors import DataValidationError, InputError, Issue
from maturity.load import loader
from maturity.load.validation import validate_model
from maturity.load.yamlio import Loaded, load
from maturity.models.answers import AnswersFile
from maturity.models.questionnaire import Questionnaire
from maturity.models.results import Assessment, NationalGrade, PendingItem, SceneLevel
from maturity.resources import data_dir

DEFAULT_QUESTIONNAIRE = "light-industry"


@dataclass(frozen=True)
class BundledQuestionnaire:
    id: str
    version: str
    title: str
    path: Path
    rules_path: Path
    questions: int


def questionnaire_path(qid: str) -> Path:
    path = data_dir("questionnaires") / f"{qid}.yaml"
    if not path.is_file():
        known = "、".join(p.stem for p in sorted(data_dir("questionnaires").glob("*.yaml")))
        raise InputError(f"没有名为 {qid} 的问卷；内置问卷：{known}")
    return path


def rules_path(qid: str) -> Path:
    return data_dir("scoring_rules") / f"{qid}.rules.yaml"


def list_bundled() -> list[BundledQuestionnaire]:
    out = []
    for path in sorted(data_dir("questionnaires").glob("*.yaml")):
        q = loader.load_questionnaire(path)
        out.append(BundledQuestionnaire(q.id, q.version, q.title, path, rules_path(q.id),
                                        sum(1 for x in q.questions if x.scored)))
    return out


@cache
def bundled_questionnaire(qid: str) -> Questionnaire:
    """A bundled questionnaire by id, loaded and checked once per process."""
    return loader.load_questionnaire(questionnaire_path(qid))


@cache
def scheme(qid: str = DEFAULT_QUESTIONNAIRE) -> Scheme:
    """The compiled questionnaire + rules for a bundled questionnaire id (cached per process)."""
    q = bundled_questionnaire(qid)
    r = loader.load_rules(rules_path(qid), q)
    return Scheme(q, r)


@dataclass
class LoadedAnswers:
    path: Path
    answers: AnswersFile
    normalized: dict[str, Normalized]
    scheme: Scheme
    warnings: list[Issue]


def load_answers(path: str | Path, *, strict: bool = False) -> LoadedAnswers:
    """Read, migrate and check an answers file against its bundled questionnaire."""
    loaded, raw = loader.read_answers(path)
    return answers_from_model(loaded, raw, strict=strict)


def answers_from_model(loaded: Loaded, raw: AnswersFile, *, strict: bool = False) -> LoadedAnswers:
    sch = scheme(raw.questionnaire) if _exists(raw.questionnaire) else None
    if sch is None:
        raise DataValidationError([Issue(str(loaded.path), f"未知问卷 {raw.questionnaire}；内置问卷："
                                         f"{'、'.join(p.stem for p in data_dir('questionnaires').glob('*.yaml'))}",
                                         *loaded.locate(("questionnaire",)), field="questionnaire",
                                         value=raw.questionnaire)])
    answers = loader.migrate(raw, sch.questionnaire, loaded)
    issues = loader.check_answers(loaded, answers, sch.questionnaire, strict=strict)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise DataValidationError(issues)
    normalized = sch.normalize(answers)
    return LoadedAnswers(Path(loaded.path), answers, normalized, sch, issues)


def _exists(qid: str) -> bool:
    return (data_dir("questionnaires") / f"{qid}.yaml").is_file()


def assess(answers: LoadedAnswers) -> Assessment:
    return answers.scheme.assess(answers.answers, answers.normalized)


def assess_file(path: str | Path) -> Assessment:
    return assess(load_answers(path))


# ---- recommendations ----------------------------------------------------------------------
def plan_for(la: LoadedAnswers, result: Assessment, budget: float | None = None, *, required: bool = False):
    """The 小快轻准 roadmap for loaded answers, or None if the questionnaire has no catalog
    (an InputError if ``required``)."""
    from maturity.advice.recommend import build_plan
    from maturity.load.catalog import bundled_catalog, catalog_path

    q = la.scheme.questionnaire
    catalog = bundled_catalog(q)
    if catalog is None:
        if required:
            raise InputError(f"问卷 {q.id} 没有配套的方案目录（应为 {catalog_path(q.id)}），无法生成升级路线图。")
        return None
    return build_plan(la.scheme, result, catalog, budget)


# ---- national grade (another scheme from the same answers) ---------------------------------
def crosswalk_path(source_id: str, target_id: str) -> Path:
    return data_dir("scoring_rules") / f"{source_id}--{target_id}.crosswalk.yaml"


@cache
def _crosswalk(source_id: str, target_id: str):
    path = crosswalk_path(source_id, target_id)
    if not path.is_file():
        raise InputError(f"问卷 {source_id} 没有到 {target_id} 的对照表（{path.name}）")
    return loader.load_crosswalk(path, scheme(source_id).questionnaire, scheme(target_id).questionnaire)


def national_grade(la: LoadedAnswers, target_id: str = "miit-2024",
                   result: Assessment | None = None) -> NationalGrade:
    """Grade the enterprise under ``target_id``: directly if answered on it, else estimated via the crosswalk."""
    from maturity.engine.crosswalk import derive

    if result is None:
        result = assess(la)
    source_id = la.scheme.questionnaire.id
    if source_id == target_id:
        return _grade(la.scheme, result, estimated=False, pending=[], note="")
    cw = _crosswalk(source_id, target_id)
    target = scheme(target_id)
    derived = derive(cw, la.scheme, result, target.questionnaire, la.answers)
    target_result = target.assess(derived.answers)
    pending = [PendingItem(id=qid, text=target.questionnaire.question(qid).text) for qid in derived.pending]
    return _grade(target, target_result, estimated=True, pending=pending, note=cw.note)


def grade_estimate(la: LoadedAnswers, result: Assessment | None = None,
                   target_id: str = "miit-2024") -> NationalGrade | None:
    """The estimated national grade shown beside the L-level, or None when the answers are already on
    that scheme or their questionnaire has no crosswalk to it."""
    source_id = la.scheme.questionnaire.id
    if source_id == target_id or not crosswalk_path(source_id, target_id).is_file():
        return None
    return national_grade(la, target_id, result)


def _grade(sch: Scheme, result: Assessment, *, estimated: bool, pending: list, note: str) -> NationalGrade:
    q = sch.questionnaire
    scenes = []
    for x in result.questions:
        question = q.question(x.id)
        if "scene" in question.tags:
            scenes.append(SceneLevel(id=x.id, name=question.short or question.text, level=x.answer if isinstance(x.answer, str) else None,
                                     level_text=x.answer_text, binding="binding" in question.tags))
    breakdown = [d for d in result.dimensions if d.weight > 0]
    return NationalGrade(
        scheme_id=q.id, scheme_version=q.version, scheme_title=q.title, estimated=estimated, grade=result.level,
        score=result.score, score_label=result.score_label, breakdown=breakdown, scenes=scenes,
        blockers=result.blockers, pending=pending, note=note or q.scheme_note)


# ---- validate -----------------------------------------------------------------------------
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
            issues.append(Issue(str(p), "无法识别的文件：既不是问卷、评分规则、对照表、方案目录，也不是答卷", line=1, col=1))
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
        if _exists(qid):
            try:
                return bundled_questionnaire(qid)
            except DataValidationError:
                return None
        return None

    for lf, kind in loaded_files:
        data = lf.data
        if kind == "rules":
            q = find_q(str(data.get("questionnaire", "")))
            _, iss = loader.check_rules(lf, q)
            if q is None and not iss:
                iss = [Issue(str(lf.path), f"找不到规则对应的问卷 {data.get('questionnaire')}", field="questionnaire")]
            issues += iss
        elif kind == "crosswalk":
            src = find_q(str((data.get("from") or {}).get("questionnaire", "")))
            dst = find_q(str((data.get("to") or {}).get("questionnaire", "")))
            _, iss = loader.check_crosswalk(lf, src, dst)
            issues += iss
        elif kind == "catalog":
            from maturity.load import catalog as catalog_loader  # optional module (recommendations)

            issues += catalog_loader.check_catalog_file(lf, find_q)
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


def json_schemas() -> dict[str, dict]:
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
