"""The XML row stream reads every cell as openpyxl's data_only reading does (except where it must say more)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from tests.strategies import examples

from maturity.batch import xlsx_rows
from maturity.batch.xlsx_rows import BadCell

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_raw_xlsx(
    path: Path, sheet_data: str, shared: list[str], *, prefix: str = "", date1904: bool = False
) -> None:
    """A minimal workbook around hand-written <sheetData>, as other producers (Excel, WPS, Go/Java libs) write it."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    sst = "".join(f"<{p}si>{s}</{p}si>" for s in shared)
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><{p}workbook {xmlns} xmlns:r="{REL}">'
            + (f'<{p}workbookPr date1904="1"/>' if date1904 else "")
            + f'<{p}sheets><{p}sheet name="答卷" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        # cell styles: 0 general, 1 date (14), 2 percent (9), 3 time (21), 4 elapsed time (46), 5 custom "0.0%"
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="21" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="46" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        ),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><{p}sst {xmlns} count="{len(shared)}" uniqueCount="{len(shared)}">{sst}</{p}sst>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}><{p}sheetData>{sheet_data}</{p}sheetData></{p}worksheet>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)


def stream(path: Path, percent: frozenset[int] = frozenset()) -> dict[int, list]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        src = xlsx_rows.source_of(wb, ws)
        assert src is not None, "this openpyxl no longer exposes what the row stream needs"
        return dict(xlsx_rows.rows(src, percent))
    finally:
        wb.close()


def openpyxl_rows(path: Path) -> dict[int, list]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        return {i: list(r) for i, r in enumerate(ws.iter_rows(values_only=True), 1) if r}
    finally:
        wb.close()


SHARED = [
    "<t>企业名称</t>",
    '<r><rPr><b/></rPr><t>加粗</t></r><r><t xml:space="preserve"> 与常规 </t></r>',  # rich text: runs joined
    '<t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh>',  # phonetic run left out
    "<t>=SUM(A1)</t>",
    "<t/>",
]
SHEET = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
    # cells without r: positions follow on; a gap (no row 3); sparse columns
    '<row r="2"><c t="n"><v>42</v></c><c><v>3.5</v></c><c><v>1E3</v></c><c r="F2"><v>-7</v></c></row>'
    '<row r="4"><c r="A4" t="inlineStr"><is><t>内联</t></is></c>'
    '<c r="B4" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c>'
    '<c r="C4" t="str"><f>A4&amp;"x"</f><v>内联x</v></c>'
    '<c r="D4" t="b"><v>1</v></c><c r="E4" t="b"><v>0</v></c>'
    '<c r="F4" t="d"><v>2024-03-05T00:00:00</v></c></row>'
    # styled numbers: date, percent, time, elapsed, custom percent, plain with style 0
    '<row r="5"><c r="A5" s="1"><v>45000</v></c><c r="B5" s="2"><v>0.35</v></c><c r="C5" s="3"><v>0.5</v></c>'
    '<c r="D5" s="4"><v>1.25</v></c><c r="E5" s="5"><v>0.125</v></c><c r="F5" s="0"><v>7</v></c></row>'
    # a formula with a cached number, an empty string, shared formula text
    '<row r="6"><c r="A6"><f>1+1</f><v>2</v></c><c r="B6" t="s"><v>4</v></c><c r="C6" t="s"><v>3</v></c>'
    '<c r="D6" t="inlineStr"><is><t>a &lt;b&gt; &amp; "c"</t></is></c></row>'
    '<row><c r="A7"><v>8</v></c></row>'  # a row without r: the next number
)


