"""Issue 16, for programme managers: the structured profile end to end, the print-ready summary, roll-ups,
campaign progress and the cohort report."""

from __future__ import annotations

import csv
import os
import random
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from statistics import median

import pytest
import yaml
from openpyxl import load_workbook

from maturity import api
from maturity.batch import sheet
from maturity.batch.cohort import MIN_GROUP
from maturity.batch.runner import run_batch
from maturity.data.divisions import divisions
from maturity.models.answers import _CREDIT_CHARS, _CREDIT_WEIGHTS, Enterprise
from maturity.resources import example_path

sys.path.insert(0, str(Path(__file__).parent))
from maturity.batch import synthetic as synth

QID = "light-industry"
HAS_SOFFICE = shutil.which("soffice") is not None or bool(os.environ.get("CI"))

PLACES = [
    ("江西省", "九江市", "濂溪区", "360402"),
    ("江西省", "九江市", "柴桑区", "360404"),
    ("江西省", "赣州市", "南康区", "360703"),
    ("福建省", "厦门市", "思明区", "350203"),
    ("广东省", "佛山市", "顺德区", "440606"),
    ("内蒙古自治区", "呼和浩特市", "新城区", "150102"),
]
SCALES = {"above": "规上", "below": "规下"}
TIERS = {
    "none": "无",
    "innovative": "创新型中小企业",
    "specialised": "专精特新",
    "little_giant": "专精特新“小巨人”",
}
BANDS = {"300-2000": "300 万–2000 万元", "2000-10000": "2000 万–1 亿元"}


@pytest.fixture(scope="module")
def q():
    return api.scheme(QID).questionnaire


def credit_code(i: int) -> str:
    body = f"91360402MA{i:07d}"
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(body, _CREDIT_WEIGHTS, strict=True))
    return body + _CREDIT_CHARS[(31 - total % 31) % 31]


def programme_rows(q, n: int, seed: int = 5, places=PLACES) -> list[synth.SynthRow]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        r = synth.make_row(q, rng, i)
        prov, city, county, code = places[i % len(places)]
        scale, tier, band = rng.choice(list(SCALES)), rng.choice(list(TIERS)), rng.choice(list(BANDS))
        r.cells.update(
            {
                "省": prov,
                "市": city,
                "区县": county,
                "园区": f"园区{i % 3}",
                "规上/规下": SCALES[scale],
                "专精特新梯度": TIERS[tier],
                "从业人员": 20 + i,
                "营业收入区间": BANDS[band],
                "评估人": f"评估员{i % 4}",
                "评估方式": "现场评定" if i % 2 else "自评",
                "服务商": f"服务商{i % 2}",
                "评估日期": f"2025-03-{1 + i % 28:02d}",
                "统一社会信用代码": credit_code(i),
            }
        )
        r.profile = {
            "province": prov,
            "city": city,
            "county": county,
            "region_code": code,
            "park": f"园区{i % 3}",
            "scale": scale,
            "sme_tier": tier,
            "employees": 20 + i,
            "revenue_band": band,
            "assessor": f"评估员{i % 4}",
            "mode": "onsite" if i % 2 else "self",
            "service_provider": f"服务商{i % 2}",
            "assessed_on": f"2025-03-{1 + i % 28:02d}",
        }
        rows.append(r)
    return rows


def summary_rows(outdir: Path, name: str = "汇总") -> list[dict]:
    wb = load_workbook(outdir / "summary.xlsx", read_only=True)
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


# ---- the division list ------------------------------------------------------------------------
def test_division_list_is_national_to_county_level():
    d = divisions()
    levels = Counter(x.level for x in d.by_code.values())
    assert levels["province"] == 34 and levels["city"] == 333  # 民政部: 34 provincial, 333 prefecture-level
    assert 2800 <= levels["county"] <= 2900
    for code, x in d.by_code.items():
        assert re.fullmatch(r"\d{6}", code) and x.name
        parent = d.parent_code(code)
        assert parent is None or parent in d.by_code, code
    assert d.resolve("江西", "赣州", "南康").code == "360703"
    assert d.resolve("江西省", "九江市", "濂溪区").full_name == "江西省九江市濂溪区"
    assert d.resolve("福建省", "厦门市", "思明区").code == "350203"
    assert d.resolve("内蒙古", "呼和浩特", "新城区").code == "150102"
    assert d.resolve("北京市", "", "东城区").code == "110101"
    assert d.resolve("湖北省", "", "仙桃市").code == "429004"  # 省直辖县级
    with pytest.raises(ValueError, match="没有区县“思明区”"):
        d.resolve("江西省", "赣州市", "思明区")


