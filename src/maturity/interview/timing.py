"""How long a path of questions takes an owner to read and answer, from its own text.

The pace is the README's: 400–500 Chinese characters a minute for the question, help and options on screen, and
5–8 seconds per answer to choose and type. The interview states the estimate for the path actually taken (core or
full questionnaire, the firm's own module), and tests/test_readme.py checks the README against the same figures.
"""

from __future__ import annotations

from maturity.models.questionnaire import Questionnaire

READ_CHARS_PER_MINUTE = (500, 400)  # fast, slow
SECONDS_PER_ANSWER = (5, 8)


def screen_chars(questionnaire: Questionnaire, qid: str) -> int:
    """Characters an owner reads on one question's screen: the question, its help and its options."""
    x = questionnaire.question_map[qid]
    chars = len(x.text) + len(x.help or "")
    if x.kind in ("single", "multi", "yesno"):
        chars += sum(len(o.label) + len(o.help or "") for o in questionnaire.options_of(x))
    return chars


def minutes(questionnaire: Questionnaire, order: list[str]) -> tuple[float, float]:
    """(low, high) minutes to read and answer the questions ``order``."""
    chars = sum(screen_chars(questionnaire, qid) for qid in order)
    n = len(order)
    low = chars / READ_CHARS_PER_MINUTE[0] + n * SECONDS_PER_ANSWER[0] / 60
    high = chars / READ_CHARS_PER_MINUTE[1] + n * SECONDS_PER_ANSWER[1] / 60
    return low, high


def minutes_text(questionnaire: Questionnaire, order: list[str]) -> str:
    """The estimate as the interview prints it, e.g. "15–20"."""
    low, high = minutes(questionnaire, order)
    lo, hi = max(1, round(low)), max(1, round(high))
    return f"{lo}–{hi}" if hi > lo else f"{lo}"
