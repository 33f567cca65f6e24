"""Questions never asked (a core interview's full-depth questions, an older file's new questions) are left out of
the score, not scored 0: each dimension is scored on the questions asked, and what reads them says so."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from maturity import api, pipeline
from maturity.load import bundled

EXAMPLES = Path(__file__).parents[2] / "examples"
NAMES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


@pytest.fixture(scope="module")
def scheme():
    return bundled.scheme("light-industry")


def core_subset(scheme, name: str):
    """An example as a core interview would have recorded it: full-depth answers dropped, depth core."""
    la = api.load_answers(EXAMPLES / name)
    q = scheme.questionnaire
    kept = {k: v for k, v in la.answers.answers.items() if q.question_map[k].depth == "core"}
    return la, la.answers.model_copy(update={"depth": "core", "answers": kept})


@pytest.mark.parametrize("name", NAMES)
def test_core_subset_of_each_example_leaves_the_rest_out_and_keeps_its_level(scheme, name):
    la, core = core_subset(scheme, name)
    full = api.assess(la)
    a = scheme.assess(core)
    q = scheme.questionnaire
    by_id = {x.id: x for x in a.questions}
    never = [x for x in a.questions if x.status == "not_asked"]
    assert never and a.not_asked == sum(1 for x in never if q.question_map[x.id].scored)
    for x in never:
        assert q.question_map[x.id].depth == "full"
        assert x.score is None and x.contribution == 0 and x.max_contribution == 0
    # each dimension: the weighted mean of the questions asked in it
    _, qw = scheme.weights(a.enterprise.industry_type)
    for d in a.dimensions:
        asked = [x for x in a.questions if x.dimension == d.id and x.score is not None]
        if not asked:
            assert d.score is None  # e.g. 人工智能与数据: all its questions are on the full questionnaire
            continue
        mean = sum(qw[x.id] * x.score for x in asked) / sum(qw[x.id] for x in asked)
        assert d.score == pytest.approx(mean, abs=0.051), d.id
        assert d.total == len([x for x in asked if x.status != "hidden" and q.question_map[x.id].scored])
    # the same answers with the unasked questions counted as 0 would score far lower: that is not what happens
    zeros = scheme.assess(core.model_copy(update={"depth": None}))
    assert zeros.score < a.score and zeros.not_asked == 0
    # a gate's unasked items count as not met: the core path never claims more than the full questionnaire, and
    # at most one level less (README: the furniture example is L4 on its core answers, L5 on the full ones)
    rank = scheme.level_rank
    assert rank[full.level.id] - 1 <= rank[a.level.id] <= rank[full.level.id]
    assert by_id["RD-01"].status == "answered"


def test_a_gate_reading_an_unasked_question_is_not_met_and_says_why(scheme):
    """L6's chain gate counts SC-04 / SC-06 / SC-07 / RD-07; SC-06 and RD-07 are full-questionnaire questions. On a
    core path whose two asked items fall short the gate is not met, and its explanation says which were not asked;
    the same firm answering SC-06 on the full questionnaire passes it."""
    from maturity.models.answers import Answer

    _, core = core_subset(scheme, "home-appliance-example.yaml")
    q = scheme.questionnaire
    worst = {x: q.options_of(q.question_map[x])[0].value for x in ("SC-04", "SC-07")}
    answers = {**core.answers, **{k: Answer(value=v) for k, v in worst.items()}}
    a = scheme.assess(core.model_copy(update={"answers": answers}))
    gate = next(g for g in a.gates if g.id == "L6-chain")
    assert not gate.passed
    flat = yaml.safe_dump(gate.detail.model_dump(), allow_unicode=True)
    assert "未问" in flat
    best = q.options_of(q.question_map["SC-06"])[-1].value
    full = {**answers, "SC-06": Answer(value=best)}
    b = scheme.assess(core.model_copy(update={"answers": full, "depth": "full"}))
    assert next(g for g in b.gates if g.id == "L6-chain").passed


def test_explain_and_report_list_what_was_not_asked(scheme, tmp_path, cli):
    from maturity.interview import store

    _, core = core_subset(scheme, "furniture-example.yaml")
    path = tmp_path / "core.yaml"
    path.write_text(store.render(core, path), encoding="utf-8")
    res = cli("explain", path)
    assert res.exit_code == 0, res.output
    flat = "".join(res.output.split())
    n = api.assess_file(path).not_asked
    assert f"未问{n}道计分题" in flat and "不计0分" in flat and "--full" in flat
    ev = pipeline.evaluate_file(path)
    html = pipeline.report_html(ev)
    assert f"补问本次未问的{n}道题" in html


def test_plan_recommends_nothing_for_an_unasked_question_alone(scheme):
    """A solution is not recommended because of a question never asked (whether the firm has it is unknown)."""
    _, core = core_subset(scheme, "furniture-example.yaml")
    la = api.load_answers(EXAMPLES / "furniture-example.yaml")
    ev = pipeline.evaluate_answers(core)
    catalog = bundled.catalog("light-industry")
    status = {x.id: x.status for x in ev.assessment.questions}
    for it in ev.plan.items:
        targets = catalog.solution_map[it.id].improves
        assert any(status.get(qid) != "not_asked" for qid in targets), it.id
    assert la is not None


def test_a_sheet_row_may_leave_full_questionnaire_columns_blank(tmp_path, scheme):
    from maturity.batch import synthetic as synth
    from maturity.batch.runner import run_batch

    q = scheme.questionnaire
    rng = random.Random(11)
    rows = [synth.make_row(q, rng, i, na_rate=0) for i in range(3)]
    from maturity.batch.sheet import question_header

    for row in rows:
        for x in q.questions:
            if x.depth == "full":
                row.cells.pop(question_header(x), None)
                row.expected.pop(x.id, None)
    (tmp_path / "in.csv").write_bytes(synth.write_csv(q, rows))
    run_batch(tmp_path / "in.csv", tmp_path / "out")
    files = sorted((tmp_path / "out").rglob("*.yaml"))
    files = [f for f in files if "ledger" not in str(f)]
    assert len(files) == 3
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert data["depth"] == "core"
        a = api.assess_file(f)
        assert a.not_asked > 0
        assert all(x.status != "unanswered" for x in a.questions if q.question_map[x.id].depth == "full")
