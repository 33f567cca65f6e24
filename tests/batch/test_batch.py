"""Batch: template -> filled sheet -> scored summary, row-level errors, encodings, safety, resume."""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from maturity import api
from maturity.batch import sheet
from maturity.batch.cohort import MIN_GROUP, Cohort
from maturity.batch.export import MAX_STEM_BYTES, Namer, safe_stem
from maturity.batch.reader import detect_encoding, read_rows, split_choices
from maturity.batch.runner import LEDGER_DIR, run_batch

sys.path.insert(0, str(Path(__file__).parent))
from maturity.batch import synthetic as synth

QID = "light-industry"


@pytest.fixture(scope="module")
def q():
    return api.scheme(QID).questionnaire


def rows_for(q, n: int, seed: int = 7) -> list[synth.SynthRow]:
    rng = random.Random(seed)
    return [synth.make_row(q, rng, i) for i in range(n)]


def summary_rows(outdir: Path, sheet_name: str = "汇总") -> list[dict]:
    wb = load_workbook(outdir / "summary.xlsx", read_only=True)
    rows = list(wb[sheet_name].iter_rows(values_only=True))
    wb.close()
    head = rows[0]
    return [dict(zip(head, r, strict=False)) for r in rows[1:]]


def check_no_answer_lost(q, rows: list[synth.SynthRow], outdir: Path) -> None:
    """Every answer of every row is in that enterprise's answers file, and scored as given."""
    got = {r["企业名称"]: r for r in summary_rows(outdir)}
    assert len(got) == len(rows)
    for row in rows:
        rec = got[row.name]
        data = yaml.safe_load((outdir / rec["答卷文件"]).read_text(encoding="utf-8"))
        assert data["enterprise"]["sub_sector"] == row.sub_sector
        answers = data["answers"]
        assert set(answers) == set(row.expected), row.name
        for qid, want in row.expected.items():
            have = answers[qid]
            if isinstance(want, tuple):
                assert have == {"na": True, "justification": want[1]}, (row.name, qid)
            elif isinstance(want, float):
                assert float(have) == pytest.approx(want), (row.name, qid)
            else:
                assert have == want, (row.name, qid, have, want)
        # the summary's score is the engine's score of the written answers file
        a = api.assess_file(outdir / rec["答卷文件"])
        assert rec["综合得分"] == a.score and rec["等级"] == a.level.label
        by_id = {x.id: x for x in a.questions}
        for qid, want in row.expected.items():
            if by_id[qid].status == "answered" and not isinstance(want, tuple):
                assert (
                    by_id[qid].answer == pytest.approx(want)
                    if isinstance(want, float)
                    else by_id[qid].answer == want
                )


# ---- template ------------------------------------------------------------------------------------
def test_template_xlsx_structure(tmp_path, cli, q):
    out = tmp_path / "t.xlsx"
    res = cli("template", "--format", "xlsx", "-o", out)
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["说明", "答卷"]
    meta = {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True)}
    assert meta["questionnaire"] == q.id and meta["questionnaire_version"] == q.version
    assert wb["_meta"].sheet_state == "hidden" and wb["_meta"].protection.sheet
    ws = wb["答卷"]
    assert ws.freeze_panes == "B2"
    headers = [c.value for c in ws[1]]
    for x in q.questions:
        assert sheet.question_header(x) in headers
    # every single-choice column has a strict dropdown whose list resolves to the option labels
    dvs = ws.data_validations.dataValidation
    x = next(x for x in q.questions if x.kind == "single" and not x.allow_na)
    letter = ws.cell(row=1, column=headers.index(sheet.question_header(x)) + 1).column_letter
    dv = next(d for d in dvs if f"{letter}2:" in str(d.sqref))
    assert dv.type == "list" and dv.showErrorMessage
    if dv.formula1.startswith('"'):
        labels = dv.formula1.strip('"').split(",")
    else:
        ref = dv.formula1.split("!")[1].replace("$", "")
        labels = [c.value for row in wb["选项"][ref] for c in row]
    assert labels == [o.label for o in q.options_of(x)]
    num = next(x for x in q.questions if x.kind == "number" and not x.allow_na and x.max is not None)
    letter = ws.cell(row=1, column=headers.index(sheet.question_header(num)) + 1).column_letter
    dv = next(d for d in dvs if f"{letter}2:" in str(d.sqref))
    assert dv.type == "decimal" and float(dv.formula2) == num.max


