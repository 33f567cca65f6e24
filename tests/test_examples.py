"""The bundled examples: clean files that score as their header comments say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from maturity import api, pipeline
from maturity.advice import recommend
from maturity.load import bundled
from maturity.models.catalog import BUDGET_CAPS

EXAMPLES = Path(__file__).parents[1] / "examples"


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_example_validates_without_any_remark_but_the_contradictions_it_names(name):
    """No error and no warning, except the contradictory answers its header says were left in (as owners give
    them, for the report's on-site checklist)."""
    issues, kinds = api.validate_paths([EXAMPLES / name])
    assert kinds == [(EXAMPLES / name, "answers")]
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    m = re.search(r"Contradictions left in as owners give them[^:]*:\s*([^\n]*(?:\n#\s*[^\n]*)?)", text)
    named = set(re.findall(r"[a-z][a-z-]+", m.group(1).split(".")[0])) if m else set()
    assert all(i.severity == "warning" and "作答相互矛盾" in i.message for i in issues), issues
    assert {i.value for i in issues} == named


def test_the_process_industry_example_uses_the_process_questions():
    """A paper mill: process-only questions are asked and scored; L4, just below the L5 band and held by two L5
    gates as well."""
    la = api.load_answers(EXAMPLES / "paper-example.yaml")
    a = api.assess(la)
    assert a.enterprise.industry_type == "process"
    by_id = {x.id: x for x in a.questions}
    for qid in ("RD-06", "MF-06", "QC-06"):  # 配方、工艺参数控制、化验指标: process industry only
        assert by_id[qid].status == "answered", qid
    assert by_id["MF-05"].status == "not_applicable"  # 扫码报工 is asked of discrete makers only
    assert a.level.label == "L4" and a.band_level.label == "L4" and a.next_level.label == "L5"
    assert 27 <= a.score < 36
    assert sorted(b.gate or b.kind for b in a.blockers) == ["L5-scenarios", "L5-scenes", "score"]
    plan = api.plan_for(la, a)
    assert plan.items
    catalog = bundled.catalog("light-industry")
    for it in plan.items:  # process firms get process-worded solutions only
        assert "process" in catalog.solution_map[it.id].industry_types, it.id


def test_the_furniture_example_is_the_quick_start():
    a = api.assess_file(EXAMPLES / "furniture-example.yaml")
    assert a.enterprise.industry_type == "discrete"
    # the score is just below the L6 band, and two L6 gates (every scenario at L5, a scene at 评测三级) hold it too
    assert a.level.label == "L5" and a.band_level.label == "L5" and 44 <= a.score < 45
    assert sorted(b.gate or b.kind for b in a.blockers) == ["L6-scenarios", "L6-scenes", "score"]


# ---- the owner's priorities, budget and what exists -------------------------------------------------
PAINS = {
    "furniture-example.yaml": {"qc-trace", "mfg-progress", "scm-inventory"},
    "paper-example.yaml": {"green-energy", "mfg-downtime", "qc-trace"},
    "personal-care-example.yaml": {"qc-trace", "qc-defects", "mkt-customers"},
    "home-appliance-example.yaml": {"qc-trace", "qc-defects", "scm-supplier"},
}


@pytest.mark.parametrize("name", sorted(PAINS))
def test_example_plan_fits_the_stated_budget(name):
    ev = pipeline.evaluate_file(EXAMPLES / name)
    band = ev.answers.answers["PR-02"].value
    assert ev.plan.budget == BUDGET_CAPS[band] and ev.plan.budget_source == "answers"
    assert ev.plan.items and ev.plan.total_cost_max <= ev.plan.budget
    assert "预算" in ev.plan.priorities and str(int(ev.plan.budget)) in ev.plan.priorities


@pytest.mark.parametrize("name", sorted(PAINS))
def test_example_top_three_address_the_stated_pains(name):
    ev = pipeline.evaluate_file(EXAMPLES / name)
    labels = {
        o.value: o.label
        for o in ev.scheme.questionnaire.options_of(ev.scheme.questionnaire.question_map["PR-01"])
    }
    stated = {labels[p] for p in PAINS[name]}
    by_title = {it.title: it for it in ev.plan.items}
    top = [by_title[s.title] for s in ev.next_steps]
    assert top
    for it in top:
        assert set(it.addresses) & stated, (it.title, it.addresses)
    # the owner's first pain is addressed by the very first step
    first = labels[ev.answers.answers["PR-01"].value[0]]
    assert first in top[0].addresses


@pytest.mark.parametrize("name", sorted(PAINS))
def test_example_recommends_nothing_that_exists(name):
    ev = pipeline.evaluate_file(EXAMPLES / name)
    catalog = bundled.catalog("light-industry")
    systems = set(ev.answers.answers["PR-04"].value)
    state = ev.scheme.state_of(ev.assessment)
    for it in ev.plan.items:
        s = catalog.solution_map[it.id]
        assert not (s.provides and set(s.provides) <= systems), it.id
        assert recommend.known(s.trigger, state) is True, it.id
    if name == "paper-example.yaml":  # the mill runs a cloud ERP with an inventory module
        assert "cloud-erp" not in {it.id for it in ev.plan.items} | {lo.id for lo in ev.plan.left_out}


@pytest.mark.parametrize("name", sorted(PAINS))
def test_example_ranking_uses_priorities_and_budget(name):
    """Fails if the ranking ignored the owner's pains or budget: the same answers without them plan otherwise."""
    la = api.load_answers(EXAMPLES / name)
    ev = pipeline.evaluate(la)
    bare = la.answers.model_copy(
        update={"answers": {k: v for k, v in la.answers.answers.items() if not k.startswith("PR-")}}
    )
    ev_bare = pipeline.evaluate_answers(bare)
    assert ev_bare.plan.budget is None and ev_bare.plan.total_cost_max > ev.plan.budget
    assert [s.title for s in ev_bare.next_steps] != [s.title for s in ev.next_steps]


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("furniture-example.yaml", "FN-"),
        ("paper-example.yaml", "PP-"),
        ("personal-care-example.yaml", "DC-"),
        ("home-appliance-example.yaml", "AP-"),
    ],
)
def test_new_examples_score_as_their_headers_say(name, module):
    """Each example answers its own sub-sector module and the AI block; the level and score its header states."""
    header = (EXAMPLES / name).read_text(encoding="utf-8").split("\nquestionnaire:")[0]
    a = api.assess_file(EXAMPLES / name)
    said = re.search(
        r"level (L\S+) \(overall score about ([\d.]+)\)", " ".join(header.replace("#", "").split())
    )
    assert said is not None and said[1] == a.level.label and abs(float(said[2]) - a.score) <= 1
    asked = {x.id for x in a.questions if x.status == "answered"}
    assert any(q.startswith(module) for q in asked) and {"AI-01", "AI-07"} <= asked


def test_furniture_example_is_one_paperwork_step_from_grade_two():
    ev = pipeline.evaluate_file(EXAMPLES / "furniture-example.yaml")
    assert ev.grade.grade.label == "一级" and ev.grade.borderline
    step = ev.plan.grade_step
    assert step is not None and step.target == "二级" and step.paperwork_only and step.fits_budget
    assert step.text.startswith("差 0.02 分：") and "不是数字化改造" in step.text
    assert ev.plan.horizons[0].projected_grade.label == "二级"
    assert all(
        it.id in {i.id for i in ev.plan.horizons[0].items} for it in ev.plan.items if it.id in step.solutions
    )
