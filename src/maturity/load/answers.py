"""An answers file read, migrated to its questionnaire's current version and checked against it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from maturity.engine.normalize import Normalized
from maturity.engine.scoring import Scheme
from maturity.errors import DataValidationError, Issue
from maturity.load import bundled, loader
from maturity.load.yamlio import Loaded
from maturity.models.answers import AnswersFile
from maturity.models.conditions import QuestionCond, walk


@dataclass
class LoadedAnswers:
    path: Path | None
    answers: AnswersFile
    normalized: dict[str, Normalized]
    scheme: Scheme
    warnings: list[Issue]


def load_answers(path: str | Path, *, strict: bool = False) -> LoadedAnswers:
    """Read, migrate and check an answers file against its bundled questionnaire."""
    loaded, raw = loader.read_answers(path)
    return answers_from_model(loaded, raw, strict=strict)


def answers_from_model(loaded: Loaded, raw: AnswersFile, *, strict: bool = False) -> LoadedAnswers:
    if not bundled.exists(raw.questionnaire):
        raise DataValidationError(
            [
                Issue(
                    str(loaded.path),
                    f"未知问卷 {raw.questionnaire}；内置问卷：{'、'.join(bundled.known_ids())}",
                    *loaded.locate(("questionnaire",)),
                    field="questionnaire",
                    value=raw.questionnaire,
                )
            ]
        )
    sch = bundled.scheme(raw.questionnaire)
    answers = loader.migrate(raw, sch.questionnaire, loaded)
    issues = loader.check_answers(loaded, answers, sch.questionnaire)
    note = loader.migration_note(loaded, raw, sch.questionnaire)
    if note is not None:
        issues.insert(0, note)
    if any(i.severity == "error" for i in issues):
        raise DataValidationError(issues)
    normalized = sch.normalize(answers)
    # the same rule as a batch row's: what the interview would have asked this firm and was not answered
    state = sch.state_for(answers.enterprise, normalized)  # one scoring pass for both checks below
    missing = sch.unanswered_required(state.status)
    issues += [
        loader.issue_at(
            loaded,
            ("answers", x.id) if x.id in answers.answers else ("answers",),
            f"必答题 {x.id} 未作答（按 0 分计）",
            x.id,
            severity="error" if strict else "warning",
        )
        for x in missing
    ]
    if strict and missing:
        raise DataValidationError(issues)
    for c in sch.contradictions(state):
        first = next((n.question for n in walk(c.when) if isinstance(n, QuestionCond)), "")
        issues.append(
            loader.issue_at(
                loaded,
                ("answers", first) if first in answers.answers else ("answers",),
                f"作答相互矛盾，请核实：{c.message}",
                c.id,
                severity="warning",
            )
        )
    return LoadedAnswers(Path(loaded.path), answers, normalized, sch, issues)


def answers_checked(answers: AnswersFile, sch: Scheme) -> LoadedAnswers:
    """Answers that were already checked against ``sch`` (a batch row), ready to evaluate."""
    return LoadedAnswers(None, answers, sch.normalize(answers), sch, [])
