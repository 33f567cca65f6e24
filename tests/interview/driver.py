"""Plan the lines a user types to walk through the interview, following the engine's own order."""

from __future__ import annotations

from maturity import api
from maturity.interview.parse import parse
from maturity.interview.session import Session
from maturity.load import loader
from maturity.models.answers import Enterprise

PROFILE = {
    "name": "测试家具有限公司",
    "sub_sector": "furniture",
    "size": "small",
    "region": "江西省赣州市南康区",
}


def questionnaire(qid: str = "light-industry"):
    return loader.load_questionnaire(api.questionnaire_path(qid))


def profile_lines(
    q, name: str = PROFILE["name"], credit: str = "", programme: list[str] | None = None
) -> list[str]:
    """The profile step's lines; ``programme``: the optional programme questions (default: Enter skips them)."""
    sub = [s.id for s in q.sub_sectors].index(PROFILE["sub_sector"]) + 1
    size = [s.id for s in q.size_bands].index(PROFILE["size"]) + 1
    # contact, assessor: skipped; then the programme profile's [y/N] (its lines, or Enter)
    return [name, str(sub), str(size), PROFILE["region"], credit, "", "", *(programme or [""])]


def typed_answer(q, x, n: int) -> str:
    """A valid line for question ``x``: option number ``n`` (cycled), a number in range, or text."""
    if x.kind in ("single", "yesno"):
        return str((n % len(q.options_of(x))) + 1)
    if x.kind == "multi":
        opts = q.options_of(x)
        ok = [i for i, o in enumerate(opts, 1) if not o.exclusive]
        return ",".join(str(i) for i in ok[: 1 + n % 2])
    if x.kind == "number":
        lo = x.min if x.min is not None else 0
        hi = x.max if x.max is not None else lo + 100
        if x.plausible_max is not None:  # stay below the value that makes the interview ask "are you sure?"
            hi = min(hi, x.plausible_max)
        return f"{lo + (hi - lo) * ((n % 4) + 1) / 5:g}"
    return f"备注{n}"


def walk(q, session: Session | None = None, *, stop_before: int | None = None, depth: str = "core"):
    """Lines answering every asked question in order, and the expected canonical answers.

    Mirrors what a user sees: after each answer the next unanswered question (show_if re-evaluated). ``depth``:
    the path of a new session, "core" as `maturity assess` (the default) or "full" as `maturity assess --full`.
    """
    s = session or Session(
        q, Enterprise(**{k: PROFILE[k] for k in ("name", "sub_sector", "size", "region")}), depth=depth
    )
    lines: list[str] = []
    asked: list[str] = []
    qid = s.first_open()
    n = 0
    while qid is not None:
        if stop_before is not None and n == stop_before:
            break
        x = s.question(qid)
        line = typed_answer(q, x, n)
        s.answer(qid, parse(q, x, line, has_answer=False).value)
        lines.append(line)
        asked.append(qid)
        n += 1
        nxt = s.next_after(qid)
        while nxt is not None and s.is_answered(nxt):
            nxt = s.next_after(nxt)
        qid = nxt
    return lines, asked, s