def test_template_csv_and_overwrite(tmp_path, cli):
    out = tmp_path / "t.csv"
    assert cli("template", "--format", "csv", "-o", out).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert next(csv.reader([raw.decode("utf-8-sig").splitlines()[0]]))[0] == "企业名称"
    assert cli("template", "--format", "csv", "-o", out).exit_code == 1  # exists, no --force
    assert cli("template", "--format", "csv", "-o", out, "--force").exit_code == 0


def test_openpyxl_not_imported_at_startup():
    code = "import sys, maturity.cli; maturity.cli.app; assert 'openpyxl' not in sys.modules, 'openpyxl imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- round trips ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_round_trip_openpyxl(tmp_path, q):
    rows = rows_for(q, 40)
    filled = tmp_path / "filled.xlsx"
    synth.fill_xlsx(sheet.xlsx_template(q), rows, str(filled))
    res = run_batch(filled, tmp_path / "out", jobs=1, recommend=False)
    assert res.scored == 40 and res.rejected_rows == 0
    check_no_answer_lost(q, rows, tmp_path / "out")


# CI installs LibreOffice (.ci/run), so there a missing soffice is a failure, not a skip.
@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"), reason="LibreOffice (soffice) not installed"
)
def test_round_trip_libreoffice(tmp_path, q):
    rows = rows_for(q, 25, seed=11)
    filled = tmp_path / "filled.xlsx"
    synth.fill_xlsx(sheet.xlsx_template(q), rows, str(filled))
    # As people type in Calc: "35%" in a percent column (stored 0.35) and a formula (LibreOffice saves its result)
    x = next(x for x in q.questions if x.kind == "number" and x.unit == "%" and x.applies_to is None)
    wb = load_workbook(filled)
    ws = wb["答卷"]
    col = next(c.column for c in ws[1] if c.value == sheet.question_header(x))
    typed = [(r, row) for r, row in enumerate(rows, 2) if isinstance(row.expected.get(x.id), float)][:2]
    assert len(typed) == 2
    (r1, row1), (r2, row2) = typed
    ws.cell(row=r1, column=col, value=row1.expected[x.id] / 100).number_format = "0.0%"
    ws.cell(row=r2, column=col, value=f"={row2.expected[x.id]}+0")
    wb.save(filled)
    lo_dir = tmp_path / "lo"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(lo_dir),
            str(filled),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = lo_dir / "filled.xlsx"
    assert resaved.is_file()
    wb = load_workbook(resaved)
    assert "答卷" in wb.sheetnames and wb["_meta"].sheet_state == "hidden"
    res = run_batch(resaved, tmp_path / "out", jobs=1, recommend=False)
    assert res.scored == 25 and res.rejected_rows == 0, res.rejects
    check_no_answer_lost(q, rows, tmp_path / "out")


def test_jobs_two_same_as_one(tmp_path, q):
    rows = rows_for(q, 30, seed=3)
    data = synth.write_csv(q, rows)
    (tmp_path / "in.csv").write_bytes(data)
    run_batch(tmp_path / "in.csv", tmp_path / "a", jobs=1)
    run_batch(tmp_path / "in.csv", tmp_path / "b", jobs=2)
    a = (tmp_path / "a" / "summary.csv").read_text(encoding="utf-8-sig")
    b = (tmp_path / "b" / "summary.csv").read_text(encoding="utf-8-sig")
    assert a == b
    assert "建议1" in a.splitlines()[0]  # the catalog is bundled: top three recommendations


