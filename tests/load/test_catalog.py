"""Catalog validation: the bundled catalog is clean; every kind of mistake is an error at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity import api
from maturity.errors import DataValidationError
from maturity.load import catalog as catalog_loader
from maturity.load import loader

FIX = Path(__file__).parent.parent / "fixtures" / "plan"
CATALOG = (FIX / "plan-mini.catalog.yaml").read_text(encoding="utf-8")


def _line_of(text: str, needle: str, start_after: str = "") -> int:
    offset = text.index(start_after) if start_after else 0
    return text[: text.index(needle, offset)].count("\n") + 1


def _errors(write, text: str) -> list:
    path = write("broken.catalog.yaml", text)
    issues, _ = api.validate_paths([path, FIX / "plan-mini.yaml"])
    return [i for i in issues if i.severity == "error" and i.file == str(path)]


def test_bundled_catalog_validates_and_covers_every_dimension():
    q = api.scheme("light-industry").questionnaire
    issues, kinds = api.validate_paths([catalog_loader.catalog_path(q.id)])
    assert [i for i in issues if i.severity == "error"] == []
    assert kinds[0][1] == "catalog"
    c = catalog_loader.bundled_catalog(q)
    assert c is not None and len(c.solutions) >= 30
    assert {s.dimension for s in c.solutions} == {d.id for d in q.dimensions}
    ids = {s.id for s in c.solutions}
    assert {"smart-recipe", "online-quality-monitoring", "predictive-maintenance"} <= ids
    assert {"process"} <= {t for s in c.solutions for t in s.industry_types}
    for s in c.solutions:
        assert s.kpis and s.source and s.cost.min <= s.cost.max and s.weeks.min <= s.weeks.max
    assert {p.kind for p in c.policies} >= {"subsidy", "fund", "service", "voucher"}


def test_fixture_catalog_is_clean(write):
    assert _errors(write, CATALOG) == []


def test_prerequisite_cycle_is_an_error_at_the_entry_naming_the_cycle(write):
    text = CATALOG.replace(
        "    title: 质检数据上系统\n", "    title: 质检数据上系统\n    prerequisites: [qc-vision]\n"
    )
    errs = _errors(write, text)
    assert len(errs) == 1
    assert "qc-data → qc-vision → qc-data" in errs[0].message
    assert errs[0].line == _line_of(text, "prerequisites: [qc-vision]")


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("prerequisites: [mes-scan]", "prerequisites: [mes-scann]", "mes-scann", "未知方案 mes-scann"),
        (
            "trigger: {question: MF-01, in: [paper]}",
            "trigger: {question: MF-09, in: [paper]}",
            "MF-09",
            "未知题目 MF-09",
        ),
        (
            "trigger: {question: MF-01, in: [paper]}",
            "trigger: {question: MF-01, in: [papr]}",
            "papr",
            "没有选项 papr",
        ),
        (
            'trigger: {question: DB-01, in: ["no"]}',
            'trigger: {all: [{question: DB-01, in: ["no"]}, {count: {dimensions: {kind: scenario}, '
            "where: {level_at_least: L2}, at_least: 5}}]}",
            "at_least: 5",
            "永远无法满足",
        ),
        ("    dimension: base\n", "    dimension: basis\n", "basis", "未知维度 basis"),
        (
            "    lifts_to: L4\n    cost: {min: 1, max: 5}",
            "    lifts_to: L9\n    cost: {min: 1, max: 5}",
            "L9",
            "未知等级 L9",
        ),
        (
            "    lifts_to: L4\n    cost: {min: 1, max: 5}",
            "    changes_for: {toys: 玩具厂的说法}\n    lifts_to: L4\n    cost: {min: 1, max: 5}",
            "toys",
            "未知子行业 toys",
        ),
        ("policies: [diag]", "policies: [diagnosis]", "diagnosis", "未知政策 diagnosis"),
        (
            "    source: src\n    trigger: {question: QC-02",
            "    source: nowhere\n    trigger: {question: QC-02",
            "nowhere",
            "未声明的来源 nowhere",
        ),
        ("cost: {min: 3, max: 8}", "cost: {min: 9, max: 8}", "max: 8}", "大于上限"),
        ("weeks: {min: 8, max: 20}", "weeks: {min: 8, max: 200}", "200", "永远排不进计划"),
        ("improves: {MF-01: scan}", "improves: {MF-01: scanned}", "scanned", "MF-01"),
        (
            'trigger: {question: DB-01, in: ["no"]}',
            'trigger: {question: DB-01, in: ["yes", "no"]}',
            "trigger: {question: DB-01",
            "最佳作答",
        ),
        (
            'trigger: {question: DB-01, in: ["no"]}',
            "trigger: {dimension: base, score_at_least: 0}",
            "trigger: {dimension: base",
            "至少引用一道题目",
        ),
    ],
)
def test_mistakes_are_errors_with_line_numbers(write, old, new, needle, message):
    assert old in CATALOG
    text = CATALOG.replace(old, new, 1)
    errs = _errors(write, text)
    assert errs, f"no error for {new!r}"
    assert any(message in e.message for e in errs), [e.message for e in errs]
    hit = next(e for e in errs if message in e.message)
    assert hit.line == _line_of(
        text, needle, start_after=new.split("\n")[0].strip()[:12]
    ) or hit.line == _line_of(text, needle)


def test_load_catalog_raises_with_every_issue(write):
    text = CATALOG.replace("policies: [diag]", "policies: [nope]").replace(
        "cost: {min: 3, max: 8}", "cost: {min: 9, max: 8}"
    )
    path = write("two.catalog.yaml", text)
    q = loader.load_questionnaire(FIX / "plan-mini.yaml")
    with pytest.raises(DataValidationError) as e:
        catalog_loader.load_catalog(path, q)
    assert len([i for i in e.value.issues if i.severity == "error"]) == 2


def test_validate_command_reports_catalog_errors(cli, write):
    path = write("bad.catalog.yaml", CATALOG.replace("prerequisites: [mes-scan]", "prerequisites: [ghost]"))
    res = cli("validate", path, FIX / "plan-mini.yaml")
    assert res.exit_code == 1
    assert "未知方案 ghost" in res.stderr
    assert f"bad.catalog.yaml:{_line_of(path.read_text(encoding='utf-8'), 'ghost')}" in res.stderr


# ---- the bundled catalog's content: measurable KPIs, cited policies ----------------------------------
def test_bundled_kpis_are_measurable():
    """Every KPI target names a figure (a number), never only a direction ("明显减少", "逐步提升", "零发生")."""
    import re

    from maturity.load import bundled

    for s in bundled.catalog("light-industry").solutions:
        for k in s.kpis:
            assert re.search(r"\d", k.target), (s.id, k.metric, k.target)
            assert not re.search(r"明显|逐步|零发生|基本杜绝|基本消除", k.target), (s.id, k.target)


def test_bundled_policies_name_issuer_year_and_include_the_2024_2026_documents():
    from maturity.load import bundled

    c = bundled.catalog("light-industry")
    for p in c.policies:
        assert p.issuer and p.year, p.id
    refs = " ".join(f"{p.issuer} {p.ref} {p.summary}" for p in c.policies)
    for doc in (
        "国发〔2024〕7号",
        "工信部联规〔2024〕53号",
        "财办建〔2025〕20号",
        "工信部联科〔2025〕279号",
        "江西省深化制造业数智化转型行动计划（2026—2027年）",
    ):
        assert doc in refs, doc
    used = sum(1 for s in c.solutions if "pilot-products" in s.policies)
    assert (
        used <= len(c.solutions) // 2
    )  # the city-pilot product list is for SaaS-type products, not everything
