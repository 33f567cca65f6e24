"""Every question, level descriptor and catalog solution names a source that the files declare."""

from __future__ import annotations

import pytest
import yaml

from maturity.load import bundled
from maturity.resources import data_dir

Q_PATH = data_dir("questionnaires") / "light-industry.yaml"
C_PATH = data_dir("scoring_rules") / "light-industry.catalog.yaml"

POLICY_TEXTS = (
    "《轻工业数字化转型实施方案》解读",
    "加强传统产业改造升级",
    "加快人工智能赋能制造业",
    "江西省深化制造业数智化转型行动计划（2026—2027年）",
    "“人工智能+制造”专项行动实施意见",
)


def _questionnaire_doc() -> dict:
    return yaml.safe_load(Q_PATH.read_text(encoding="utf-8"))


def test_bundled_content_cites_declared_sources():
    q = bundled.bundled_questionnaire("light-industry")
    declared = {s.id for s in q.sources}
    assert all(lv.source in declared for lv in q.levels)
    assert all(x.source in declared for x in q.questions)
    cat = bundled.catalog("light-industry")
    assert cat is not None
    cat_declared = declared | {s.id for s in cat.sources}
    assert all(s.source in cat_declared for s in cat.solutions)


def test_the_five_policy_texts_are_named_sources():
    titles = [s.title for s in bundled.bundled_questionnaire("light-industry").sources]
    for title in POLICY_TEXTS:
        assert any(title in t for t in titles), title


@pytest.mark.slow
def test_level_without_source_fails_validate(cli, write):
    doc = _questionnaire_doc()
    del doc["levels"][2]["source"]
    path = write("q.yaml", yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    res = cli("validate", path)
    assert res.exit_code == 1
    assert "等级 L3 的描述没有注明来源" in res.stderr


@pytest.mark.slow
def test_undeclared_sources_of_level_and_question_fail_validate(cli, write):
    doc = _questionnaire_doc()
    doc["levels"][0]["source"] = "no-such-text"
    doc["questions"][0]["source"] = "nor-this-one"
    path = write("q.yaml", yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    res = cli("validate", path)
    assert res.exit_code == 1
    assert "未声明的来源 no-such-text" in res.stderr
    assert "未声明的来源 nor-this-one" in res.stderr


def test_catalog_solution_with_undeclared_source_fails_validate(cli, write):
    text = C_PATH.read_text(encoding="utf-8")
    first = text.index("  - id: cloud-cad")
    at = text.index("    source: ", first)
    end = text.index("\n", at)
    bad = text[:at] + "    source: ghost-source" + text[end:]
    path = write("bad.catalog.yaml", bad)
    res = cli("validate", path, Q_PATH)
    assert res.exit_code == 1
    assert "未声明的来源 ghost-source" in res.stderr


def _drop_line(text: str, anchor: str, key: str = "    source: ") -> tuple[str, int]:
    """``text`` without the first ``key`` line after ``anchor``, and the 1-based line of ``anchor``."""
    start = text.index(anchor)
    at = text.index(key, start)
    end = text.index("\n", at) + 1
    return text[:at] + text[end:], text[:start].count("\n") + 2


def test_question_without_source_fails_validate_naming_file_line_and_field(cli, write):
    text = Q_PATH.read_text(encoding="utf-8")
    bad, line = _drop_line(text, "\n  - id: RD-03\n")
    path = write("q.yaml", bad)
    res = cli("validate", path)
    assert res.exit_code == 1
    assert f"{path}:{line}:" in res.stderr
    assert "questions." in res.stderr and ".source" in res.stderr
    assert "题目 RD-03 没有注明来源（source）" in res.stderr


def test_catalog_solution_without_source_fails_validate_naming_file_line_and_field(cli, write):
    text = C_PATH.read_text(encoding="utf-8")
    bad, line = _drop_line(text, "\n  - id: cloud-cad\n")
    path = write("bad.catalog.yaml", bad)
    res = cli("validate", path, Q_PATH)
    assert res.exit_code == 1
    assert f"{path}:{line}:" in res.stderr
    assert "方案 cloud-cad 没有注明来源（source）" in res.stderr


def test_every_gate_and_level_names_a_titled_source():
    """Each rung of the ladder and each of its gates points at a declared source with a title."""
    q = bundled.bundled_questionnaire("light-industry")
    titles = {s.id: s.title for s in q.sources}
    assert all(titles.get(lv.source or "") for lv in q.levels)
    rules = bundled.scheme("light-industry").rules
    assert all(titles.get(g.source or "") for g in rules.gates)


def test_the_scheme_note_keeps_the_ladder_the_tools_own():
    note = bundled.bundled_questionnaire("light-industry").scheme_note
    assert "本工具自定义" in note and "不是任何政府部门或评定机构的官方评定结果" in note
