"""The owner's report and the consultant's dossier (issue 13): at most 12 pages, words not codes, every
abbreviation explained, policies of the firm's own region first, and the dossier one flag away."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from maturity import pipeline
from maturity.load import bundled
from maturity.report import build_html
from maturity.report.context import build_context
from maturity.report.words import (
    GLOSSARY,
    abbreviations_in,
    plain_for,
    region_parts,
    same_region,
    where_to_ask,
)
from maturity.resources import data_dir
from tests.shared import once, shared_dir

EXAMPLES = sorted((data_dir("examples")).glob("*-example.yaml"))
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def _internal_ids(qid: str) -> set[str]:
    """Every catalog, policy, source, horizon and rules id an owner must never read."""
    cat = bundled.catalog(qid)
    sch = bundled.scheme(qid)
    ids = {cat.id, sch.rules.id, "improves"}
    ids |= {s.id for s in cat.solutions} | {p.id for p in cat.policies} | {s.id for s in cat.sources}
    ids |= {h.id for h in cat.horizons if len(h.id) > 2}
    return ids


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """rendered(example, appendix) -> the PDF of the owner's report (with the dossier if ``appendix``), rendered
    once per test run by whichever xdist worker asks first: the tests below take one example each, so the
    workers render different examples at the same time instead of one of them rendering all eight PDFs."""
    d = shared_dir(tmp_path_factory, "owner-reports")

    def get(ex: Path, appendix: bool = False) -> Path:
        name = f"{ex.stem}-dossier.pdf" if appendix else f"{ex.stem}.pdf"
        return once(
            d / name, lambda path: pipeline.write_report(pipeline.evaluate_file(ex), path, appendix=appendix)
        )

    return get


each_example = pytest.mark.parametrize("ex", EXAMPLES, ids=[p.stem for p in EXAMPLES])


def test_both_examples_are_bundled():
    assert {p.stem for p in EXAMPLES} >= {"furniture-example", "paper-example"}


@pytest.mark.slow
@needs_poppler
@each_example
def test_owner_report_has_at_most_12_pages_and_the_dossier_adds_to_it(rendered, ex):
    owner, dossier = rendered(ex), rendered(ex, appendix=True)
    assert _pages(owner) <= 12, ex.stem
    assert _pages(dossier) > _pages(owner), ex.stem


@pytest.mark.slow
@needs_poppler
@each_example
def test_owner_report_names_no_internal_id_and_no_question_code(rendered, ex):
    stem, owner = ex.stem, rendered(ex)
    text = _pdf_text(owner)
    flat = re.sub(r"\s+", "", text)
    for i in _internal_ids("light-industry"):
        assert not re.search(rf"(?<![A-Za-z0-9-]){re.escape(i)}(?![A-Za-z0-9-])", flat), (stem, i)
    codes = re.findall(r"(?<![A-Za-z])[A-Z]{2}-\d{2}(?!\d)", flat)
    assert not codes, (stem, codes[:5])
    national = {x.id for x in bundled.scheme("miit-2024").questionnaire.questions}  # S3, B1, M2 ...
    national_codes = [c for c in re.findall(r"[（(]([A-Z]\d{1,2})[）)]", flat) if c in national]
    assert not national_codes, (stem, national_codes[:5])


@pytest.mark.slow
@needs_poppler
@each_example
def test_every_abbreviation_in_the_owner_report_is_explained(rendered, ex):
    stem, owner = ex.stem, rendered(ex)
    text = _pdf_text(owner)
    body, _, glossary = text.rpartition("术语")
    assert body, f"{stem}: no glossary"
    flat_glossary = re.sub(r"\s+", "", glossary)
    for abbr in abbreviations_in(text):
        first = re.sub(r"\s+", "", text[text.index(abbr) : text.index(abbr) + len(abbr) + 2])
        explained_in_place = first.startswith(abbr + "（")
        assert explained_in_place or abbr in flat_glossary, f"{stem}: {abbr} is not explained"


@pytest.mark.slow
@needs_poppler
def test_dossier_keeps_answers_notes_method_gates_and_crosswalk(rendered):
    ev = pipeline.evaluate_file(EXAMPLES[0])
    owner, dossier = rendered(EXAMPLES[0]), rendered(EXAMPLES[0], appendix=True)
    flat = re.sub(r"\s+", "", _pdf_text(dossier))
    owner_flat = re.sub(r"\s+", "", _pdf_text(owner))
    a = ev.assessment
    for x in a.questions:
        assert f"（{x.id}）" in flat, x.id  # codes only in parentheses, after the words
        if x.note:
            assert re.sub(r"\s+", "", x.note)[:20] in flat, x.id
        if x.status == "na" and x.justification:
            assert re.sub(r"\s+", "", x.justification)[:15] in flat, x.id
    for g in a.gates:
        assert re.sub(r"\s+", "", g.title)[:15] in flat, g.id
    for heading in (
        "附录一全部题目与作答",
        "附录二路线图的依据",
        "附录三各等级门槛",
        "附录四全国评测对照表",
        "附录五方法与来源",
        "资料来源",
    ):
        assert heading in flat and heading not in owner_flat, heading
    for x in ev.plan.left_out:
        assert re.sub(r"\s+", "", x.title)[:8] in flat
    # questions quoted by name are named whole (their short label), never as a cut "以下哪些业务环节…"
    assert not re.findall(r".{0,12}…”（[A-Z]{2}-\d{2}）", flat)


def test_owner_words_drop_codes_and_dossier_keeps_them_in_parentheses():
    plain = plain_for(bundled.scheme("light-industry").questionnaire)
    text = "DB-05「信息系统覆盖了多少业务环节？」：当前一个环节"
    assert "DB-05" not in plain(text)
    assert plain(text, owner=False).startswith("“信息系统覆盖了多少业务环节？”（DB-05）")
    assert plain("检测方式：“抽检”（QC-04）") == "检测方式：“抽检”"
    assert "QC-04" not in plain("需改进 QC-04")


def test_only_whole_question_codes_are_rewritten():
    q = bundled.scheme("light-industry").questionnaire
    plain = plain_for(q)
    name = plain("QC-04").strip("“”")
    assert name and name != "QC-04"
    # abbreviations, and codes inside a longer word, are not question codes
    for text in ("ERP「进销存」", "（ERP、MES）", "XQC-04 与 QC-04X", "QC-04-1"):
        assert plain(text) == text and plain(text, owner=False) == text
    # a parenthesis keeps what is not a code, and the code in it is still named
    assert plain("（ERP、QC-04）") == f"（ERP、“{name}”）"
    # a word that is not a code before 「 does not hide the quoted code that follows it
    assert plain("ERP「DB-05「覆盖了哪些环节」") == "ERP「“覆盖了哪些环节”"
    assert plain("ERP「DB-05「覆盖了哪些环节」", owner=False) == "ERP「“覆盖了哪些环节”（DB-05）"


def test_glossary_covers_every_abbreviation_of_questions_and_catalog():
    q = bundled.scheme("light-industry").questionnaire
    cat = bundled.catalog("light-industry")
    words = [x.text for x in q.questions] + [o.label for x in q.questions for o in q.options_of(x)]
    words += [s.title + s.changes for s in cat.solutions] + [k.metric for s in cat.solutions for k in s.kpis]
    words += [lv.description + "".join(lv.signs) + lv.aligned_with for lv in q.levels_sorted()]
    missing = {a for w in words for a in abbreviations_in(w)} - set(GLOSSARY)
    assert not missing, sorted(missing)


def test_regions_are_matched_by_province_and_city():
    assert region_parts("江西省赣州市南康区") == ("江西省", "赣州市")
    assert region_parts("北京市朝阳区") == ("", "北京市")
    assert same_region("", "江西省赣州市") is None
    assert same_region("广东省中山市（示例）", "江西省赣州市南康区") is False
    assert same_region("广东省中山市（示例）", "广东省中山市小榄镇") is True
    assert same_region("江西省", "江西省赣州市南康区") is True
    assert "南康区" in where_to_ask("江西省赣州市南康区") and "中小企业服务中心" in where_to_ask(
        "江西省赣州市南康区"
    )


def test_another_regions_example_says_so_and_where_to_ask():
    ev = pipeline.evaluate_file(EXAMPLES[0])  # a firm in 江西省赣州市南康区
    ctx = build_context(ev)
    foreign = [p for p in ctx.plan.policies if p.local is False]
    assert foreign, "the catalog's subsidy figures are 中山市's example"
    for p in foreign:
        assert "示例" in p.note and "工信局" in p.note and "中小企业服务中心" in p.note and "南康区" in p.note
    kinds = [p.local for p in ctx.plan.policies]
    assert kinds == sorted(kinds, key=lambda k: {True: 0, None: 1, False: 2}[k])  # own region first


def test_a_firm_in_the_policys_own_region_sees_it_first_without_the_note(tmp_path):
    data = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
    data["enterprise"]["region"] = "广东省中山市小榄镇"
    p = tmp_path / "zs.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ctx = build_context(pipeline.evaluate_file(p))
    first = ctx.plan.policies[0]
    assert first.local is True and not first.note


def test_each_solution_appears_once_and_left_out_are_grouped(example_evaluation_html):
    html, ev = example_evaluation_html
    for it in ev.plan.items:
        assert html.count(f'<p class="rec-title">{it.title.replace(" ", "")}') <= 1
    capacity = [x for x in ev.plan.left_out if x.kind == "capacity"]
    if len(capacity) > 1:
        assert html.count("两年路线图已排满") == 1


@pytest.fixture(scope="session")
def example_evaluation_html():
    ev = pipeline.evaluate_file(EXAMPLES[0])
    return build_html(ev), ev


def test_dossier_is_off_by_default():
    ev = pipeline.evaluate_file(EXAMPLES[0])
    owner = build_html(ev)
    assert "附录一" not in owner and "附录一" in build_html(ev, appendix=True)
    assert "附录一" not in build_html(replace(ev, plan=None))


@pytest.mark.slow
@needs_poppler
def test_batch_pdf_accepts_the_same_appendix_flag(tmp_path):
    from maturity.batch.runner import run_batch

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES[0], folder / "a.yaml")
    result = run_batch(folder, tmp_path / "out", jobs=1, pdf=True, appendix=True)
    assert result.pdfs == 1
    (pdf,) = (tmp_path / "out").rglob("*.pdf")
    assert "附录一" in _pdf_text(pdf)


def test_the_cheapest_step_to_the_next_national_grade_is_in_the_report(example_evaluation_html):
    """The furniture firm is 0.02 points short of 二级: the report says which one change closes it (issue 14)."""
    html, ev = example_evaluation_html
    assert ev.plan is not None and ev.plan.grade_step is not None
    assert "离下一级最近的一步" in html
    assert ev.plan.grade_step.titles[0].replace(" ", "") in html.replace(" ", "")


def test_the_cover_carries_the_programme_profile_and_says_when_it_was_rated_on_site(tmp_path):
    """Issue 16 item 1: the structured profile reaches the firm's own report, and an on-site rating says so."""
    data = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
    data["enterprise"].update(
        region="",
        province="江西省",
        city="赣州市",
        county="南康区",
        park="南康家具产业园",
        scale="above",
        sme_tier="specialised",
        service_provider="示例数字化服务商",
        mode="onsite",
    )
    p = tmp_path / "onsite.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    html = build_html(pipeline.evaluate_file(p))
    cover = html[html.index('class="cover"') : html.index("</section>", html.index('class="cover"'))]
    for text in (
        "江西省赣州市南康区",
        "南康家具产业园",
        "规上",
        "专精特新",
        "示例数字化服务商",
        "现场评估",
        "评估人在企业现场核实",
    ):
        assert text in cover, text
    assert "本报告为企业自评估结果" not in cover