# ---- errors isolated -----------------------------------------------------------------------------
def test_ten_percent_bad_rows(tmp_path, q, cli):
    rows = rows_for(q, 50, seed=5)
    cols = {(c.kind, c.key): c.header for c in sheet.template_columns(q)}
    single = next(
        x
        for x in q.questions
        if x.kind == "single" and x.applies_to is None and x.show_if is None and x.required
    )
    number = next(
        x
        for x in q.questions
        if x.kind == "number" and x.max is not None and x.applies_to is None and x.show_if is None
    )
    bad = {
        3: ("unknown option", single, "不存在的选项"),
        11: ("out of range", number, number.max + 50),
        19: ("missing required", single, None),
        27: ("wrong version", None, "0.9.0"),
        41: ("unknown sub-sector", None, "航天"),
    }
    for i, (kind, x, value) in bad.items():
        if kind == "wrong version":
            rows[i].cells["问卷版本"] = value
        elif kind == "unknown sub-sector":
            rows[i].cells["子行业"] = value
        else:
            rows[i].cells[cols[("question", x.id)]] = value
    filled = tmp_path / "filled.xlsx"
    synth.fill_xlsx(sheet.xlsx_template(q), rows, str(filled))
    res = cli("batch", filled, "-o", tmp_path / "out", "--jobs", "1", "--no-recommend")
    assert res.exit_code == 4, res.output
    done = {r["企业名称"] for r in summary_rows(tmp_path / "out")}
    assert done == {r.name for i, r in enumerate(rows) if i not in bad}
    rejected = summary_rows(tmp_path / "out", "未通过")
    by_row = {}
    for r in rejected:
        by_row.setdefault(r["行号"], []).append(r)
    assert set(by_row) == {i + 2 for i in bad}  # sheet row = index + 2 (header is row 1)
    reasons = {i: " ".join(r["原因"] for r in by_row[i + 2]) for i in bad}
    assert "不是本题的选项" in reasons[3]
    assert "应不大于" in reasons[11]
    assert f"必答题 {single.id} 未作答" in reasons[19]
    assert "0.9.0" in reasons[27]
    assert "未知子行业" in reasons[41]
    letters = {r["列"] for r in by_row[3 + 2]}
    header_cells = {r["表头"] for r in by_row[3 + 2]}
    assert cols[("question", single.id)] in header_cells and all(letters)


def test_unreadable_file_is_one_clear_error(tmp_path, cli):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"this is not a zip file at all")
    res = cli("batch", bad, "-o", tmp_path / "out")
    assert res.exit_code == 1
    assert "无法作为 xlsx 打开" in res.output


def test_folder_with_one_unreadable_file(tmp_path, q):
    folder = tmp_path / "in"
    folder.mkdir()
    rows = rows_for(q, 6, seed=2)
    (folder / "a.csv").write_bytes(synth.write_csv(q, rows))
    (folder / "b.xlsx").write_bytes(b"garbage")
    shutil.copy(
        api.example_path()
        if hasattr(api, "example_path")
        else Path(__file__).parents[2] / "examples" / "furniture-example.yaml",
        folder / "c.yaml",
    )
    res = run_batch(folder, tmp_path / "out", jobs=1, recommend=False)
    assert res.scored == 7 and res.unreadable_files == 1 and res.failed


@pytest.fixture(params=["stream", "openpyxl"])
def xlsx_reading(request, monkeypatch):
    """Read sheets through the XML row stream, or through openpyxl's cells (the fallback for other openpyxl versions)."""
    if request.param == "openpyxl":
        from maturity.batch import xlsx_rows

        monkeypatch.setattr(xlsx_rows, "source_of", lambda wb, ws: None)
    return request.param


def test_merged_cells_and_formulas(tmp_path, q, xlsx_reading):
    rows = rows_for(q, 4, seed=9)
    filled = tmp_path / "filled.xlsx"
    synth.fill_xlsx(sheet.xlsx_template(q), rows, str(filled))
    wb = load_workbook(filled)
    ws = wb["答卷"]
    ws.merge_cells("E2:E3")  # 所在地区 merged over rows 2-3
    ws["F5"] = "=A1"  # a formula nobody calculated: no cached value
    wb.save(filled)
    results = list(read_rows(filled, q))
    by_row = {raw.row: parsed for raw, parsed in results}
    for r in (2, 3):
        assert isinstance(by_row[r], list) and any("合并单元格 E2:E3" in e.reason for e in by_row[r])
    assert isinstance(by_row[5], list) and any("公式" in e.reason and e.column == "F" for e in by_row[5])
    assert not isinstance(by_row[4], list)


def test_merged_cells_and_blank_rows(tmp_path, q, xlsx_reading):
    """Blank rows are skipped without shifting row numbers; merged cells are flagged on every row they cover."""
    rows = rows_for(q, 4, seed=10)
    filled = tmp_path / "filled.xlsx"
    synth.fill_xlsx(sheet.xlsx_template(q), rows, str(filled))
    wb = load_workbook(filled)
    ws = wb["答卷"]
    ws.insert_rows(4)  # a blank row between enterprises
    ws.merge_cells("E2:E3")
    wb.save(filled)
    by_row = {raw.row: parsed for raw, parsed in read_rows(filled, q)}
    assert sorted(by_row) == [2, 3, 5, 6]
    for r in (2, 3):
        assert any("合并单元格 E2:E3" in e.reason for e in by_row[r])
    assert not isinstance(by_row[5], list) and not isinstance(by_row[6], list)


