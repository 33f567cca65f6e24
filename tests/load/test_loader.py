"""Loader: versions and migrations of answers, and cross-file checks."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from maturity.errors import VersionMismatchError
from maturity.load import loader
from maturity.load.yamlio import load
from maturity.models.answers import AnswersFile

FIX = Path(__file__).parent.parent / "fixtures"


def _mini_v11(tmp_path: Path) -> Path:
    """mini 1.1.0: A-01 renamed to A-10, B-02 dropped, with a migration from 1.0.0."""
    doc = yaml.safe_load((FIX / "mini.yaml").read_text(encoding="utf-8"))
    doc["version"] = "1.1.0"
    for x in doc["questions"]:
        if x["id"] == "A-01":
            x["id"] = "A-10"
    doc["questions"] = [x for x in doc["questions"] if x["id"] != "B-02"]
    doc["migrations"] = [{"from_version": "1.0.0", "rename": {"A-01": "A-10"}, "drop": ["B-02"]}]
    p = tmp_path / "mini-1.1.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return p


def _answers(version: str) -> AnswersFile:
    return AnswersFile.model_validate(
        {
            "questionnaire": "mini",
            "questionnaire_version": version,
            "enterprise": {"name": "测试企业", "sub_sector": "furniture"},
            "answers": {"A-01": "z", "B-02": "y", "F-01": "x"},
        }
    )


def test_declared_migration_carries_old_answers_forward(tmp_path):
    q = loader.load_questionnaire(_mini_v11(tmp_path))
    migrated = loader.migrate(_answers("1.0.0"), q)
    assert migrated.questionnaire_version == "1.1.0"
    assert set(migrated.answers) == {"A-10", "F-01"}
    assert migrated.answers["A-10"].value == "z"


def test_undeclared_version_is_refused_with_both_versions_named(tmp_path):
    q = loader.load_questionnaire(_mini_v11(tmp_path))
    with pytest.raises(VersionMismatchError) as e:
        loader.migrate(_answers("0.9.0"), q)
    assert "0.9.0" in e.value.message and "1.1.0" in e.value.message


def test_rules_for_another_questionnaire_version_are_an_error(tmp_path):
    q = loader.load_questionnaire(_mini_v11(tmp_path))
    rules, issues = loader.check_rules(load(FIX / "mini.rules.yaml"), q)
    assert rules is not None
    assert any(i.field == "questionnaire_version" and "1.0.0" in i.message for i in issues)


def test_unreachable_level_and_gate_on_the_floor_are_errors(tmp_path):
    doc = yaml.safe_load((FIX / "mini.rules.yaml").read_text(encoding="utf-8"))
    doc["level_bands"] = doc["level_bands"][:2]  # nothing reaches L3
    doc["gates"][0]["level"] = "L1"
    p = tmp_path / "rules.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    q = loader.load_questionnaire(FIX / "mini.yaml")
    _, issues = loader.check_rules(load(p), q)
    messages = " ".join(i.message for i in issues)
    assert "L3 不可达" in messages and "起点等级" in messages
    assert all(i.line is not None for i in issues)


def test_not_in_a_gate_is_refused_for_monotonicity(tmp_path):
    doc = yaml.safe_load((FIX / "mini.rules.yaml").read_text(encoding="utf-8"))
    doc["gates"][0]["when"] = {"not": {"question": "A-01", "at_least": "y"}}
    p = tmp_path / "rules.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _, issues = loader.check_rules(load(p), loader.load_questionnaire(FIX / "mini.yaml"))
    assert any("单调性" in i.message for i in issues)


def test_a_check_naming_an_unknown_question_or_twice_the_same_id_is_an_error_at_its_line(tmp_path):
    doc = yaml.safe_load((FIX / "mini.yaml").read_text(encoding="utf-8"))
    doc["checks"] = [
        {
            "id": "c1",
            "when": {"all": [{"question": "A-03", "answered": True}, {"question": "Z-99", "answered": True}]},
            "message": "甲",
        },
        {"id": "c1", "when": {"question": "B-01", "answered": True}, "message": "乙"},
    ]
    p = tmp_path / "q.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _, issues = loader.check_questionnaire(load(p))
    messages = [i.message for i in issues if i.severity == "error"]
    assert any("Z-99" in m for m in messages) and any("核实项编号重复" in m for m in messages), messages
    assert all(i.line is not None for i in issues)
