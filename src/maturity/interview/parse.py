"""What one line typed at the interview prompt means: a command or an answer. No I/O.

Options are chosen by their on-screen number (1-based), because option codes may
themselves be digits (``"0"``–``"4"``); anything else is handed to
:func:`maturity.engine.normalize.normalize`, the one place that knows answer syntax (labels,
codes, full-width digits, ``%``, 是/否).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from maturity.engine.normalize import _LIST_SPLIT, AnswerProblem, _option_by, normalize
from maturity.models.questionnaire import Question, Questionnaire

Kind = Literal["answer", "na", "back", "skip", "review", "quit", "help", "finish", "keep", "empty"]

COMMANDS: dict[str, Kind] = {
    "b": "back",
    "上一题": "back",
    "返回": "back",
    "s": "skip",
    "跳过": "skip",
    "r": "review",
    "回顾": "review",
    "q": "quit",
    "退出": "quit",
    "保存并退出": "quit",
    "?": "help",
    "h": "help",
    "帮助": "help",
    "f": "finish",
    "完成": "finish",
    "n": "na",
    "不适用": "na",
}


@dataclass(frozen=True)
class Action:
    kind: Kind
    value: Any = None


class BadOptionNumber(AnswerProblem):
    """A typed number is not one of the options on screen."""

    def __init__(self, text: str, count: int) -> None:
        super().__init__(f"“{text}”不是有效的选项编号，请输入 1–{count} 之间的编号")
        self.text = text
        self.count = count


def command_of(raw: str) -> Kind | None:
    return COMMANDS.get(unicodedata.normalize("NFKC", raw).strip().lower())


def parse(questionnaire: Questionnaire, q: Question, raw: str, *, has_answer: bool) -> Action:
    """Interpret ``raw`` for question ``q``; raises AnswerProblem with the reason."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return Action("keep" if has_answer else "empty")
    cmd = command_of(text)
    if cmd == "na" and not q.allow_na and q.kind == "yesno":
        cmd = None  # on a yes/no question without N/A, "n" means no
    if cmd is not None:
        return Action(cmd)
    if q.kind == "text":
        return Action("answer", raw.strip())
    if q.kind == "number":
        return Action("answer", normalize(questionnaire, q, text))
    options = questionnaire.options_of(q)

    def pick(token: str) -> str:
        if token.isdigit():
            n = int(token)
            if not 1 <= n <= len(options):
                raise BadOptionNumber(token, len(options))
            return options[n - 1].value
        if q.kind == "yesno":
            return token  # 是/否/y/n: normalize knows the words
        try:
            return _option_by(options, token).value  # an option's code or full label also works
        except AnswerProblem:
            raise BadOptionNumber(token, len(options)) from None

    if q.kind == "multi":
        tokens = [t for t in _LIST_SPLIT.split(text) if t]
        return Action("answer", normalize(questionnaire, q, [pick(t) for t in tokens]))
    # single, yesno: one choice; a label may itself contain commas, so split only to detect "1,2"
    tokens = [t for t in _LIST_SPLIT.split(text) if t]
    if len(tokens) > 1 and all(t.isdigit() for t in tokens):
        raise AnswerProblem("本题只能选一项")
    return Action("answer", normalize(questionnaire, q, pick(text)))