@pytest.mark.slow
def test_percent_formatted_cell(tmp_path, q, xlsx_reading):
    rows = rows_for(q, 1, seed=4)
    x = next(x for x in q.questions if x.kind == "number" and x.unit == "%" and x.applies_to is None)
    header = sheet.question_header(x)
    rows[0].cells[header] = 0.35
    filled = tmp_path / "filled.xlsx"
    synth.fill_xlsx(sheet.xlsx_template(q), rows, str(filled))
    wb = load_workbook(filled)
    ws = wb["答卷"]
    col = next(c.column for c in ws[1] if c.value == header)
    ws.cell(row=2, column=col).number_format = "0%"  # typed as 35% in Excel
    wb.save(filled)
    [(_raw, parsed)] = list(read_rows(filled, q))
    assert parsed.answers[x.id].value == pytest.approx(35.0)


# ---- encodings -----------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings(tmp_path, q, encoding):
    rows = rows_for(q, 8, seed=13)
    path = tmp_path / "in.csv"
    path.write_bytes(synth.write_csv(q, rows, encoding))
    assert detect_encoding(path) == ("gb18030" if encoding == "gb18030" else "utf-8-sig")
    res = run_batch(path, tmp_path / "out", jobs=1, recommend=False)
    assert res.scored == 8
    check_no_answer_lost(q, rows, tmp_path / "out")


def test_excel_unicode_text_utf16_tab_separated(tmp_path, q):
    """Excel/WPS "Unicode 文本" export: UTF-16 with a BOM, tab-separated."""
    rows = rows_for(q, 6, seed=17)
    text = synth.write_csv(q, rows, "utf-8").decode("utf-8")
    path = tmp_path / "unicode.txt.csv"
    import csv as _csv
    import io

    table = list(_csv.reader(io.StringIO(text)))
    out = io.StringIO()
    _csv.writer(out, delimiter="\t").writerows(table)
    path.write_bytes(out.getvalue().encode("utf-16"))
    assert detect_encoding(path) == "utf-16"
    res = run_batch(path, tmp_path / "out", jobs=1, recommend=False)
    assert res.scored == 6
    check_no_answer_lost(q, rows, tmp_path / "out")


def test_gb18030_is_not_mistaken_for_utf8(tmp_path):
    # these GB18030 bytes are not valid UTF-8; a lenient decoder would silently produce mojibake
    path = tmp_path / "x.csv"
    path.write_bytes("企业名称,子行业\n赣州某家具有限公司,家具\n".encode("gb18030"))
    assert detect_encoding(path) == "gb18030"
    path.write_bytes(b"\xfe\xff\x00garbage\x81")
    from maturity.errors import InputError

    with pytest.raises(InputError):
        detect_encoding(path)


# ---- spreadsheet safety --------------------------------------------------------------------------
def test_formula_injection_neutralised(tmp_path, q):
    rows = rows_for(q, 4, seed=21)
    evil = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]
    for row, name in zip(rows, evil, strict=True):
        row.cells["企业名称"] = name
        row.cells["所在地区"] = "\t=1+1"
        row.name = name
    path = tmp_path / "in.csv"
    path.write_bytes(synth.write_csv(q, rows))
    run_batch(path, tmp_path / "out", jobs=1, recommend=False)
    wb = load_workbook(tmp_path / "out" / "summary.xlsx")
    ws = wb["汇总"]
    names = [ws.cell(row=r, column=2).value for r in range(2, 6)]
    assert names == ["'" + n for n in evil]
    assert all(ws.cell(row=r, column=2).data_type == "s" for r in range(2, 6))
    with open(tmp_path / "out" / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        head, *body = list(csv.reader(fh))
    assert [r[1] for r in body] == ["'" + n for n in evil]
    region = head.index("所在地区")
    assert all(r[region] == "'=1+1" for r in body)  # tab trimmed on input, formula neutralised on output
    # the answers files keep the real names (YAML is data, not a spreadsheet)
    files = sorted((tmp_path / "out" / "answers").glob("*.yaml"))
    assert {yaml.safe_load(f.read_text(encoding="utf-8"))["enterprise"]["name"] for f in files} == set(evil)
    # every text cell in every sheet of the summary is safe
    for w in wb.worksheets:
        for row in w.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r")), (w.title, v)


# ---- file names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..\\..\\windows\\system32",
        'a/b\\c:d*e?f"g<h>i|j',
        ".hidden",
        "  .. ",
        "/abs/path",
        "C:\\temp\\x",
    ],
)
def test_safe_stem_no_traversal(name):
    stem = safe_stem(name)
    assert stem and "/" not in stem and "\\" not in stem and ":" not in stem
    assert not stem.startswith(".") and ".." not in stem and stem == stem.strip()


