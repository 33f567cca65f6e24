"""`maturity plan` and the plan section of `maturity score`."""

from __future__ import annotations

import json

import pytest


def test_plan_table_names_horizons_reasons_and_note(cli, example):
    res = cli("plan", example)
    assert res.exit_code == 0, res.stderr
    for text in (
        "升级路线图",
        "0–3 个月速赢",
        "3–12 个月",
        "1–2 年",
        "因为：",
        "不是报价",
        "可申请的政策支持",
    ):
        assert text in res.stdout


def test_plan_json_is_the_plan_model(cli, example):
    res = cli("plan", example, "--format", "json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["schema_version"] == 2
    assert [h["name"] for h in data["horizons"]] == ["0–3 个月速赢", "3–12 个月", "1–2 年"]
    assert data["horizons"][0]["projected_score"] >= data["current_score"]
    assert data["budget"] == 15 and data["total_cost_max"] <= data["budget"] and data["priorities"]
    for h in data["horizons"]:
        for it in h["items"]:
            assert "因为：" in it["because"] and any(r["question"] for r in it["reasons"])


def test_budget_option_caps_the_plan(cli, example):
    res = cli("plan", example, "--budget", "20", "--format", "json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["budget"] == 20 and data["total_cost_max"] <= 20
    assert any(lo["kind"] == "budget" for lo in data["left_out"])
    table = cli("plan", example, "--budget", "20")
    assert "超出预算" in table.stdout and "预算上限 20 万元" in table.stdout


def test_negative_budget_is_a_usage_error(cli, example):
    assert cli("plan", example, "--budget", "-5").exit_code == 2


def test_score_points_to_the_plan_and_json_includes_plan_without_private_keys(cli, example):
    res = cli("score", example)
    assert res.exit_code == 0 and "下一步最重要的三件事" in res.stdout and "maturity plan" in res.stdout
    data = json.loads(cli("score", example, "--format", "json").stdout)
    assert data["plan"]["catalog_id"] == "light-industry-catalog"
    assert not [k for k in data if k.startswith("_")]


def test_plan_without_catalog_is_a_clear_error(cli, write):
    from maturity.load.catalog import catalog_path

    if catalog_path("miit-2024").is_file():
        pytest.skip("miit-2024 now ships a catalog")
    path = write(
        "miit.yaml",
        "questionnaire: miit-2024\nquestionnaire_version: 1.0.0\n"
        "enterprise: {name: 测试企业, sub_sector: furniture}\nanswers: {}\n",
    )
    res = cli("plan", path)
    assert res.exit_code == 1 and "没有配套的方案目录" in res.stderr


@pytest.mark.parametrize("stem", ["furniture", "paper", "personal-care", "home-appliance"])
def test_plan_screen_names_no_solution_or_policy_id(cli, data, monkeypatch, stem):
    """An owner reads titles: no catalog id (``cloud-erp``, ``jx-dx-2026``) in the roadmap on screen."""
    from maturity.load import bundled

    monkeypatch.setenv("COLUMNS", "200")
    res = cli("plan", data / "examples" / f"{stem}-example.yaml")
    assert res.exit_code == 0, res.stderr
    cat = bundled.catalog("light-industry")
    ids = {s.id for s in cat.solutions} | {p.id for p in cat.policies}
    screen = " ".join(res.stdout.split())
    assert not {i for i in ids if i in screen}, sorted(i for i in ids if i in screen)
