"""Progress between two assessments: maturity.engine.compare and `maturity compare`."""

from __future__ import annotations

import json

import pytest
import yaml

from maturity import api
from maturity.engine.compare import compare
from maturity.errors import InputError


@pytest.fixture
def pair(example, tmp_path):
    """The example, and a later copy where one answer improved to its best option and one was removed."""
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    loaded = api.load_answers(example)
    q = loaded.scheme.questionnaire
    result = api.assess(loaded)
    better = next(
        x
        for x in result.questions
        if x.kind == "single" and x.status == "answered" and x.score is not None and x.score < 100
    )
    best = q.options_of(q.question_map[better.id])[-1].value
    data["answers"][better.id] = best
    dropped = next(
        x.id for x in result.questions if x.status == "answered" and x.id != better.id and (x.score or 0) > 0
    )
    del data["answers"][dropped]
    new = tmp_path / "later.yaml"
    new.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return example, new, better.id, dropped


def test_compare_reports_level_score_dimension_and_answer_changes(pair):
    old_path, new_path, better, dropped = pair
    old, new = api.assess_file(old_path), api.assess_file(new_path)
    c = compare(old, new)
    assert c.same_enterprise
    assert c.score_change == pytest.approx(new.score - old.score, abs=0.01)
    assert c.level_change == new.level.rank - old.level.rank
    assert {a.id for a in c.answers} == {better, dropped}
    up = next(a for a in c.answers if a.id == better)
    assert up.delta > 0 and up.new_score == 100
    down = next(a for a in c.answers if a.id == dropped)
    assert down.new_answer == "未答" and down.delta < 0
    assert (c.improved, c.declined) == (1, 1)
    changed_dims = {d.id for d in c.dimensions if d.delta}
    assert changed_dims <= {
        old.questions[[x.id for x in old.questions].index(i)].dimension for i in (better, dropped)
    }
    for d in c.dimensions:
        assert d.delta == pytest.approx((d.new_score or 0) - (d.old_score or 0), abs=0.01)


def test_compare_same_file_has_no_changes(example):
    a = api.assess_file(example)
    c = compare(a, a)
    assert (
        c.answers == []
        and c.score_change == 0
        and all(d.delta == 0 for d in c.dimensions if d.delta is not None)
    )


def test_compare_refuses_different_questionnaires(example):
    a = api.assess_file(example)
    other = a.model_copy(update={"questionnaire_id": "miit-2024"})
    with pytest.raises(InputError, match="不同的问卷"):
        compare(a, other)


def test_compare_cli_table_and_json(cli, pair):
    old_path, new_path, better, dropped = pair
    res = cli("compare", old_path, new_path)
    assert res.exit_code == 0, res.output
    assert "评估对比" in res.output and "各维度变化" in res.output and better in res.output
    res = cli("compare", old_path, new_path, "--format", "json")
    data = json.loads(res.output)
    assert {a["id"] for a in data["answers"]} == {better, dropped}
    assert data["score_change"] == pytest.approx(
        api.assess_file(new_path).score - api.assess_file(old_path).score, abs=0.01
    )