def test_a_free_text_region_is_read_only_when_written_in_full():
    d = divisions()
    for text, code in (
        ("江西省赣州市南康区", "360703"),
        ("江西省赣州市南康区龙岭镇家具产业园 8 号", "360703"),
        (" 广东省 佛山市 顺德区", "440606"),
        ("福建省三明市", "350400"),  # as deep as it is written
        ("北京市东城区", "110101"),
        ("湖北省仙桃市", "429004"),  # 省直辖县级
    ):
        assert d.place_in_text(text).code == code, text
    for text in ("赣州市南康区", "江西赣州南康", "南康", "", "火星省"):
        assert d.place_in_text(text) is None, text


def test_a_campaign_counts_a_firm_under_the_district_its_region_names(tmp_path):
    """Firms that gave only the free-text region the interview asks for ("江西省赣州市南康区") are counted under
    that 区县, not under 未填区县; fields filled in are used as they are; a region not written out is left alone."""
    from maturity.batch.grading import place_of

    folder = tmp_path / "in"
    folder.mkdir()
    base = yaml.safe_load(example_path().read_text(encoding="utf-8"))
    for i, (region, extra) in enumerate(
        (
            ("江西省赣州市南康区龙岭镇", {}),
            ("南康家具城", {}),
            ("江西省赣州市南康区", {"province": "江西", "city": "九江", "county": "濂溪区"}),
        )
    ):
        doc = dict(base, enterprise=dict(base["enterprise"], name=f"企业{i}", region=region, **extra))
        (folder / f"{i}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    run_batch(folder, tmp_path / "out", jobs=1, recommend=False)
    got = {r["企业名称"]: r for r in summary_rows(tmp_path / "out")}
    assert (got["企业0"]["所在区县"], got["企业0"]["行政区划代码"]) == ("江西省赣州市南康区", "360703")
    assert not got["企业1"]["所在区县"] and not got["企业1"]["行政区划代码"]
    assert got["企业2"]["所在区县"] == "江西省九江市濂溪区"
    assert place_of(Enterprise(name="甲", sub_sector="paper", region="北京市东城区")) == (
        "北京市",
        "",
        "东城区",
        "110101",
    )


def test_enterprise_profile_checked_and_completed():
    e = Enterprise(name="甲", sub_sector="paper", province="江西", city="九江", county="濂溪区")
    assert (e.province, e.city, e.county, e.region_code, e.region) == (
        "江西省",
        "九江市",
        "濂溪区",
        "360402",
        "江西省九江市濂溪区",
    )
    assert Enterprise(name="甲", sub_sector="paper", region_code="350203").county == "思明区"
    for bad, why in (
        (dict(region_code="123456"), "不在内置行政区划表"),
        (dict(province="火星"), "未知省份"),
        (dict(region_code="360703", county="思明区", province="福建"), "不一致"),
    ):
        with pytest.raises(ValueError, match=why):
            Enterprise(name="甲", sub_sector="paper", **bad)
    for example in ("examples/furniture-example.yaml", "examples/paper-example.yaml"):  # old files still load
        ent = api.load_answers(example).answers.enterprise
        assert ent.region_code is None and ent.scale is None and ent.assessed_on is None


# ---- the profile end to end ------------------------------------------------------------------
def check_profile_survives(rows: list[synth.SynthRow], outdir: Path) -> None:
    got = {r["企业名称"]: r for r in summary_rows(outdir)}
    assert len(got) == len(rows)
    with open(outdir / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        csv_rows = {r["企业名称"]: r for r in csv.DictReader(fh)}
    for row in rows:
        p = row.profile
        s = got[row.name]
        assert (s["省"], s["市"], s["区县"], s["行政区划代码"]) == (
            p["province"],
            p["city"],
            p["county"],
            p["region_code"],
        )
        assert s["所在区县"] == p["province"] + p["city"] + p["county"]
        assert (s["园区"], s["规上/规下"], s["专精特新梯度"], s["从业人员"], s["营业收入区间"]) == (
            p["park"],
            SCALES[p["scale"]],
            TIERS[p["sme_tier"]],
            p["employees"],
            BANDS[p["revenue_band"]],
        )
        assert (s["评估人"], s["评估方式"], s["服务商"], s["评估日期"]) == (
            p["assessor"],
            "现场评定" if p["mode"] == "onsite" else "自评",
            p["service_provider"],
            p["assessed_on"],
        )
        assert csv_rows[row.name]["行政区划代码"] == p["region_code"]
        assert csv_rows[row.name]["评估日期"] == p["assessed_on"]
        data = yaml.safe_load((outdir / s["答卷文件"]).read_text(encoding="utf-8"))
        ent = data["enterprise"]
        for k, v in p.items():
            assert ent[k] == v, (row.name, k)
        loaded = api.load_answers(
            outdir / s["答卷文件"]
        ).answers.enterprise  # and the answers file loads back
        assert loaded.region_code == p["region_code"] and loaded.assessed_on == date.fromisoformat(
            p["assessed_on"]
        )
        assert (
            loaded.mode == p["mode"]
            and loaded.sme_tier == p["sme_tier"]
            and loaded.employees == p["employees"]
        )


@pytest.mark.slow
def test_profile_survives_template_fill_batch_summary_answers(tmp_path, q):
    template = sheet.xlsx_template(q)
    wb = load_workbook(__import__("io").BytesIO(template))
    head = [c.value for c in wb["答卷"][1]]
    for h in (
        "省",
        "市",
        "区县",
        "行政区划代码",
        "园区",
        "规上/规下",
        "专精特新梯度",
        "从业人员",
        "营业收入区间",
        "评估方式",
        "服务商",
        "评估日期",
    ):
        assert h in head
    assert any("规上,规下" in str(dv.formula1) for dv in wb["答卷"].data_validations.dataValidation)
    rows = programme_rows(q, 12)
    synth.fill_xlsx(template, rows, str(tmp_path / "in.xlsx"))
    res = run_batch(tmp_path / "in.xlsx", tmp_path / "out", jobs=1)
    assert res.scored == 12 and res.rejected_rows == 0, res.rejects
    check_profile_survives(rows, tmp_path / "out")
    # and a CSV of the same rows
    (tmp_path / "in.csv").write_bytes(synth.write_csv(q, rows))
    run_batch(tmp_path / "in.csv", tmp_path / "out-csv", jobs=1)
    check_profile_survives(rows, tmp_path / "out-csv")


@pytest.mark.slow
@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) not installed")
def test_profile_survives_libreoffice(tmp_path, q):
    rows = programme_rows(q, 8, seed=9)
    filled = tmp_path / "filled.xlsx"
    synth.fill_xlsx(sheet.xlsx_template(q), rows, str(filled))
    lo = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(lo),
            str(filled),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    res = run_batch(lo / "filled.xlsx", tmp_path / "out", jobs=1)
    assert res.scored == 8 and res.rejected_rows == 0, res.rejects
    check_profile_survives(rows, tmp_path / "out")


def test_profile_cell_errors_are_located(tmp_path, q):
    rows = programme_rows(q, 3)
    rows[0].cells["区县"] = "思明区"  # not in 九江市
    rows[1].cells["从业人员"] = "很多"
    rows[1].cells["评估日期"] = "下周"
    rows[2].cells["专精特新梯度"] = "隐形冠军"
    (tmp_path / "in.csv").write_bytes(synth.write_csv(q, rows))
    res = run_batch(tmp_path / "in.csv", tmp_path / "out", jobs=1, recommend=False)
    assert res.rejected_rows == 3
    errs = {r.row: [(e.header, e.reason) for e in r.errors] for r in res.rejects}
    assert any(h == "区县" and "没有区县“思明区”" in why for h, why in errs[2])
    assert {h for h, _ in errs[3]} >= {"从业人员", "评估日期"}
    assert any(h == "专精特新梯度" and "不是可选项" in why for h, why in errs[4])


# ---- the summary a manager can use ------------------------------------------------------------
def test_summary_grade_reason_costs_and_charts(tmp_path, q):
    rows = programme_rows(q, 12, seed=2)
    (tmp_path / "in.csv").write_bytes(synth.write_csv(q, rows))
    run_batch(tmp_path / "in.csv", tmp_path / "out", jobs=1)
    got = summary_rows(tmp_path / "out")
    grades = {lv.label for lv in api.scheme("miit-2024").levels}
    from maturity import pipeline

    for s in got[:4]:  # the grade in the summary is the one the report shows
        ev = pipeline.evaluate_file(tmp_path / "out" / s["答卷文件"])
        assert s["国家等级（估计）"] == ev.grade.grade.label and s["国家等级（估计）"] in grades
        assert abs(s["国家等级得分"] - ev.grade.score) < 0.1 and s["国家等级得分"] <= ev.grade.score
        assert s["等级原因"]
        if ev.assessment.band_level.id != ev.assessment.level.id:  # a gate holds it below its score band
            assert f"已达 {ev.assessment.band_level.label} 分数线" in s["等级原因"]
        assert (
            s["建议1费用与周期"].startswith("参考 ")
            and "万元" in s["建议1费用与周期"]
            and "周" in s["建议1费用与周期"]
        )
    wb = load_workbook(tmp_path / "out" / "summary.xlsx")
    ws = wb["汇总"]
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert "图表" in wb.sheetnames and "区县汇总" in wb.sheetnames and "评估人与服务商" in wb.sheetnames
    wb.close()
    import zipfile

    with zipfile.ZipFile(tmp_path / "out" / "summary.xlsx") as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2 and all(b"<c:barChart>" in z.read(n) for n in charts)


@pytest.mark.slow
@pytest.mark.skipif(
    not HAS_SOFFICE or shutil.which("pdfinfo") is None, reason="LibreOffice / poppler missing"
)
def test_printed_summary_at_most_two_pages_wide(tmp_path, q):
    rows = programme_rows(q, 20, seed=4)
    (tmp_path / "in.csv").write_bytes(synth.write_csv(q, rows))
    run_batch(tmp_path / "in.csv", tmp_path / "out", jobs=1)
    wb = load_workbook(tmp_path / "out" / "summary.xlsx")
    for name in wb.sheetnames:
        if name != "汇总":
            del wb[name]
    wb.save(tmp_path / "only.xlsx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "only.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "only.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert w > h  # landscape
    texts = [
        subprocess.run(
            ["pdftotext", "-f", str(p), "-l", str(p), "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for p in range(1, pages + 1)
    ]
    # the name columns repeat on every page across: the first firm's pages are the pages across
    across = [t for t in texts if rows[0].name[:8] in t]
    assert 1 <= len(across) <= 2, pages
    assert all("企业名称" in t for t in texts)  # header row repeated on every page
    assert pages <= 2 * 2  # 20 firms: at most two pages down


# ---- roll-ups ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_rollup_of_2000_firms_equals_an_independent_count(tmp_path, q):
    places = PLACES + [
        ("福建省", "泉州市", "晋江市", "350582"),
        ("广东省", "东莞市", "", "441900"),
        ("江西省", "南昌市", "红谷滩区", "360113"),
    ]
    rows = programme_rows(q, 2000, seed=16, places=places)
    rng = random.Random(1)
    for r in rows[::7]:  # a few tiny groups that must stay hidden
        r.cells["区县"] = "武宁县" if rng.random() < 0.5 else "修水县"
        r.profile["county"] = r.cells["区县"]
        r.cells["市"], r.cells["省"] = "九江市", "江西省"
    (tmp_path / "in.csv").write_bytes(synth.write_csv(q, rows))
    res = run_batch(tmp_path / "in.csv", tmp_path / "out", jobs=2, recommend=False)
    assert res.scored == 2000, res.rejects[:3]
    firms = summary_rows(tmp_path / "out")
    # the independent count: straight from the 汇总 rows (one per firm)
    want: dict[tuple, list[dict]] = defaultdict(list)
    for f in firms:
        want[(f["所在区县"] or "未填区县", f["子行业"], f["规上/规下"], f["专精特新梯度"])].append(f)
    levels = [lv.label for lv in api.scheme(QID).levels]
    grades = [lv.label for lv in api.scheme("miit-2024").levels]
    sheet_rows = [
        list(r)
        for r in load_workbook(tmp_path / "out" / "summary.xlsx", read_only=True)["区县汇总"].iter_rows(
            values_only=True
        )
    ]
    title = "按区县 × 细分行业 × 规上/规下 × 专精特新梯度"
    start = next(i for i, r in enumerate(sheet_rows) if r[0] == title)
    header = sheet_rows[start + 1]
    shown = {}
    for r in sheet_rows[start + 2 :]:
        if r[0] is None or str(r[0]).startswith("另有") or r[0].startswith("按"):
            break
        shown[tuple(r[:4])] = dict(zip(header, r, strict=False))
    big = {k: v for k, v in want.items() if len(v) >= MIN_GROUP}
    assert set(shown) == set(big) and big  # every group of five or more, and nothing smaller
    for key, fs in big.items():
        row = shown[key]
        assert row["企业数"] == len(fs)
        for lab in levels:
            assert row[lab] == sum(1 for f in fs if f["等级"] == lab), (key, lab)
        for lab in grades:
            assert row[lab] == sum(1 for f in fs if f["国家等级（估计）"] == lab), (key, lab)
        two = sum(1 for f in fs if grades.index(f["国家等级（估计）"]) >= 2)
        assert row["二级及以上占比（%）"] == round(100 * two / len(fs), 1)
        assert row["综合得分中位数"] == round(median(f["综合得分"] for f in fs), 1)
    hidden = [v for v in want.values() if len(v) < MIN_GROUP]
    note = next(r[0] for r in sheet_rows[start:] if r[0] and str(r[0]).startswith("另有"))
    assert note.startswith(f"另有 {len(hidden)} 个分组（共 {sum(map(len, hidden))} 家）")
    # by assessor: every assessor has 500 firms
    ar = [
        list(r)
        for r in load_workbook(tmp_path / "out" / "summary.xlsx", read_only=True)["评估人与服务商"].iter_rows(
            values_only=True
        )
    ]
    by_assessor = {r[0]: r[1] for r in ar if r[0] and str(r[0]).startswith("评估员")}
    assert by_assessor == dict(Counter(f["评估人"] for f in firms))


# ---- progress and the cohort report ----------------------------------------------------------
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler missing")
def test_progress_and_cohort_report(tmp_path, q, cli):
    rows = programme_rows(q, 30, seed=8, places=PLACES[:2])
    (tmp_path / "r1.csv").write_bytes(synth.write_csv(q, rows))
    assert run_batch(tmp_path / "r1.csv", tmp_path / "round1", jobs=1).scored == 30
    rows2 = programme_rows(q, 30, seed=9, places=PLACES[:2])  # new answers; the same credit codes
    (tmp_path / "r2.csv").write_bytes(synth.write_csv(q, rows2))
    res = run_batch(tmp_path / "r2.csv", tmp_path / "round2", jobs=1, previous=tmp_path / "round1")
    assert res.scored == 30, res.rejects[:2]
    before = {f["统一社会信用代码"]: f["等级"] for f in summary_rows(tmp_path / "round1")}
    order = [lv.label for lv in api.scheme(QID).levels]
    want = Counter()
    assert len(before) == 30
    for f in summary_rows(tmp_path / "round2"):
        a, b = order.index(before[f["统一社会信用代码"]]), order.index(f["等级"])
        way = "上升" if b > a else "下降" if b < a else "持平"
        assert f["较上轮"].startswith(way) and f"{before[f['统一社会信用代码']]}→{f['等级']}" in f["较上轮"]
        want[way] += 1
    progress = [
        list(r)
        for r in load_workbook(tmp_path / "round2" / "summary.xlsx", read_only=True)["进展"].iter_rows(
            values_only=True
        )
    ]
    total = next(r for r in progress if r[0] == "全部企业")
    assert total[1:4] == [want["上升"], want["持平"], want["下降"]]

    res = cli("cohort", tmp_path / "round2", "--previous", tmp_path / "round1", "--scope", "九江市")
    assert res.exit_code == 0, res.output
    pdf = tmp_path / "round2" / "cohort.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for words in (
        "数字化转型诊断项目概览",
        "九江市",
        "国家等级二级及以上",
        "最薄弱的环节",
        "最常见的升级建议",
        "离下一国家等级最近的企业",
        "与上一轮相比",
        "江西省九江市濂溪区",
    ):
        assert words in flat, words
    assert (
        f"{want['上升']}{want['持平']}{want['下降']}0"
        in flat.split("与上一轮相比")[1].split("全部企业")[1][:20]
    )
    again = cli("cohort", tmp_path / "round2")
    assert again.exit_code != 0 and "--force" in again.output  # never overwritten without --force
