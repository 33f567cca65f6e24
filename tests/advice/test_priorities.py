"""The owner's priorities, the national-grade step and honest reasons, on the bundled questionnaire and catalog."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maturity import pipeline
from maturity.advice import recommend
from maturity.load import bundled
from maturity.models.answers import AnswersFile
from maturity.resources import example_path
from tests.strategies import answer_sets, examples

SCHEME = bundled.scheme("light-industry")
CATALOG = bundled.catalog("light-industry")
NATIONAL = recommend.National(bundled.crosswalk("light-industry", "miit-2024"), bundled.scheme("miit-2024"))


def _doc() -> dict:
    return yaml.safe_load(example_path().read_text(encoding="utf-8"))


def _evaluate(doc: dict, **options):
    return pipeline.evaluate_answers(AnswersFile.model_validate(doc), **options)


@pytest.mark.slow
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_reason_quotes_an_na_unanswered_or_out_of_profile_answer(data):
    answers = data.draw(answer_sets(SCHEME.questionnaire))
    a = SCHEME.assess(answers)
    status = {x.id: x.status for x in a.questions}
    plan = recommend.build_plan(SCHEME, a, CATALOG)
    for it in plan.items:
        assert it.reasons, it.id
        for r in it.reasons:
            if r.question is not None:
                assert status[r.question] == "answered", (it.id, r.question, status[r.question])
            assert "不适用" not in r.text and "未作答" not in r.text and "未涉及" not in r.text, (
                it.id,
                r.text,
            )


def test_just_below_40_points_the_cheapest_path_is_one_paperwork_item():
    ev = _evaluate(_doc())
    assert 39 < ev.grade.score < 40 and ev.grade.grade.label == "一级"
    step = ev.plan.grade_step
    assert step.target == "二级" and len(step.solutions) == 1 and step.paperwork_only
    assert step.cost.max <= 0.5 and step.score_after >= 40
    assert "不是数字化改造" in step.text
    first = ev.plan.horizons[0]
    assert step.solutions[0] in {it.id for it in first.items}
    assert first.projected_grade.label == "二级"
    placed = next(it for it in first.items if it.id == step.solutions[0])
    assert placed.paperwork and "不是数字化改造" in placed.because
    assert all(s.title != placed.title for s in ev.next_steps)  # paperwork is shown, not counted as a step


def _near_sixty() -> dict:
    doc = _doc()
    ans = doc["answers"]
    for q in (
        "RD-01",
        "RD-04",
        "MK-01",
        "MK-02",
        "MF-02",
        "MF-03",
        "QC-01",
        "MF-04",
        "GS-01",
        "GS-02",
        "SC-01",
        "SC-02",
        "MG-05",
        "MG-06",
        "MG-07",
        "MG-08",
    ):
        ans[q] = "3"
    ans.update(
        {
            "DB-11": ["product", "assess", "border"],
            "DB-12": ["policy", "product", "assess", "ledger"],
            "DB-03": ["control", "plant"],
            "DB-05": "most",
            "DB-01": 50,
            "DB-02": 30,
            "DB-04": ["marketing", "hr"],
            "MG-01": "results",
            "MG-02": ["process", "itops", "data", "incentive"],
            "MG-03": ["staff"],
        }
    )
    return doc


def test_just_below_60_points_the_cheapest_path_is_one_item():
    ev = _evaluate(_near_sixty())
    assert 58 < ev.grade.score < 60 and ev.grade.grade.label == "二级"
    assert ev.grade.borderline and any("三级分数线 60 分" in d for d in ev.grade.deciding)
    step = ev.plan.grade_step
    assert step.target == "三级" and step.solutions == ["security-policy"] and step.score_after >= 60
    assert step.text.startswith(f"差 {60 - ev.grade.score:.1f} 分：建立并执行网络安全管理制度即可达到三级")


def test_the_step_is_the_cheapest_that_lifts_the_grade():
    """No cheaper single candidate lifts the grade (the search is cheapest first, not first found)."""
    ev = _evaluate(_near_sixty())
    a, answers = ev.assessment, recommend.answers_from_assessment(ev.assessment)
    wide, _ = recommend.select(SCHEME, a, CATALOG, any_level=True)
    step = ev.plan.grade_step
    from maturity.engine.grade import estimate_result

    for c in wide:
        if c.solution.cost.max < step.cost.max and not c.prereqs:
            new = recommend.apply_improvements(SCHEME.questionnaire, answers, [c.solution])
            g, _ = estimate_result(NATIONAL.crosswalk, SCHEME, SCHEME.assess(new), new, NATIONAL.target)
            assert g.level.rank <= ev.grade.grade.rank, c.solution.id


def test_a_budget_below_every_solution_says_so_and_names_the_cheapest_first_step():
    ev = _evaluate(_doc(), budget=0.2)
    plan = ev.plan
    assert plan.items == [] and plan.total_cost_max == 0
    assert plan.nothing_fits.startswith("预算 0.2 万元内放不下任何推荐方案")
    cheapest = min(CATALOG.solution_map[lo.id].cost.max for lo in plan.left_out)
    assert f"{cheapest:g} 万元" in plan.nothing_fits and "第一步" in plan.nothing_fits
    assert plan.grade_step is not None and not plan.grade_step.fits_budget
    assert "超出预算" in plan.grade_step.text


def test_the_stated_budget_band_is_the_default_cap_and_the_option_overrides_it():
    doc = _doc()
    doc["answers"]["PR-02"] = "lt5"
    plan = _evaluate(doc).plan
    assert plan.budget == 5 and plan.budget_source == "answers" and plan.total_cost_max <= 5
    plan = _evaluate(doc, budget=40).plan
    assert plan.budget == 40 and plan.budget_source == "option" and plan.total_cost_max > 5
    doc["answers"]["PR-02"] = "unsure"
    plan = _evaluate(doc).plan
    assert plan.budget is None and "未设预算上限" in plan.priorities


def test_the_time_horizon_limits_the_stages():
    doc = _doc()
    doc["answers"]["PR-03"] = "quarter"
    doc["answers"]["PR-02"] = "gt100"
    plan = _evaluate(doc).plan
    assert [h.id for h in plan.horizons] == ["h1"]
    assert any(lo.kind == "horizon" for lo in plan.left_out)
    assert "只安排到“0–3 个月速赢”阶段" in plan.priorities


def test_the_first_pain_leads_and_the_order_matters():
    doc = _doc()
    first = _evaluate(doc).next_steps[0].title
    doc["answers"]["PR-01"] = ["scm-inventory", "mfg-progress", "qc-trace"]
    ev = _evaluate(doc)
    assert ev.next_steps[0].title != first
    assert "库存不准" in ev.plan.items[0].because


def test_a_system_in_use_is_never_recommended():
    doc = _doc()
    doc["answers"]["PR-04"] = [*doc["answers"]["PR-04"], "wms"]
    doc["answers"]["PR-02"] = "gt100"
    plan = _evaluate(doc).plan
    assert "wms-barcode" not in {it.id for it in plan.items} | {lo.id for lo in plan.left_out}


def test_old_answers_without_priorities_still_score_and_plan():
    doc = _doc()
    doc["questionnaire_version"] = "1.0.0"
    for k in [k for k in doc["answers"] if k.startswith("PR-")]:
        del doc["answers"][k]
    from maturity.load import loader

    migrated = loader.migrate(AnswersFile.model_validate(doc), SCHEME.questionnaire)
    ev = pipeline.evaluate_answers(migrated)
    direct = pipeline.evaluate_answers(AnswersFile.model_validate(_doc())).assessment
    assert ev.assessment.level == direct.level and ev.plan.items  # priorities are not scored
    assert ev.plan.budget is None and "没有选择最想解决的问题" in ev.plan.priorities


@pytest.mark.parametrize("name", ["furniture-example.yaml", "paper-example.yaml"])
def test_every_plan_says_how_it_used_the_priorities(name):
    ev = pipeline.evaluate_file(example_path().parent / name)
    assert ev.plan.priorities.startswith("怎样使用了您的选择：") and ev.plan.priorities.count("。") == 1


def test_national_grade_names_where_grade_names_and_thresholds_come_from():
    ev = _evaluate(_doc())
    assert "独立复现版本" in ev.grade.grade_source and "尚未与官方附件核对" in ev.grade.grade_source
    assert any("7.5 分" in d for d in ev.grade.deciding)


def test_regional_policies_are_shown_only_in_their_region():
    doc = _doc()  # 江西省赣州市: the Jiangxi plan applies to its 小快轻准 items
    ids = {p.id for p in _evaluate(doc).plan.policies}
    assert "jx-dx-2026" in ids
    doc["enterprise"]["region"] = "福建省三明市"
    assert "jx-dx-2026" not in {p.id for p in _evaluate(doc).plan.policies}
