"""The bundled examples: clean files that score as their header comments say."""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity import api

EXAMPLES = Path(__file__).parents[1] / "examples"


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_example_validates_without_any_remark(name):
    issues, kinds = api.validate_paths([EXAMPLES / name])
    assert kinds == [(EXAMPLES / name, "answers")]
    assert issues == []


def test_the_process_industry_example_uses_the_process_questions():
    """A paper mill: process-only questions are asked and scored; L3, held below L4 by the score and two gates."""
    la = api.load_answers(EXAMPLES / "paper-example.yaml")
    a = api.assess(la)
    assert a.enterprise.industry_type == "process"
    by_id = {x.id: x for x in a.questions}
    for qid in ("RD-06", "MF-06", "QC-06"):  # 配方、工艺参数控制、化验指标: process industry only
        assert by_id[qid].status == "answered", qid
    assert by_id["MF-05"].status == "not_applicable"  # 扫码报工 is asked of discrete makers only
    assert a.level.label == "L3" and a.next_level.label == "L4"
    assert 30 <= a.score < 45
    kinds = sorted(b.kind for b in a.blockers)
    assert kinds.count("score") == 1 and kinds.count("gate") >= 2
    plan = api.plan_for(la, a)
    titles = [i.title for h in plan.horizons for i in h.items]
    assert any("配方" in t for t in titles), titles


def test_the_furniture_example_is_the_quick_start():
    a = api.assess_file(EXAMPLES / "furniture-example.yaml")
    assert a.enterprise.industry_type == "discrete"
    assert a.level.label == "L3" and a.band_level.label == "L4"  # the score reaches L4; two gates hold it back
    assert sorted(b.kind for b in a.blockers) == ["gate", "gate"]