def test_a_self_assessment_says_so_and_asks_for_an_on_site_check(tmp_path):
    """The bundled examples are on-site visits; the same answers without ``mode`` are the owner's own."""
    data = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
    data["enterprise"].pop("mode", None)
    p = tmp_path / "self.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    html = build_html(pipeline.evaluate_file(p))
    cover = html[html.index('class="cover"') : html.index("</section>", html.index('class="cover"'))]
    assert "<th>评估方式</th><td>企业自评</td>" in cover and "本报告为企业自评估结果" in cover
    assert "<h3>本次为企业自评</h3>" in html and "建议请数字专员或服务商现场核实" in html


@pytest.mark.parametrize("name", ["furniture", "paper", "personal-care", "home-appliance"])
def test_the_roadmap_says_where_it_ends_and_how_many_stages_it_has(name):
    """ "全部完成后预计可达到 L6" only when the last stage's re-score moves the level; a firm that stays says so; the
    stages named are the ones that hold measures (the roadmap used to say 分三个阶段 with one filled)."""
    from maturity import pipeline
    from maturity.report.context import plan_lead, zh

    ev = pipeline.evaluate_file(data_dir("examples") / f"{name}-example.yaml")
    plan = ev.plan
    lead = plan_lead(plan)
    staged = [h for h in plan.horizons if h.items]
    end = staged[-1].projected_level
    now = ev.assessment.level
    if end.rank > now.rank:
        assert f"全部完成后预计可达到{end.label}{end.name}" in lead and "仍为" not in lead
    else:
        assert f"全部完成后预计仍为{now.label}{now.name}" in lead and "可达到" not in lead
    assert all(zh(h.name) in lead for h in staged)
    assert ("个阶段实施" in lead) == (len(staged) > 1)
    assert "按您所选的问题" in lead  # every example names its pains (PR-01)