def test_stream_matches_openpyxl_cell_by_cell(tmp_path):
    path = tmp_path / "raw.xlsx"
    write_raw_xlsx(path, SHEET, SHARED)
    ours, theirs = stream(path), openpyxl_rows(path)
    assert sorted(ours) == [1, 2, 4, 5, 6, 7] == sorted(theirs)
    for r, values in theirs.items():
        assert ours[r] == values, f"row {r}"
    # the values themselves, as a user typed them
    assert ours[1] == ["企业名称", "加粗 与常规 ", "漢字"]
    assert ours[2] == [42, 3.5, 1000.0, None, None, -7]
    assert ours[4] == ["内联", "富文本", "内联x", True, False, datetime(2024, 3, 5)]
    assert ours[5][:5] == [datetime(2023, 3, 15), 0.35, time(12, 0), timedelta(days=1, hours=6), 0.125]
    assert ours[6] == [2, "", "=SUM(A1)", 'a <b> & "c"']
    assert ours[7] == [8]


def test_stream_with_prefixed_namespace_and_1904_dates(tmp_path):
    path = tmp_path / "prefixed.xlsx"
    sheet = (
        SHEET.replace("<row", "<x:row")
        .replace("</row>", "</x:row>")
        .replace("<c ", "<x:c ")
        .replace("<c>", "<x:c>")
        .replace("</c>", "</x:c>")
        .replace("<v>", "<x:v>")
        .replace("</v>", "</x:v>")
        .replace("<is>", "<x:is>")
        .replace("</is>", "</x:is>")
        .replace("<t>", "<x:t>")
        .replace("</t>", "</x:t>")
        .replace("<r>", "<x:r>")
        .replace("</r>", "</x:r>")
        .replace("<f>", "<x:f>")
        .replace("</f>", "</x:f>")
    )
    shared = [
        s.replace("<t", "<x:t")
        .replace("</t>", "</x:t>")
        .replace("<r>", "<x:r>")
        .replace("</r>", "</x:r>")
        .replace("<rPh", "<x:rPh")
        .replace("</rPh>", "</x:rPh>")
        .replace("<rPr>", "<x:rPr>")
        .replace("</rPr>", "</x:rPr>")
        .replace("<b/>", "<x:b/>")
        for s in SHARED
    ]
    write_raw_xlsx(path, sheet, shared, prefix="x", date1904=True)
    ours, theirs = stream(path), openpyxl_rows(path)
    assert ours == theirs
    assert ours[5][0] == datetime(2027, 3, 16)  # 45000 days after 1904-01-01
    assert ours[1][1] == "加粗 与常规 "


def test_what_openpyxl_leaves_unsaid_becomes_a_bad_cell(tmp_path):
    """Error values and formulas saved without a result are not silently empty: the row reports them."""
    path = tmp_path / "bad.xlsx"
    write_raw_xlsx(
        path,
        (
            '<row r="1"><c r="A1" t="e"><v>#N/A</v></c><c r="B1"><f>A1*2</f></c><c r="C1" t="str"><v>#DIV/0!</v></c>'
            '<c r="D1" s="1"><v>99999999</v></c><c r="E1" t="s"><v>17</v></c></row>'
        ),
        ["<t>x</t>"],
    )
    [values] = stream(path).values()
    assert values[0] == BadCell("单元格为错误值 #N/A")
    assert values[1] == BadCell(xlsx_rows.NO_FORMULA_RESULT)
    assert values[2] == BadCell("单元格为错误值 #DIV/0!")
    assert "超出日期范围" in values[3].reason
    assert "共享文本" in values[4].reason


def test_percent_only_in_percent_columns(tmp_path):
    path = tmp_path / "pct.xlsx"
    write_raw_xlsx(
        path,
        '<row r="1"><c r="A1" s="2"><v>0.35</v></c><c r="B1" s="5"><v>0.125</v></c>'
        '<c r="C1" s="2"><v>0.5</v></c><c r="D1"><v>60</v></c></row>',
        [],
    )
    [values] = stream(path, frozenset({0, 1, 3})).values()
    assert values == [35.0, 12.5, 0.5, 60]


