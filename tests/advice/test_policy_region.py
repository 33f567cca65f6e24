"""A plan names only the support policies that apply where the firm is."""

from __future__ import annotations

import pytest

from maturity import pipeline
from maturity.load import bundled
from maturity.resources import data_dir

EXAMPLES = sorted(data_dir("examples").glob("*-example.yaml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_policy_an_item_names_is_one_the_plan_explains(example):
    ev = pipeline.evaluate_file(example)
    assert ev.plan is not None
    explained = {p.id for p in ev.plan.policies}
    named = {x for h in ev.plan.horizons for it in h.items for x in it.policies}
    assert named <= explained, named - explained


def test_a_regional_programme_is_not_offered_outside_its_region():
    cat = bundled.catalog("light-industry")
    regional = {p.id for p in cat.policies if p.applies_in}
    assert regional, "the catalog has regional programmes to test with"
    by_region = {}
    for ex in EXAMPLES:
        ev = pipeline.evaluate_file(ex)
        region = ev.assessment.enterprise.region or ""
        by_region[region] = {x for h in ev.plan.horizons for it in h.items for x in it.policies}
    outside = {r: ids & regional for r, ids in by_region.items() if not r.startswith("江西")}
    inside = {r: ids & regional for r, ids in by_region.items() if r.startswith("江西")}
    assert outside and all(not ids for ids in outside.values()), outside
    assert any(inside.values()), "a 江西 example is offered its province's programme"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_an_item_a_system_in_use_often_includes_says_to_switch_that_module_on(example):
    ev = pipeline.evaluate_file(example)
    cat = bundled.catalog("light-industry")
    value = ev.normalized["PR-04"].value if "PR-04" in ev.normalized else []
    in_use = set(value) if isinstance(value, list) else set()
    for h in ev.plan.horizons:
        for it in h.items:
            overlap = set(cat.solution_map[it.id].included_in) & in_use
            assert ("您已在用" in it.because) == bool(overlap), (it.title, overlap)


def test_the_appliance_maker_with_mes_is_told_to_check_its_mes_first():
    ev = pipeline.evaluate_file(data_dir("examples") / "home-appliance-example.yaml")
    items = {it.title: it for h in ev.plan.horizons for it in h.items}
    assert "MES" in items["质检记录上系统（移动质检）"].because.split("您已在用")[1]