def test_the_roadmap_says_how_the_owners_problems_and_budget_were_used(example_evaluation_html):
    """The owner sees his own problems, in his order, and his budget where the roadmap begins (it was only in the
    consultant's appendix)."""
    html, ev = example_evaluation_html
    roadmap = html[html.index('id="roadmap"') : html.index("</section>", html.index('id="roadmap"'))]
    flat = re.sub(r"\s+", "", roadmap)
    assert "怎样使用了您的选择" in flat
    positions = [flat.index(re.sub(r"\s+", "", p)) for p in ev.plan.pains]
    assert positions == sorted(positions), "the problems in the owner's order"
    assert f"{ev.plan.budget:g}万元" in flat


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_done_and_lacking_are_split_at_the_middle_of_the_scale(example):
    """ "已经做到的" holds what is at least the middle option (in most questions: managed in a system), best first;
    "还欠缺的" what is below it, most points to gain first — a firm's working ERP is not listed as a weakness."""
    from maturity.report.context import STRONG, build_context

    ctx = build_context(pipeline.evaluate_file(example))
    assert ctx.scenarios
    for s in ctx.scenarios:
        assert all(q.score_value >= STRONG and q.status == "answered" for q in s.strengths), s.dim.name
        assert all(q.score_value < STRONG for q in s.weaknesses), s.dim.name
        assert [q.score_value for q in s.strengths] == sorted(
            (q.score_value for q in s.strengths), reverse=True
        )
        assert [q.gap for q in s.weaknesses] == sorted((q.gap for q in s.weaknesses), reverse=True)
        assert {q.id for q in s.strengths} | {q.id for q in s.weaknesses} == {
            q.id
            for q in s.questions
            if q.score_value is not None and (q.status == "answered" or q.score_value < STRONG)
        }