@pytest.mark.parametrize(
    "name", ["CON", "con", "Prn", "AUX", "NUL", "COM1", "com9", "LPT1", "lpt9", "CON.txt", "nul.tar.gz"]
)
def test_safe_stem_reserved_windows_names(name):
    stem = safe_stem(name)
    assert stem.split(".")[0].upper() not in {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{i}" for i in range(1, 10)),
        *(f"LPT{i}" for i in range(1, 10)),
    }


def test_safe_stem_long_and_emoji():
    long = "赣州" * 300
    stem = safe_stem(long)
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES and stem.startswith("赣州")
    emoji = safe_stem("😀🚀家具有限公司🎉")
    assert emoji == "家具有限公司" and all(ord(c) < 0x10000 for c in emoji)
    assert safe_stem("😀🚀") == "企业"
    assert safe_stem("") == "企业"


def test_namer_disambiguates_case_insensitively(tmp_path):
    n = Namer()
    names = [n.assign(x) for x in ["甲公司", "甲公司", "ABC", "abc", "甲公司", "赣" * 200, "赣" * 200]]
    assert names[:5] == ["甲公司", "甲公司-2", "ABC", "abc-2", "甲公司-3"]
    assert names[5] != names[6] and all(len(s.encode()) <= MAX_STEM_BYTES for s in names)
    for s in names:  # all writable as distinct files
        (tmp_path / f"{s}.yaml").write_text("x", encoding="utf-8")
    assert len(list(tmp_path.iterdir())) == len(names)


def test_duplicate_enterprises_get_distinct_files(tmp_path, q):
    rows = rows_for(q, 3, seed=8)
    for r in rows:
        r.cells["企业名称"] = "CON"
    path = tmp_path / "in.csv"
    path.write_bytes(synth.write_csv(q, rows))
    run_batch(path, tmp_path / "out", jobs=1, recommend=False)
    files = sorted(p.name for p in (tmp_path / "out" / "answers").iterdir())
    assert files == ["_CON-2.yaml", "_CON-3.yaml", "_CON.yaml"]


# ---- resume --------------------------------------------------------------------------------------
def test_resume_skips_done(tmp_path, q, cli):
    rows = rows_for(q, 20, seed=17)
    path = tmp_path / "in.csv"
    path.write_bytes(synth.write_csv(q, rows[:12]))
    out = tmp_path / "out"
    first = run_batch(path, out, jobs=1, recommend=False)
    assert first.scored == 12
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "answers").iterdir()}
    # same output again without --resume/--force: refused
    res = cli("batch", path, "-o", out)
    assert res.exit_code == 1 and "--resume" in res.output
    path.write_bytes(synth.write_csv(q, rows))  # 8 more enterprises appended
    second = run_batch(path, out, jobs=1, resume=True, recommend=False)
    assert (second.resumed, second.scored) == (12, 8)
    for p in (out / "answers").iterdir():
        if p.name in stamps:
            assert p.stat().st_mtime_ns == stamps[p.name]  # not rewritten
    check_no_answer_lost(q, rows, out)
    # an edited row is re-scored, and the stale result is dropped
    rows[0].cells["所在地区"] = "湖南省长沙市"
    path.write_bytes(synth.write_csv(q, rows))
    third = run_batch(path, out, jobs=1, resume=True, recommend=False)
    assert (third.resumed, third.scored) == (19, 1)
    got = summary_rows(out)
    assert len(got) == 20 and got[0]["所在地区"] == "湖南省长沙市"
    assert len(list((out / "answers").iterdir())) == 20
    assert (out / LEDGER_DIR / "ledger.jsonl").read_text(encoding="utf-8").count("\n") == 20


