"""The interview engine without a terminal: which questions are asked, navigation, parsing, saving."""

from __future__ import annotations

import json

import pytest

from maturity import api
from maturity.engine.normalize import AnswerProblem
from maturity.engine.scoring import Scheme
from maturity.interview import store
from maturity.interview.parse import BadOptionNumber, parse
from maturity.interview.session import Session
from maturity.load import loader
from maturity.models.answers import Enterprise


@pytest.fixture(scope="module")
def q():
    return loader.load_questionnaire(api.questionnaire_path("light-industry"))


def session(q, sub_sector="furniture", **kw):
    return Session(q, Enterprise(name="测试家具有限公司", sub_sector=sub_sector, size="small"), **kw)


def _show_if_pair(q):
    """A question whose show_if refers to a yes/no question right before it (MF-09 after MF-08 in v1)."""
    for x in q.questions:
        cond = x.show_if
        if cond is not None and getattr(cond, "question", None):
            ref = q.question_map[cond.question]
            if ref.kind == "yesno":
                return ref.id, x.id
    pytest.skip("questionnaire has no yes/no show_if pair")


def test_order_follows_applies_to_by_industry_type_and_sub_sector(q):
    discrete, process = session(q, "furniture").order(), session(q, "paper").order()
    for x in q.questions:
        app = x.applies_to
        if app is None or x.show_if is not None:
            continue
        in_furniture = (app.industry_types is None or "discrete" in app.industry_types) and (
            app.sub_sectors is None or "furniture" in app.sub_sectors
        )
        in_paper = (app.industry_types is None or "process" in app.industry_types) and (
            app.sub_sectors is None or "paper" in app.sub_sectors
        )
        assert (x.id in discrete) == in_furniture, x.id
        assert (x.id in process) == in_paper, x.id
    assert discrete != process


def test_order_matches_the_scoring_engine_statuses(q, tmp_path):
    """Asked questions are exactly those the scorer treats as asked, for a partly answered file."""
    s = session(q)
    for qid in s.order()[:15]:
        s.answer(
            qid, q.options_of(q.question_map[qid])[-1].value if q.question_map[qid].kind != "number" else 50
        )
    path = tmp_path / "a.yaml"
    store.save_answers(s, path)
    rules = loader.load_rules(api.rules_path("light-industry"), q)
    result = Scheme(q, rules).assess(store.read(path))
    asked_by_scorer = [x.id for x in result.questions if x.status not in ("hidden", "not_applicable")]
    assert s.order() == asked_by_scorer


def test_show_if_hides_and_reveals_a_question(q):
    gate, follow = _show_if_pair(q)
    s = session(q)
    s.answer(gate, "no")
    assert follow not in s.order()
    assert s.next_after(gate) != follow
    s.answer(gate, "yes")
    assert follow in s.order()
    assert s.next_after(gate) == follow


def test_next_previous_and_first_open(q):
    s = session(q)
    order = s.order()
    assert s.previous(order[0]) is None
    assert s.next_after(order[0]) == order[1]
    assert s.previous(order[1]) == order[0]
    assert s.previous(None) == order[-1]
    assert s.next_after(order[-1]) is None
    s.answer(order[0], "1")
    s.skip(order[1])
    assert s.first_open() == order[2]  # skipped questions wait until the end
    assert s.pending()[0] == order[1]
    s.answer(order[1], 10) if q.question_map[order[1]].kind == "number" else s.answer(order[1], "1")
    assert order[1] not in s.skipped


def test_na_needs_permission_and_justification(q):
    s = session(q)
    na_q = next(x.id for x in q.questions if x.allow_na and x.id in s.order())
    no_na = next(x.id for x in q.questions if not x.allow_na and x.id in s.order())
    with pytest.raises(AnswerProblem):
        s.answer_na(na_q, "   ")
    with pytest.raises(AnswerProblem):
        s.answer_na(no_na, "没有这个环节")
    ans = s.answer_na(na_q, "本厂不接定制订单")
    assert ans.na and ans.justification == "本厂不接定制订单"
    assert s.is_answered(na_q) and na_q not in s.pending()


