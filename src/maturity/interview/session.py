"""The interview as data: profile, answers, position, and the navigation rules. No I/O.

Which questions are asked follows the scoring engine: a question is not asked when ``applies_to``
excludes the enterprise's industry type or sub-sector (``not_applicable``) or when its ``show_if``
over earlier answers fails (``hidden``, evaluated with :func:`maturity.engine.conditions.holds`, the
engine's own evaluator, on a state filled in questionnaire order as the engine fills it). Navigation
is by position in that list, which is recomputed after every answer because an answer can show or
hide later questions. A test checks that the list equals the questions the scorer counts as asked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from maturity.engine.conditions import State, holds
from maturity.engine.normalize import AnswerProblem, Normalized, answer_text, normalize, option_score
from maturity.models.answers import Answer, AnswersFile, Enterprise, clean_text
from maturity.models.questionnaire import Question, Questionnaire

ASKED = ("answered", "na", "unanswered", "unscored")


def now() -> datetime:
    return datetime.now().astimezone().replace(microsecond=0)


class Session:
    """One enterprise's interview against one questionnaire version."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        enterprise: Enterprise,
        *,
        answers: dict[str, Answer] | None = None,
        skipped: set[str] | None = None,
        position: str | None = None,
        created_at: datetime | None = None,
        updated_at: datetime | None = None,
        depth: str | None = None,
        migrated_from: str | None = None,
    ) -> None:
        self.questionnaire = questionnaire
        self.depth = depth  # "core": full-depth questions are not asked; "full" / None: every question
        self.migrated_from = migrated_from
        self.enterprise = enterprise
        self.answers: dict[str, Answer] = dict(answers or {})
        self.skipped: set[str] = set(skipped or ())
        self.position = position
        self.created_at = created_at or now()
        self.updated_at = updated_at or self.created_at
        self._qmap = questionnaire.question_map
        self._opt_pos = {
            x.id: {o.value: i for i, o in enumerate(questionnaire.options_of(x))}
            for x in questionnaire.questions
        }
        levels = questionnaire.levels_sorted()
        self._level_rank = {lv.id: lv.rank for lv in levels}
        self._level_label = {lv.id: lv.label for lv in levels}
        self.industry_type = questionnaire.industry_type_of(enterprise.sub_sector, enterprise.industry_type)

    @classmethod
    def from_answers_file(
        cls,
        questionnaire: Questionnaire,
        af: AnswersFile,
        *,
        skipped: set[str] | None = None,
        position: str | None = None,
    ) -> Session:
        return cls(
            questionnaire,
            af.enterprise,
            answers=dict(af.answers),
            skipped=skipped,
            position=position,
            created_at=af.created_at,
            updated_at=af.updated_at,
            depth=af.depth,
            migrated_from=af.migrated_from,
        )

    # ---- which questions are asked --------------------------------------------------------
    def question(self, qid: str) -> Question:
        return self._qmap[qid]

    def statuses(self) -> dict[str, str]:
        """Status of every question under the current answers, in questionnaire order."""
        q = self.questionnaire
        state = State(q, self._opt_pos, self._level_rank, self._level_label)
        answered = {qid for qid, a in self.answers.items() if not a.is_empty or a.na}
        never = q.not_asked(self.depth, self.migrated_from, answered)
        for x in q.questions:
            ans = self.answers.get(x.id)
            norm = None
            if ans is not None:
                norm = Normalized(
                    None if ans.is_empty else ans.value, ans.na, ans.note, ans.justification, ans.evidence
                )
            status = self._status(x, norm, state)
            if x.id in never and status != "not_applicable":
                status = "not_asked"  # as the engine: never shown on this path, left out of the score
            state.status[x.id] = status
            value = norm.value if norm is not None and status in ("answered", "unscored") else None
            state.values[x.id] = value
            if x.scored and status == "answered":
                state.q_scores[x.id] = option_score(q, x, value)
            elif x.scored and status in ("unanswered", "hidden"):
                state.q_scores[x.id] = 0.0
            else:
                state.q_scores[x.id] = None
        return dict(state.status)

    def applies(self, x: Question) -> bool:
        """Whether ``applies_to`` includes this enterprise's industry type and sub-sector."""
        app = x.applies_to
        return app is None or app.admits(self.industry_type, self.enterprise.sub_sector)

    def _status(self, x: Question, ans: Normalized | None, state: State) -> str:
        if not self.applies(x):
            return "not_applicable"
        if x.show_if is not None and not holds(x.show_if, state):
            return "hidden"
        if ans is not None and ans.na:
            return "na"
        if ans is None or ans.value is None:
            return "unanswered" if x.scored else "unscored"
        return "answered" if x.scored else "unscored"

    def order(self) -> list[str]:
        """The questions asked of this enterprise, in order."""
        return [qid for qid, st in self.statuses().items() if st in ASKED]

    def is_answered(self, qid: str) -> bool:
        ans = self.answers.get(qid)
        return ans is not None and not ans.is_empty

    def pending(self) -> list[str]:
        """Asked scored questions without an answer (skipped ones included), in order."""
        return [qid for qid in self.order() if self.question(qid).scored and not self.is_answered(qid)]

    def progress(self) -> tuple[int, int]:
        """(done, total) over the one count the interview shows everywhere: the questions on this enterprise's
        path, given what it has answered so far (``order()``: scored and optional questions that apply and whose
        follow-up condition holds). An optional question counts as done once answered or passed with Enter."""
        order = self.order()
        done = sum(
            1
            for qid in order
            if self.is_answered(qid) or (not self.question(qid).scored and qid in self.skipped)
        )
        return done, len(order)

    def optional_open(self) -> int:
        """Optional questions on the path neither answered nor passed yet."""
        return sum(
            1
            for qid in self.order()
            if not self.question(qid).scored and not self.is_answered(qid) and qid not in self.skipped
        )

    # ---- answering ------------------------------------------------------------------------
    def answer(self, qid: str, raw: Any) -> Answer:
        """Record an answer given as option values, a number or text; raises AnswerProblem."""
        q = self.question(qid)
        if q.kind == "text":
            text = clean_text(str(raw))
            ans = Answer(value=text or None)
        else:
            ans = Answer(value=normalize(self.questionnaire, q, raw))
        self._set(qid, ans)
        return ans

    def answer_na(self, qid: str, justification: str) -> Answer:
        q = self.question(qid)
        if not q.allow_na:
            raise AnswerProblem("本题不能选“不适用”")
        justification = clean_text(justification)
        if not justification:
            raise AnswerProblem("选择“不适用”时须说明理由")
        ans = Answer(na=True, justification=justification)
        self._set(qid, ans)
        return ans

    def _set(self, qid: str, ans: Answer) -> None:
        old = self.answers.get(qid)
        if old is not None and old.note and not ans.note:
            ans = ans.model_copy(update={"note": old.note})
        self.answers[qid] = ans
        self.skipped.discard(qid)
        self.updated_at = now()

    def skip(self, qid: str) -> None:
        if not self.is_answered(qid):
            self.skipped.add(qid)

    def answer_text(self, qid: str) -> str:
        """The current answer as the user reads it ('' when unanswered)."""
        ans = self.answers.get(qid)
        if ans is None or ans.is_empty:
            return ""
        if ans.na:
            return f"不适用（{ans.justification}）"
        return answer_text(self.questionnaire, self.question(qid), ans.value)

    # ---- navigation -----------------------------------------------------------------------
    def next_after(self, qid: str) -> str | None:
        """The asked question after ``qid`` in questionnaire order (None at the end)."""
        asked = set(self.order())
        ids = [x.id for x in self.questionnaire.questions]
        return next((x for x in ids[ids.index(qid) + 1 :] if x in asked), None)

    def previous(self, qid: str | None) -> str | None:
        """The asked question before ``qid`` (``None`` = from the end: the last one); None at the start."""
        asked = set(self.order())
        ids = [x.id for x in self.questionnaire.questions]
        before = ids if qid is None else ids[: ids.index(qid)]
        return next((x for x in reversed(before) if x in asked), None)

    def first_open(self) -> str | None:
        """Where to continue: the first unanswered question not skipped, else the first skipped one."""
        pending = self.pending()
        for qid in pending:
            if qid not in self.skipped:
                return qid
        return pending[0] if pending else None

    def resume_at(self) -> str | None:
        """The position to continue from after a restart."""
        if self.position is not None and self.position in self.order():
            return self.position
        return self.first_open()

    def number(self, qid: str) -> int:
        """1-based number of ``qid`` among the asked questions."""
        return self.order().index(qid) + 1

    # ---- output ---------------------------------------------------------------------------
    def prune(self) -> list[str]:
        """Drop answers to questions no longer asked (hidden or outside the profile); returns their ids."""
        st = self.statuses()
        dropped = [qid for qid in list(self.answers) if st.get(qid) in ("hidden", "not_applicable")]
        for qid in dropped:
            del self.answers[qid]
        return dropped

    def answers_file(self) -> AnswersFile:
        q = self.questionnaire
        ordered = {x.id: self.answers[x.id] for x in q.questions if x.id in self.answers}
        return AnswersFile(
            questionnaire=q.id,
            questionnaire_version=q.version,
            enterprise=self.enterprise,
            created_at=self.created_at,
            updated_at=self.updated_at,
            depth=self.depth,
            migrated_from=self.migrated_from,
            answers=ordered,
        )
