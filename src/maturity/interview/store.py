"""Saving and reopening an interview: the answers file plus a small session sidecar.

The answers file is a plain AnswersFile (docs/data-format.md §4) and is rewritten atomically
(temp file + fsync + rename, :func:`maturity.writing.atomic_write_text`) after every confirmed
answer, so an interrupted interview loses at most the question on screen. Where the user was
and which questions they skipped live in ``.<name>.session.json`` next to it (also atomic);
without it the position is derived from which questions are answered.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from maturity.errors import DataValidationError
from maturity.interview.session import Session
from maturity.load import loader
from maturity.load.yamlio import dump_yaml
from maturity.models.answers import Answer, AnswersFile
from maturity.models.questionnaire import Questionnaire
from maturity.writing import atomic_write_text

STATE_FORMAT = 1


def sidecar_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.session.json")


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _answer_data(ans: Answer) -> Any:
    if ans.na:
        data: dict[str, Any] = {"na": True, "justification": ans.justification}
    elif not ans.note and not ans.justification and not ans.evidence:
        return _plain(ans.value)  # shorthand `Q-ID: value`
    else:
        data = {"value": _plain(ans.value)}
        if ans.justification:
            data["justification"] = ans.justification
    if ans.note:
        data["note"] = ans.note
    if ans.evidence:
        data["evidence"] = ans.evidence
    return data


def answers_data(af: AnswersFile) -> dict[str, Any]:
    """The answers file as plain data, in the documented key order, without empty optional fields."""
    ent = af.enterprise.model_dump(mode="json", exclude_none=True)
    ent = {k: v for k, v in ent.items() if v != ""}
    data: dict[str, Any] = {
        "questionnaire": af.questionnaire,
        "questionnaire_version": af.questionnaire_version,
        "enterprise": ent,
    }
    if af.depth:
        data["depth"] = af.depth
    if af.migrated_from:
        data["migrated_from"] = af.migrated_from
    if af.created_at:
        data["created_at"] = af.created_at
    if af.updated_at:
        data["updated_at"] = af.updated_at
    data["answers"] = {qid: _answer_data(a) for qid, a in af.answers.items()}
    return data


def render(af: AnswersFile, path: Path) -> str:
    data = answers_data(af)
    if path.suffix.lower() == ".json":
        for key in ("created_at", "updated_at"):
            if key in data:
                data[key] = data[key].isoformat()
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return "# 企业数字化成熟度自评估答卷（maturity assess 生成，可用 maturity score 评分）\n" + dump_yaml(
        data
    )


def save_answers(session: Session, path: Path) -> None:
    atomic_write_text(path, render(session.answers_file(), path))


def save_state(session: Session, path: Path) -> None:
    state = {
        "format": STATE_FORMAT,
        "answers_file": path.name,
        "questionnaire": session.questionnaire.id,
        "position": session.position,
        "skipped": sorted(session.skipped),
    }
    atomic_write_text(sidecar_path(path), json.dumps(state, ensure_ascii=False) + "\n")


def save(session: Session, path: Path) -> None:
    """Answers first, then the position: a kill between the two only repeats a question."""
    save_answers(session, path)
    save_state(session, path)


def load_state(path: Path) -> dict[str, Any]:
    """The sidecar's content, or {} when it is missing, unreadable or not ours."""
    try:
        data = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        return {}
    return data


def remove_state(path: Path) -> None:
    try:
        sidecar_path(path).unlink()
    except FileNotFoundError:
        pass


def read(path: Path) -> AnswersFile:
    """Read an answers file (schema-checked, positions in errors)."""
    _, af = loader.read_answers(path)
    return af


def open_session(path: Path, questionnaire: Questionnaire) -> Session:
    """Reopen an answers file for the interview: migrate, check, restore position and skips."""
    loaded, raw = loader.read_answers(path)
    answers = loader.migrate(raw, questionnaire, loaded)
    errors = [i for i in loader.check_answers(loaded, answers, questionnaire) if i.severity == "error"]
    if errors:
        raise DataValidationError(errors)
    state = load_state(path)
    skipped = {s for s in state.get("skipped", []) if isinstance(s, str) and s in questionnaire.question_map}
    position = state.get("position") if isinstance(state.get("position"), str) else None
    if position not in questionnaire.question_map:
        position = None
    return Session.from_answers_file(questionnaire, answers, skipped=skipped, position=position)