def test_comments_and_cdata(tmp_path):
    """Markup that plain sheet XML lacks (CDATA, comments) is read as any XML parser reads it."""
    path = tmp_path / "markup.xlsx"
    write_raw_xlsx(
        path,
        (
            '<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[a</row>b]]></t></is></c></row>'
            '<!-- </row> --><row r="2"><c r="A2"><v>2</v></c></row>'
        ),
        [],
    )
    assert stream(path) == {1: ["a</row>b"], 2: [2]} == openpyxl_rows(path)


def test_rows_are_found_across_read_boundaries(tmp_path):
    """Thousands of rows (several MB of XML) arrive whole and in order, with self-closing rows between."""
    body = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{"企业" * 50}{i}</t></is></c>'
        f'<c r="B{i}"><v>{i}</v></c></row>'
        + (f'<row r="{10000 + i}" ht="20" customHeight="1"/>' if i % 97 == 0 else "")
        for i in range(1, 6001)
    )
    path = tmp_path / "big.xlsx"
    write_raw_xlsx(path, body, [])
    got = stream(path)
    assert len(got) == 6000 + 6000 // 97
    assert all(got[i] == [f"{'企业' * 50}{i}", i] for i in (1, 97, 98, 2999, 6000)) and got[10097] == []


# ---- property: any values openpyxl writes are read back the same by both readers ------------------
cell_values = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 1, 1)),
)


@settings(
    max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(cell_values, min_size=1, max_size=8), min_size=1, max_size=6),
    write_only=st.booleans(),
)
def test_any_workbook_openpyxl_writes_reads_the_same(tmp_path, rows, write_only):
    path = tmp_path / "prop.xlsx"
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("答卷") if write_only else wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    ours, theirs = stream(path), openpyxl_rows(path)

    # where the stream says more: text that is exactly an error value, and text openpyxl wrote as a
    # formula (it starts with "=") without a result
    def plain(v):
        if not isinstance(v, BadCell):
            return v
        return None if v.reason == xlsx_rows.NO_FORMULA_RESULT else v.reason.removeprefix("单元格为错误值 ")

    assert {r: [plain(v) for v in vals] for r, vals in ours.items() if vals} == theirs


@pytest.mark.parametrize("damage", ["truncated", "not xml", "column beyond XFD"])
def test_damaged_sheet_is_one_clear_error(tmp_path, damage):
    from maturity.batch.reader import open_table
    from maturity.errors import InputError

    path = tmp_path / "damaged.xlsx"
    body = {
        "truncated": SHEET[: len(SHEET) // 2],
        "not xml": "<row r='1'><c><v>1</v></row>",
        "column beyond XFD": '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="ZZZZZZZZ2"><v>1</v></c></row>',
    }[damage]
    write_raw_xlsx(path, body, SHARED)
    with pytest.raises(InputError) as e:
        table = open_table(path)
        list(table.rows(type("P", (), {"percent": frozenset()})(), 0))
    assert "damaged.xlsx" in e.value.message


@pytest.mark.parametrize(
    ("cells", "formulas"),
    [
        ('<c r="A2"><f>1+1</f><v>2</v></c>', True),
        ('<c r="A2"><x:f>1+1</x:f><x:v>2</x:v></c>', True),
        ('<c r="A2"><f/></c>', True),
        ('<c r="A2" t="inlineStr"><is><t>&lt;f 与 x:f 只是文字</t></is></c>' + "<c/>" * 300_000, False),
    ],
)
def test_the_sheet_scan_finds_formulas_with_or_without_a_prefix(tmp_path, cells, formulas):
    """Formulas are found whatever the tag's prefix; text that merely mentions them is not a formula."""
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("sheet.xml", f'<worksheet><sheetData><row r="2">{cells}</row></sheetData></worksheet>')
    with zipfile.ZipFile(path) as zf:
        assert xlsx_rows.scan(zf, "sheet.xml").formulas is formulas
