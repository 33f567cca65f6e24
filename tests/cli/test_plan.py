"""`maturity plan` and the plan section of `maturity score`."""

from __future__ import annotations

import json
import re

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
    assert (
        res.exit_code == 0
        and re.search("下一步最重要的[一两三]件事", res.stdout)
        and "maturity plan" in res.stdout
    )
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


def _owner_ids() -> set[str]:
    """Catalog, policy and question ids: none of them belongs on a screen the owner reads."""
    from maturity.load import bundled

    cat = bundled.catalog("light-industry")
    q = bundled.bundled_questionnaire("light-industry")
    codes = {x.id for x in q.questions if any(c.isdigit() for c in x.id) and "-" in x.id}
    assert len(codes) > 50  # the codes look like QC-02
    return {s.id for s in cat.solutions} | {p.id for p in cat.policies} | codes


def _found(ids: set[str], screen: str) -> list[str]:
    import re

    return sorted(i for i in ids if re.search(rf"(?<![A-Za-z0-9_-]){re.escape(i)}(?![A-Za-z0-9_-])", screen))


@pytest.mark.parametrize("width", [80, 200])
@pytest.mark.parametrize("stem", ["furniture", "paper", "personal-care", "home-appliance"])
def test_plan_screen_names_no_solution_policy_or_question_id(cli, data, columns, stem, width):
    """An owner reads titles and the words of the questions: no catalog id (``cloud-erp``, ``jx-dx-2026``)
    and no question code (``QC-02``) in the roadmap on screen, in the table or in the cards."""
    columns(width)
    res = cli("plan", data / "examples" / f"{stem}-example.yaml")
    assert res.exit_code == 0, res.stderr
    screen = " ".join(res.stdout.split())
    assert not _found(_owner_ids(), screen)
    assert "因为：" in screen


@pytest.mark.parametrize("stem", ["furniture", "paper"])
def test_end_of_interview_screen_names_no_question_code(cli, data, columns, stem):
    columns(100)
    res = cli("assess", "--answers", data / "examples" / f"{stem}-example.yaml")
    assert res.exit_code == 0, res.stderr
    screen = " ".join(res.stdout.split())
    assert "下一步" in screen and not _found(_owner_ids(), screen)


def test_a_narrow_terminal_gets_one_card_per_solution_within_its_width(cli, example, columns):
    """Five columns do not fit 80 columns: each solution becomes a card with its facts on labelled lines."""
    from rich.cells import cell_len

    from maturity.load.answers import load_answers
    from maturity.pipeline import evaluate

    plan = evaluate(load_answers(example)).plan
    assert plan is not None
    columns(80)
    res = cli("plan", example)
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    for h in plan.horizons:
        for n, it in enumerate(h.items, 1):
            assert any(line.startswith(f"╭─ {n}. {it.title}") for line in lines), it.title
    for label in ("实际变化", "费用", "周期", "预期成效", "推荐理由"):
        assert any(line.startswith(f"│ {label}") for line in lines), label
    # policies too: a card each, every name and region whole (a panel title would cut them off)
    assert plan.policies
    flat = re.sub(r"[│╭╮╰╯─\s]", "", res.stdout)
    for pol in plan.policies:
        assert re.sub(r"\s", "", pol.name) in flat, pol.name
        if pol.region:
            assert re.sub(r"\s", "", pol.region) in flat, pol.region
    assert sum(line.startswith("│ 支持内容") for line in lines) == len(plan.policies)
    assert any(line.startswith("│ 文件") for line in lines)
    columns(140)
    wide = cli("plan", example).stdout
    assert "┃ 方案" in wide and "╭─ 1." not in wide  # the table again where it fits
    assert "┃ 政策" in wide and "│ 支持内容" not in wide


def test_the_next_steps_heading_counts_the_steps_shown(cli, example, columns):
    """The furniture maker's budget leaves two real steps (the rest is 制度 paperwork): the headings say two,
    not three, on the end screen, in `score` and in the report."""
    from maturity import pipeline

    ev = pipeline.evaluate_file(example)
    n = len(ev.next_steps)
    assert n == 2
    columns(100)
    end = cli("assess", "--answers", example).output
    assert "最重要的两项下一步" in end and "三项" not in end
    assert "下一步最重要的两件事" in cli("score", example).stdout
    assert "<h3>最重要的两件事</h3>" in pipeline.report_html(ev)
