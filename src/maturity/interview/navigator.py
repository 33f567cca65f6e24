"""The interview's navigation: which question comes next, back, skip, review, finish — saved after every step.

The screen is a :class:`Prompter` (the terminal adapter lives in the CLI); this module prints nothing itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from maturity.interview import store
from maturity.interview.messages import Messages
from maturity.interview.session import Session


class Prompter(Protocol):
    """What the navigation needs from a screen."""

    msg: Messages

    def ask(self, prompt: str) -> str: ...

    def say(self, text: str = "", style: str = "", *, soft_wrap: bool = False) -> None: ...

    def problem(self, text: str) -> None: ...

    def choose(
        self, prompt: str, count: int, *, default: int | None = None, allow_empty: bool = False
    ) -> int | None: ...

    def show_question(self, session: Session, qid: str, editing: bool) -> None: ...

    def show_help(self, session: Session, qid: str, path: Path) -> None: ...

    def show_review(self, session: Session) -> None: ...


class Navigator:
    """Drives one Session through a Prompter, saving after every step."""

    def __init__(self, ui: Prompter, session: Session, path: Path, resume_command: str | None = None) -> None:
        self.ui = ui
        self.msg = ui.msg
        self.s = session
        self.path = path
        self.resume_command = resume_command or f"maturity assess --resume {path}"

    def save(self, answers: bool = True) -> None:
        if answers:
            store.save(self.s, self.path)
        else:
            store.save_state(self.s, self.path)

    def run(self, start: str | None) -> bool:
        """True when the user finished, False when they quit."""
        current: str | None = start
        back_to_review = False
        resume_at = start  # where Enter on the review screen returns to (None: the finish screen)
        while True:
            self.s.position = current
            self.save(answers=False)
            if current is None:
                step = self.finish_screen()
                if step == "done":
                    return True
                if step != "review":
                    current = step
                    continue
                resume_at = None
            else:
                action = self.ask_question(current, back_to_review)
                if action == "quit":
                    self.ui.say(
                        self.msg("quit_saved", path=self.path, command=self.resume_command),
                        style="green",
                        soft_wrap=True,
                    )  # a command to copy: never broken across lines
                    return False
                if action == "back":
                    prev = self.s.previous(current)
                    if prev is None:
                        self.ui.problem(self.msg("first_question"))
                    else:
                        current = prev
                    back_to_review = False
                    continue
                if action == "finish":
                    current, back_to_review = None, False
                    continue
                if action == "review":
                    resume_at = current
                elif not back_to_review:  # answered, kept or skipped: move on
                    current = self.next_open(current)
                    continue
            current, back_to_review = self.review(resume_at)
            if current is None and not back_to_review and resume_at is None and not self.s.pending():
                return True  # "Enter = finish" on a review opened from the finish screen

    def next_open(self, qid: str) -> str | None:
        """The next question after ``qid`` still to answer (None: the finish screen)."""
        nxt = self.s.next_after(qid)
        while nxt is not None and (self.s.is_answered(nxt) or nxt in self.s.skipped):
            nxt = self.s.next_after(nxt)
        return nxt

    def ask_question(self, qid: str, editing: bool) -> str:
        from maturity.engine.normalize import AnswerProblem
        from maturity.interview.parse import parse

        s, msg, ui = self.s, self.msg, self.ui
        q = s.question(qid)
        self.ui.show_question(s, qid, editing)
        while True:
            raw = ui.ask("> ")
            try:
                action = parse(s.questionnaire, q, raw, has_answer=s.is_answered(qid))
            except AnswerProblem as e:
                ui.problem(str(e))
                continue
            kind = action.kind
            if kind == "help":
                self.ui.show_help(s, qid, self.path)
                continue
            if kind == "empty":
                if q.kind == "text":  # a free-text remark may stay empty
                    s.skip(qid)
                    return "next"
                ui.problem(msg("empty_input"))
                continue
            if kind == "na":
                if not q.allow_na:
                    ui.problem(msg("na_not_allowed"))
                    continue
                why = self.ask_justification()
                if why is None:
                    continue
                s.answer_na(qid, why)
                self.save()
                ui.say(msg("na_saved", justification=why), style="green")
                return "next"
            if kind == "answer":
                if not self.plausible(q, action.value):
                    continue
                before = len(s.order())
                try:
                    s.answer(qid, action.value)
                except AnswerProblem as e:
                    ui.problem(str(e))
                    continue
                self.save()
                change = len(s.order()) - before
                if change:  # a follow-up appeared or went away: say why the total moved
                    ui.say(
                        msg(
                            "path_grew" if change > 0 else "path_shrank", n=abs(change), total=before + change
                        ),
                        style="dim",
                    )
                return "next"
            if kind == "skip":
                s.skip(qid)
                ui.say(msg("skipped"), style="yellow")
                return "next"
            if kind == "keep":
                return "next"
            return kind  # back, review, quit, finish

    def plausible(self, q: object, value: object) -> bool:
        """Ask (never block) when a number is above what is usual for the question; False = type it again."""
        limit = getattr(q, "plausible_max", None)
        if limit is None or not isinstance(value, int | float) or value <= limit:
            return True
        unit = getattr(q, "unit", "")
        raw = self.ui.ask(self.msg("implausible", value=f"{value:g}{unit}", limit=f"{limit:g}{unit}"))
        return raw.strip().lower() in self.msg.yes_words or raw.strip() == ""

    def ask_justification(self) -> str | None:
        from maturity.models.answers import clean_text

        while True:
            why = clean_text(self.ui.ask(self.msg("ask_justification")))
            if why.lower() == "c":
                return None
            if why:
                return why
            self.ui.problem(self.msg("justification_required"))

    # ---- review and finish ----
    def review(self, resume_at: str | None) -> tuple[str | None, bool]:
        """Show every answer; returns (question to go to, whether to come back here after it)."""
        s, msg = self.s, self.msg
        order = s.order()
        self.ui.show_review(s)
        prompt = msg("review_prompt_done") if resume_at is None and not s.pending() else msg("review_prompt")
        k = self.ui.choose(prompt, len(order), allow_empty=True)
        if k is None:
            return resume_at, False
        return order[k - 1], True

    def finish_screen(self) -> str | None:
        """'done', 'review', or a question to go to."""
        s, msg, ui = self.s, self.msg, self.ui
        pending = s.pending()
        while True:
            if pending:
                ui.say(
                    msg(
                        "pending",
                        n=len(pending),
                        ids="、".join(pending[:10]) + (" …" if len(pending) > 10 else ""),
                    ),
                    style="yellow",
                )
                raw = ui.ask(msg("pending_prompt")).strip().lower()
                if raw == "":
                    s.skipped -= set(pending)
                    return pending[0]
                if raw == "f":
                    return "done"
            else:
                _, total = s.progress()
                left = s.optional_open()
                ui.say(
                    msg("all_done_optional", total=total, n=left) if left else msg("all_done", total=total),
                    style="green",
                )
                raw = ui.ask(msg("done_prompt")).strip().lower()
                if raw == "":
                    return "done"
                if raw == "b":
                    return s.previous(None)
            if raw == "r":
                return "review"
            ui.problem(msg("finish_keys_pending" if pending else "finish_keys_done"))