# ---- cohort --------------------------------------------------------------------------------------
def test_cohort_small_groups_not_reported():
    c = Cohort([("L1", "a"), ("L2", "b")], [("d", "维度")], {"big": "大组", "small": "小组"})
    for s in (10, 20, 30, 40, 50):
        c.add("big", "L1", s, {"d": s})
    for s in range(MIN_GROUP - 1):
        c.add("small", "L2", 60 + s, {"d": None})
    c.finalise()
    assert c.sub_sector_percentile("big", 30) == 50.0  # 2 below + half of 1 tie, of 5
    assert c.sub_sector_percentile("small", 60) is None
    assert c.percentile(10) == pytest.approx(100 * 0.5 / 9, abs=0.1)
    assert [g.id for g in c.reportable_groups()] == ["*", "big"]
    assert [g.id for g in c.hidden_groups()] == ["small"]
    ctx = c.peer_context("small", 60, {"d": None})
    assert ctx["sub_sector_reported"] is False and ctx["group_n"] == 9


def test_split_choices_keeps_labels_with_separators():
    from maturity.models.questionnaire import Option

    opts = [
        Option(value="a", label="已建设覆盖全厂的应用网络，实现设备、人员与信息系统互联", score=50),
        Option(value="b", label="5G", score=50),
    ]
    text = "已建设覆盖全厂的应用网络，实现设备、人员与信息系统互联、5G"
    assert split_choices(text, opts) == [opts[0].label, "5G"]
    assert split_choices("b, a", opts) == ["b", "a"]


def test_answers_yaml_round_trips_through_safe_load(q):
    from maturity.batch.export import answers_to_data, answers_yaml
    from maturity.models.answers import Answer, AnswersFile, Enterprise

    af = AnswersFile(
        questionnaire=q.id,
        questionnaire_version=q.version,
        enterprise=Enterprise(name='引号"与\\反斜杠: #注释 yes', sub_sector="furniture", region="on"),
        answers={
            "RD-01": Answer(value="4"),
            "X-1": Answer(value=["a", "yes"]),
            "X-2": Answer(value=35.5),
            "X-3": Answer(na=True, justification="无：外协\n第二行"),
        },
    )
    loaded = yaml.safe_load(answers_yaml(af, "# 头注释\n"))
    assert loaded == answers_to_data(af)
    assert AnswersFile.model_validate(loaded) == af


def test_row_estimate_uses_the_dimension_record_or_gives_up(tmp_path):
    """The progress bar's total comes from the sheet's <dimension> record, never from a full scan."""
    from openpyxl import Workbook

    from maturity.batch.reader import xlsx_declared_rows

    wb = Workbook()
    for i in range(7):
        wb.active.append(["企业", i])
    wb.save(tmp_path / "normal.xlsx")
    assert xlsx_declared_rows(tmp_path / "normal.xlsx") == 6
    stream = Workbook(write_only=True)  # write-only sheets carry no <dimension>
    ws = stream.create_sheet("答卷")
    for i in range(7):
        ws.append(["企业", i])
    stream.save(tmp_path / "stream.xlsx")
    assert xlsx_declared_rows(tmp_path / "stream.xlsx") is None
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    assert xlsx_declared_rows(tmp_path / "bad.xlsx") is None


# ---- reports ---------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_pdf_reports_with_peer_comparison(tmp_path, q, jobs, monkeypatch):
    from maturity.batch.executors import LocalPool

    n = jobs + 1  # more reports than workers, one report per task: the reports come back from several tasks
    monkeypatch.setattr(LocalPool, "pdf_chunk", 1)
    rows = rows_for(q, n, seed=21)
    path = tmp_path / "in.csv"
    path.write_bytes(synth.write_csv(q, rows))
    res = run_batch(path, tmp_path / "out", jobs=jobs, recommend=False, pdf=True)
    assert (res.scored, res.pdfs, res.pdf_failed) == (n, n, 0) and not res.failed
    got = summary_rows(tmp_path / "out")
    assert [r["企业名称"] for r in got] == [r.name for r in rows]  # input order
    for r in got:
        pdf = tmp_path / "out" / r["PDF 报告"]
        assert pdf.suffix == ".pdf" and Path(r["答卷文件"]).stem == pdf.stem
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "同行对比" in text and r["企业名称"] in text


