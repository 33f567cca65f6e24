"""Normalise one raw answer against its question: the single place that knows answer syntax.

Accepts what people actually type or what spreadsheets produce: option codes or
their Chinese labels, ``a,b``/``a、b`` lists, full-width digits and percent signs
(``８０％``), YAML booleans for yes/no. Returns the canonical value or a Chinese
explanation of what was expected.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from maturity.models.questionnaire import Option, Question, Questionnaire

_LIST_SPLIT = re.compile(r"\s*[,，、;；|]\s*")
_YES = {"yes", "y", "true", "1", "是", "有", "已", "对"}
_NO = {"no", "n", "false", "0", "否", "无", "没有", "未"}


class AnswerProblem(ValueError):
    """The answer does not fit the question; the message says what was expected."""


class NotAnOption(AnswerProblem):
    """A value that names none of the options; answers files name codes, sheets show labels (the reader says so)."""

    def __init__(self, text: str, options: list[Option]) -> None:
        allowed = "、".join(f"{o.value}（{o.label}）" for o in options)
        super().__init__(f"“{text}”不是本题的选项；可选：{allowed}")
        self.text = text
        self.options = options


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


class OptionIndex:
    """Lookups of one option list by code, by NFKC-normalised label and by lower-case code."""

    __slots__ = ("by_label", "by_lower", "by_value", "known", "options")

    def __init__(self, options: list[Option]) -> None:
        self.options = options
        self.by_value = {o.value: o for o in options}
        self.by_label: dict[str, Option] = {}
        for o in options:
            self.by_label.setdefault(unicodedata.normalize("NFKC", o.label).strip(), o)
        self.by_lower: dict[str, Option] = {}
        for o in options:
            self.by_lower.setdefault(o.value.lower(), o)
        # every spelling that names an option (codes, labels, lower-case codes), NFKC-normalised
        self.known = (
            set(self.by_label)
            | {unicodedata.normalize("NFKC", v).strip() for v in self.by_value}
            | set(self.by_lower)
        )


_INDEXES: dict[int, OptionIndex] = {}


def option_index(options: list[Option]) -> OptionIndex:
    """The (cached) index of an option list; option lists live as long as their questionnaire."""
    index = _INDEXES.get(id(options))
    if index is None or index.options is not options:
        index = _INDEXES[id(options)] = OptionIndex(options)
    return index


def _option_by(options: list[Option], raw: Any) -> Option:
    text = _fmt_num(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else str(raw)
    text = unicodedata.normalize("NFKC", text).strip()
    index = option_index(options)
    found = index.by_value.get(text) or index.by_label.get(text) or index.by_lower.get(text.lower())
    if found is not None:
        return found
    raise NotAnOption(text, options)


def parse_number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise AnswerProblem("应为数字")
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "").replace(" ", "")
        text = text.removesuffix("%")
        try:
            value = float(text)
        except ValueError:
            raise AnswerProblem(f"“{raw}”不是数字") from None
    if math.isnan(value) or math.isinf(value):
        raise AnswerProblem(f"“{raw}”不是有效数字")
    return value


def normalize(questionnaire: Questionnaire, q: Question, raw: Any) -> Any:
    """Canonical value of ``raw`` for question ``q``; raises AnswerProblem."""
    if q.kind == "single":
        if isinstance(raw, list):
            raise AnswerProblem("单选题只能选一项")
        return _option_by(questionnaire.options_of(q), raw).value
    if q.kind == "multi":
        options = questionnaire.options_of(q)
        if isinstance(raw, str):
            items = [s for s in _LIST_SPLIT.split(raw.strip()) if s]
        elif isinstance(raw, list):
            items = raw
        else:
            items = [raw]
        chosen: list[str] = []
        for item in items:
            value = _option_by(options, item).value
            if value not in chosen:
                chosen.append(value)
        exclusive = [o.value for o in options if o.exclusive and o.value in chosen]
        if exclusive and len(chosen) > 1:
            label = next(o.label for o in options if o.value == exclusive[0])
            raise AnswerProblem(f"“{label}”不能与其他选项同时选择")
        order = {o.value: i for i, o in enumerate(options)}
        return (
            chosen if q.ranked else sorted(chosen, key=order.__getitem__)
        )  # a ranked answer keeps its order
    if q.kind == "number":
        number = parse_number(raw)
        if q.min is not None and number < q.min:
            raise AnswerProblem(f"应不小于 {_fmt_num(q.min)}{q.unit}，实际 {_fmt_num(number)}")
        if q.max is not None and number > q.max:
            raise AnswerProblem(f"应不大于 {_fmt_num(q.max)}{q.unit}，实际 {_fmt_num(number)}")
        return number
    if q.kind == "yesno":
        if isinstance(raw, bool):
            return "yes" if raw else "no"
        text = unicodedata.normalize("NFKC", str(raw)).strip().lower()
        if text in _YES:
            return "yes"
        if text in _NO:
            return "no"
        raise AnswerProblem(f"“{raw}”应为 是/否（yes/no）")
    # text
    if isinstance(raw, (list, dict)):
        raise AnswerProblem("应为文本")
    return str(raw).strip()


def option_score(questionnaire: Questionnaire, q: Question, value: Any) -> float:
    """Score 0–100 of a canonical value."""
    if q.kind in ("single", "yesno"):
        for o in questionnaire.options_of(q):
            if o.value == value:
                return o.score
        return 0.0
    if q.kind == "multi":
        by_value = {o.value: o.score for o in questionnaire.options_of(q)}
        return min(100.0, sum(by_value.get(v, 0.0) for v in value))
    if q.kind == "number":
        if not q.bands:  # a recorded baseline figure, never scored
            return 0.0
        for band in q.bands:
            if value <= band.max:
                return band.score
        return q.bands[-1].score
    return 0.0


def answer_text(questionnaire: Questionnaire, q: Question, value: Any) -> str:
    """The answer as a reader sees it (option labels, number with unit)."""
    if value is None:
        return ""
    if q.kind in ("single", "yesno"):
        return questionnaire.option_labels[q.id].get(value, str(value))
    if q.kind == "multi":
        labels = questionnaire.option_labels[q.id]
        return "；".join(labels.get(v, v) for v in value)
    if q.kind == "number":
        return f"{_fmt_num(value)}{q.unit}"
    return str(value)


class Normalized:
    """A validated answer in canonical form."""

    __slots__ = ("asked", "evidence", "justification", "na", "note", "value")

    def __init__(
        self,
        value: Any = None,
        na: bool = False,
        note: str = "",
        justification: str = "",
        evidence: str = "",
        asked: bool = True,
    ) -> None:
        self.value = value
        self.na = na
        self.note = note
        self.justification = justification
        self.evidence = evidence
        self.asked = asked  # False: the enterprise was never shown the question (status not_asked)


NOT_ASKED = Normalized(asked=False)


def mark_not_asked(
    questionnaire: Questionnaire,
    depth: str | None,
    migrated_from: str | None,
    normalized: dict[str, Normalized],
) -> dict[str, Normalized]:
    """``normalized`` with a NOT_ASKED entry for every question the enterprise was never shown (full-depth
    questions of a core interview; questions added since a migrated file's version) and has not answered."""
    answered = {qid for qid, n in normalized.items() if n.na or n.value is not None}
    missing = questionnaire.not_asked(depth, migrated_from, answered)
    if not missing:
        return normalized
    out = dict(normalized)
    for qid in missing:
        out[qid] = NOT_ASKED
    return out


def normalize_answers(
    questionnaire: Questionnaire, answers: dict[str, Any]
) -> tuple[dict[str, Normalized], list[tuple[tuple, str, Any]]]:
    """Normalise every answer of an answers file.

    Returns the normalised answers and a list of problems ``(loc, message, input)``
    where ``loc`` is the data path inside the answers file.
    """
    qmap = questionnaire.question_map
    out: dict[str, Normalized] = {}
    problems: list[tuple[tuple, str, Any]] = []
    for qid, ans in answers.items():
        q = qmap.get(qid)
        if q is None:
            problems.append(
                (("answers", qid), f"问卷 {questionnaire.id} {questionnaire.version} 中没有题目 {qid}", qid)
            )
            continue
        if ans.na:
            if not q.allow_na:
                problems.append((("answers", qid, "na"), "本题不允许选择“不适用”", True))
                continue
            if not ans.justification:
                problems.append(
                    (("answers", qid, "justification"), "选择“不适用”时须说明理由（justification）", "")
                )
                continue
            out[qid] = Normalized(None, True, ans.note, ans.justification, ans.evidence)
            continue
        if ans.is_empty:
            out[qid] = Normalized(None, False, ans.note, ans.justification, ans.evidence)
            continue
        try:
            value = normalize(questionnaire, q, ans.value)
        except AnswerProblem as e:
            problems.append((("answers", qid, "value"), str(e), ans.value))
            continue
        out[qid] = Normalized(value, False, ans.note, ans.justification, ans.evidence)
    return out, problems