def test_left_out_solutions_are_a_short_ranked_list_with_the_budget_they_missed():
    """The paper mill's plan leaves some 27 solutions over budget: the owner reads the first few in priority order
    with their costs, how many there are in all, and his budget and what the plan already spends of it."""
    from maturity.report.context import LEFT_OUT_SHOWN, zh

    ev = pipeline.evaluate_file(data_dir("examples") / "paper-example.yaml")
    html = build_html(ev)
    section = html[html.index('id="left-out"') : html.index("</section>", html.index('id="left-out"'))]
    over = [x for x in ev.plan.left_out if x.kind == "budget"]
    assert len(over) > LEFT_OUT_SHOWN
    line = next(p for p in section.split("</p>") if "超出本次预算" in p)
    assert f"预算{ev.plan.budget:g}万元" in line and f"已安排{ev.plan.total_cost_max:g}万元" in line
    shown = [zh(x.title) for x in over[:LEFT_OUT_SHOWN]]
    assert [line.index(t) for t in shown] == sorted(line.index(t) for t in shown)
    assert zh(over[LEFT_OUT_SHOWN].title) not in line and f"等{len(over)}项" in line


def test_contradictory_answers_are_named_for_an_on_site_check(tmp_path):
    """Automatic sub-meters, yet the energy read by hand: `validate` names it at the answer's line and the
    report's 下次评估前请准备 lists it; answers that do not apply (扫码报工 in a process plant) contradict nothing."""
    from maturity import api

    data = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
    data["answers"]["GS-03"] = "yes"
    data["answers"]["GS-02"] = "1"
    p = tmp_path / "clash.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    q = api.scheme("light-industry").questionnaire
    check = next(c for c in q.checks if c.id == "meters-read-by-hand")
    issues, _ = api.validate_paths([p])
    hit = [i for i in issues if i.value == check.id]
    assert hit and hit[0].severity == "warning" and hit[0].line is not None
    ev = pipeline.evaluate_file(p)
    prepare = build_html(ev).split('id="prepare"', 1)[1]
    assert "相互矛盾的作答" in prepare and zh_text(check.message) in prepare

    process = yaml.safe_load((data_dir("examples") / "paper-example.yaml").read_text(encoding="utf-8"))
    process["answers"]["MF-08"] = "yes"  # MES in use; 扫码报工 (MF-05) is not asked of a paper mill
    process["answers"]["MF-05"] = "paper"
    p2 = tmp_path / "process.yaml"
    p2.write_text(yaml.safe_dump(process, allow_unicode=True), encoding="utf-8")
    ev2 = pipeline.evaluate_file(p2)
    assert "mes-paper-tickets" not in {
        c.id for c in ev2.scheme.contradictions(ev2.scheme.state_of(ev2.assessment))
    }


def zh_text(text: str) -> str:
    from maturity.report.context import zh

    return zh(text)


@pytest.mark.parametrize("name", ["paper", "furniture"])
def test_a_borderline_national_estimate_after_a_stage_says_so(name):
    """The roadmap's stage tag carries 临界 exactly when the projected national grade is borderline (plan JSON
    ``projected_grade.borderline``): a paper mill at 二级 by a hair is told it may not hold on an on-site rating."""
    from maturity.report.context import build_context

    ev = pipeline.evaluate_file(data_dir("examples") / f"{name}-example.yaml")
    ctx = build_context(ev)
    staged = [h for h in ev.plan.horizons if h.items]
    for hp, hv in zip(ev.plan.horizons, ctx.plan.horizons, strict=True):
        assert ("临界" in hv.target_level) == hp.projected_grade.borderline, hv.target_level
    if name == "paper":
        assert any(h.projected_grade.borderline for h in staged)