@pytest.mark.slow
def test_a_failed_report_is_listed_and_the_rest_kept(tmp_path, q, monkeypatch):
    from maturity.batch import runner

    rows = rows_for(q, 3, seed=22)  # the failing report between two that are kept
    path = tmp_path / "in.csv"
    path.write_bytes(synth.write_csv(q, rows))
    real = runner._pdf_work

    victim = rows[1].name.split("（")[
        0
    ]  # "测试企业00001": its sub-sector name may be made safe in the file name

    def flaky(items, appendix=False):
        out = real([it for it in items if victim not in it[1]])
        bad = [(it[1], "模拟的渲染失败") for it in items if victim in it[1]]
        return [next((o for o in out if o[0] == it[1]), None) or bad[0] for it in items]

    monkeypatch.setattr(runner, "_pdf_work", flaky)
    res = run_batch(path, tmp_path / "out", jobs=1, recommend=False, pdf=True)
    assert (res.scored, res.pdfs, res.pdf_failed) == (3, 2, 1) and res.failed
    got = {r["企业名称"]: r for r in summary_rows(tmp_path / "out")}
    assert got[rows[1].name]["PDF 报告"] is None and all(
        got[r.name]["PDF 报告"] for r in rows if r is not rows[1]
    )
    rejected = summary_rows(tmp_path / "out", "未通过")
    assert [r["企业名称"] for r in rejected] == [rows[1].name] and "模拟的渲染失败" in rejected[0]["原因"]


def test_a_ledger_line_cut_by_an_interruption_is_dropped(tmp_path, q):
    """The unfinished last line of a killed run never swallows the next run's first line."""
    rows = rows_for(q, 6, seed=23)
    path = tmp_path / "in.csv"
    path.write_bytes(synth.write_csv(q, rows[:3]))
    out = tmp_path / "out"
    run_batch(path, out, jobs=1, recommend=False)
    ledger = out / LEDGER_DIR / "ledger.jsonl"
    with open(ledger, "ab") as fh:
        fh.write(b'{"key": "cut-sho')  # as kill -9 leaves it
    path.write_bytes(synth.write_csv(q, rows))
    res = run_batch(path, out, jobs=1, recommend=False, resume=True)
    assert (res.resumed, res.scored) == (3, 3)
    lines = ledger.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and all(json.loads(line)["record"]["name"] for line in lines)
    check_no_answer_lost(q, rows, out)


def test_every_problem_of_a_row_at_once_and_option_texts_suggested(tmp_path, q, cli):
    """Issue 19 item 5: four mistakes in one row are listed together, the credit code included, and a wrong
    option is answered with the option texts the template's dropdown offers, not internal codes."""
    rows = rows_for(q, 3, seed=11)
    cols = {(c.kind, c.key): c.header for c in sheet.template_columns(q)}
    plain = [x for x in q.questions if x.applies_to is None and x.show_if is None and x.required and x.scored]
    single = next(x for x in plain if x.kind == "single")
    number = next(x for x in plain if x.kind == "number" and x.max is not None)
    missing = next(x for x in plain if x.id not in (single.id, number.id) and x.kind == "single")
    credit_header = next(c.header for c in sheet.template_columns(q) if c.key == "credit_code")
    row = rows[1]
    label = q.options_of(single)[1].label
    row.cells[cols[("question", single.id)]] = label[:-2] + "某某"  # a near miss of a real option
    row.cells[cols[("question", number.id)]] = number.max + 50
    row.cells[cols[("question", missing.id)]] = None
    row.cells[credit_header] = "91350100M000100Y4X"  # wrong check digit
    filled = tmp_path / "filled.xlsx"
    synth.fill_xlsx(sheet.xlsx_template(q), rows, str(filled))
    res = cli("batch", filled, "-o", tmp_path / "out", "--jobs", "1", "--no-recommend")
    assert res.exit_code == 4, res.output
    rejected = [r for r in summary_rows(tmp_path / "out", "未通过") if r["行号"] == 3]
    reasons = {r["表头"]: r["原因"] for r in rejected}
    assert len(rejected) == 4, reasons
    assert "校验位" in reasons[credit_header]
    assert "应不大于" in reasons[cols[("question", number.id)]]
    assert f"必答题 {missing.id} 未作答" in reasons[cols[("question", missing.id)]]
    option_reason = reasons[cols[("question", single.id)]]
    assert f"您要填的是不是“{label}”" in option_reason
    assert all(f"“{o.label}”" in option_reason for o in q.options_of(single))
    assert not any(f"{o.value}（{o.label}）" in option_reason for o in q.options_of(single))