def test_parse_numbers_commands_and_errors(q):
    qm = q.question_map
    single = next(x for x in q.questions if x.kind == "single")
    multi = next(
        x for x in q.questions if x.kind == "multi" and not any(o.exclusive for o in q.options_of(x)[1:])
    )
    number = next(x for x in q.questions if x.kind == "number" and x.max is not None)
    opts = q.options_of(single)
    assert parse(q, single, "2", has_answer=False).value == opts[1].value
    assert parse(q, single, "２", has_answer=False).value == opts[1].value  # full-width digit
    assert parse(q, single, opts[2].label, has_answer=False).value == opts[2].value
    with pytest.raises(BadOptionNumber):
        parse(q, single, str(len(opts) + 1), has_answer=False)
    with pytest.raises(AnswerProblem):
        parse(q, single, "1,2", has_answer=False)
    mopts = q.options_of(multi)
    assert parse(q, multi, "3，2", has_answer=False).value == [mopts[1].value, mopts[2].value]
    assert parse(q, number, "５０％", has_answer=False).value == 50.0
    with pytest.raises(AnswerProblem, match="不大于"):
        parse(q, number, str(number.max + 1), has_answer=False)
    assert parse(q, single, "b", has_answer=False).kind == "back"
    assert parse(q, single, "Ｓ", has_answer=False).kind == "skip"
    assert parse(q, single, "", has_answer=True).kind == "keep"
    assert parse(q, single, "", has_answer=False).kind == "empty"
    yesno = next(x for x in q.questions if x.kind == "yesno" and not x.allow_na)
    assert parse(q, yesno, "n", has_answer=False).value == "no"  # not "N/A" where N/A is not allowed
    assert (
        parse(q, yesno, "1", has_answer=False).value == q.options_of(yesno)[0].value
    )  # as numbered on screen
    assert parse(q, yesno, "是", has_answer=False).value == "yes"
    assert qm  # questionnaire loaded


def test_exclusive_option_cannot_be_combined(q):
    multi = next(x for x in q.questions if x.kind == "multi" and any(o.exclusive for o in q.options_of(x)))
    opts = q.options_of(multi)
    ex = next(i for i, o in enumerate(opts, 1) if o.exclusive)
    other = next(i for i, o in enumerate(opts, 1) if not o.exclusive)
    with pytest.raises(AnswerProblem, match="不能与其他选项同时选择"):
        parse(q, multi, f"{ex},{other}", has_answer=False)


def test_save_and_reopen_round_trip(q, tmp_path):
    s = session(q)
    order = s.order()
    s.answer(order[0], "2")
    na_q = next(x for x in order if q.question_map[x].allow_na)
    s.answer_na(na_q, "不接定制")
    s.skip(order[1])
    s.position = order[3]
    path = tmp_path / "答卷.yaml"
    store.save(s, path)
    assert store.sidecar_path(path).name == ".答卷.yaml.session.json"
    again = store.open_session(path, q)
    assert again.answers == s.answers
    assert again.skipped == {order[1]}
    assert again.resume_at() == order[3]
    assert again.created_at == s.created_at
    # the file is a valid answers file the scorer accepts
    loaded = api.load_answers(path)
    assert loaded.answers.answers[na_q].na
    # without the sidecar the position is derived from what is answered
    store.remove_state(path)
    derived = store.open_session(path, q)
    assert derived.resume_at() == next(x for x in order if not derived.is_answered(x))


def test_corrupt_sidecar_is_ignored(q, tmp_path):
    s = session(q)
    s.answer(s.order()[0], "1")
    path = tmp_path / "a.yaml"
    store.save(s, path)
    store.sidecar_path(path).write_text("{not json", encoding="utf-8")
    assert store.open_session(path, q).resume_at() == s.order()[1]
    store.sidecar_path(path).write_text(json.dumps({"format": 1, "position": "NO-SUCH"}), encoding="utf-8")
    assert store.open_session(path, q).resume_at() == s.order()[1]


def test_prune_drops_answers_to_hidden_questions(q):
    gate, follow = _show_if_pair(q)
    s = session(q)
    s.answer(gate, "yes")
    s.answer(follow, q.options_of(q.question_map[follow])[1].value)
    s.answer(gate, "no")
    assert follow in s.answers
    assert s.prune() == [follow]
    assert follow not in s.answers
