"""What a batch writes: safe per-enterprise file names, answers YAML, summary.xlsx and summary.csv.

Every text cell in every sheet or CSV written here goes through :func:`maturity.batch.cells.neutralise`.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maturity.batch.cells import neutralise
from maturity.batch.cohort import MIN_GROUP, Cohort
from maturity.batch.ledger import LEDGER_DIR
from maturity.batch.records import EnterpriseRecord, RejectedRow
from maturity.models.answers import AnswersFile
from maturity.writing import remove_quietly

if TYPE_CHECKING:
    from maturity.batch.reader import ParsedRow
    from maturity.batch.rollup import Progress, Rollup

SCRATCH = "scratch"  # under LEDGER_DIR

# ---- safe file names ----------------------------------------------------------------------------
MAX_STEM_BYTES = 120  # UTF-8 bytes; leaves room for "-12345.yaml" within every filesystem's 255-byte limit
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"COM{i}" for i in "123456789¹²³"),
    *(f"LPT{i}" for i in "123456789¹²³"),
}
_KEEP_PUNCT = set("()（）[]【】-_.·&+＋，、《》 ")


def safe_stem(name: str, fallback: str = "企业") -> str:
    """A file-name stem from an enterprise name: no separators, no traversal, no reserved Windows
    names, no control or emoji characters, no leading dot, at most :data:`MAX_STEM_BYTES` bytes."""
    text = unicodedata.normalize("NFC", name or "")
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or cat in ("Mn", "Mc") or ch in _KEEP_PUNCT:
            out.append(ch)
        else:
            out.append("_")
    stem = re.sub(r"_+", "_", "".join(out))
    stem = re.sub(r"\s+", " ", stem)
    stem = re.sub(r"\.{2,}", ".", stem)
    stem = stem.strip(" ._")  # no leading dot (hidden, "..") and no trailing dot/space (Windows)
    stem = _truncate(stem, MAX_STEM_BYTES).rstrip(" .")
    if not stem or not any(unicodedata.category(c)[0] in "LN" for c in stem):
        stem = fallback
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = "_" + stem
    return stem


def _truncate(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")


class Namer:
    """Assigns distinct safe stems (case-insensitively distinct, as on Windows and macOS)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = {t.casefold() for t in taken}

    def reserve(self, stem: str) -> None:
        self._taken.add(stem.casefold())

    def assign(self, name: str) -> str:
        base = safe_stem(name)
        stem = base
        n = 1
        while stem.casefold() in self._taken:
            n += 1
            suffix = f"-{n}"
            stem = _truncate(base, MAX_STEM_BYTES - len(suffix)).rstrip(" .") + suffix
        self._taken.add(stem.casefold())
        return stem


# ---- answers file -------------------------------------------------------------------------------
def answers_to_data(af: AnswersFile | ParsedRow) -> dict[str, Any]:
    ent = {k: v for k, v in af.enterprise.model_dump(mode="json").items() if v not in (None, "")}
    answers: dict[str, Any] = {}
    for qid, a in af.answers.items():
        if a.na:
            answers[qid] = {"na": True, "justification": a.justification}
        elif a.justification or a.note:
            d: dict[str, Any] = {"value": a.value}
            if a.note:
                d["note"] = a.note
            if a.justification:
                d["justification"] = a.justification
            answers[qid] = d
        else:
            v = a.value
            answers[qid] = int(v) if isinstance(v, float) and v.is_integer() else v
    data: dict[str, Any] = {
        "questionnaire": af.questionnaire,
        "questionnaire_version": af.questionnaire_version,
        "enterprise": ent,
    }
    if af.depth:
        data["depth"] = af.depth
    if af.migrated_from:
        data["migrated_from"] = af.migrated_from
    if af.created_at:
        data["created_at"] = af.created_at.isoformat()
    if af.updated_at:
        data["updated_at"] = af.updated_at.isoformat()
    data["answers"] = answers
    return data


_SCALARS: dict[str, str] = {}


def _scalar(v: Any) -> str:
    # JSON scalars are valid YAML (double-quoted strings use the same escapes); every string is quoted,
    # so values like "yes", "on" or "1.0" stay strings under yaml.safe_load.
    if type(v) is str and len(v) <= 40:  # keys and option codes repeat in every file
        text = _SCALARS.get(v)
        if text is None:
            if len(_SCALARS) >= 20_000:
                _SCALARS.clear()
            text = _SCALARS[v] = json.dumps(v, ensure_ascii=False)
        return text
    return json.dumps(v, ensure_ascii=False)


def _emit(data: dict, indent: str, out: list[str]) -> None:
    for k, v in data.items():
        key = _scalar(str(k))
        if isinstance(v, dict):
            if not v:
                out.append(f"{indent}{key}: {{}}")
                continue
            if indent and all(not isinstance(x, (dict, list)) for x in v.values()):
                out.append(
                    f"{indent}{key}: {{"
                    + ", ".join(f"{_scalar(a)}: {_scalar(b)}" for a, b in v.items())
                    + "}"
                )
                continue
            out.append(f"{indent}{key}:")
            _emit(v, indent + "  ", out)
        elif isinstance(v, list):
            out.append(f"{indent}{key}: [" + ", ".join(_scalar(x) for x in v) + "]")
        else:
            out.append(f"{indent}{key}: {_scalar(v)}")


def answers_yaml(af: AnswersFile | ParsedRow, header: str = "") -> str:
    """The answers file as YAML (a fast, fixed-shape emitter; the result is checked by yaml.safe_load in tests)."""
    out: list[str] = []
    _emit(answers_to_data(af), "", out)
    body = "\n".join(out) + "\n"
    return (header + body) if header else body


# ---- summary ------------------------------------------------------------------------------------
# What 汇总 prints (a manager's page: who, where, level and why, grade, the top three with cost and time,
# who assessed); the remaining columns (the full profile, dimension scores, provenance) follow, unprinted.
def printed_columns(rec_title: str, with_progress: bool) -> list[str]:
    recs = [x for i in (1, 2, 3) for x in (f"{rec_title}{i}", f"{rec_title}{i}费用与周期")]
    return (
        [
            "序号",
            "企业名称",
            "所在区县",
            "子行业",
            "规上/规下",
            "专精特新梯度",
            "等级",
            "综合得分",
            "等级原因",
            "国家等级（估计）",
            "国家等级得分",
            "临界",
            "距下一国家等级（分）",
        ]
        + recs
        + ["评估人", "评估方式", "服务商", "评估日期"]
        + (["较上轮"] if with_progress else [])
    )


def summary_columns(
    dimensions: list[tuple[str, str]], rec_title: str, with_progress: bool = False
) -> list[str]:
    return (
        printed_columns(rec_title, with_progress)
        + [
            "统一社会信用代码",
            "企业规模",
            "所在地区",
            "省",
            "市",
            "区县",
            "行政区划代码",
            "园区",
            "从业人员",
            "营业收入区间",
            "等级名称",
        ]
        + [f"{name}得分" for _, name in dimensions]
        + [
            "总体百分位",
            "子行业内百分位",
            "国家等级评定依据",
            "问卷",
            "问卷版本",
            "已答题数",
            "适用题数",
            "来源文件",
            "行号",
            "答卷文件",
            "PDF 报告",
        ]
    )


def summary_row(
    n: int,
    rec: EnterpriseRecord,
    cohort: Cohort,
    dimensions: list[tuple[str, str]],
    movement: str | None = None,
) -> list[Any]:
    from maturity.batch.rollup import NO_DISTRICT, district_of

    recs: list[Any] = []
    for i in range(3):
        recs.append(rec.recommendations[i] if i < len(rec.recommendations) else "")
        recs.append(rec.rec_costs[i] if i < len(rec.rec_costs) else "")
    sub_pct = cohort.sub_sector_percentile(rec.sub_sector, rec.score)
    district = district_of(rec)
    return (
        [
            n,
            rec.name,
            "" if district == NO_DISTRICT else district,
            rec.sub_sector_name,
            rec.scale,
            rec.sme_tier,
            rec.level,
            rec.score,
            rec.level_reason,
            rec.grade,
            rec.grade_score if rec.grade else None,
            ("临界" if rec.grade_borderline else "") if rec.grade else "",
            rec.grade_gap,
            *recs,
            rec.assessor,
            rec.mode or "自评",
            rec.service_provider,
            rec.assessed_on,
        ]
        + ([movement] if movement is not None else [])
        + [
            rec.credit_code or "",
            rec.size_name,
            rec.region,
            rec.province,
            rec.city,
            rec.county,
            rec.region_code,
            rec.park,
            rec.employees,
            rec.revenue_band,
            rec.level_name,
        ]
        + [rec.dims.get(did) for did, _ in dimensions]
        + [
            cohort.percentile(rec.score),
            sub_pct if sub_pct is not None else "样本不足",
            rec.grade_edition,
            rec.questionnaire,
            rec.version,
            rec.answered,
            rec.applicable,
            rec.source,
            rec.row if rec.row is not None else "",
            rec.file,
            rec.pdf,
        ]
    )


REJECT_COLUMNS = ["来源文件", "行号", "列", "表头", "企业名称", "原因"]


def reject_rows(rejects: Iterable[RejectedRow]) -> Iterator[list[Any]]:
    for r in rejects:
        for e in r.errors:
            yield [r.source, r.row if r.row is not None else "", e.column, e.header, r.name, e.reason]


def cohort_rows(cohort: Cohort) -> Iterator[list[Any]]:
    """The 同行对比 sheet as rows (blank rows separate the sections)."""
    from maturity.batch.cohort import MIN_GROUP

    yield [f"同行对比（本批次 {cohort.overall.n} 家企业）"]
    yield [f"样本少于 {MIN_GROUP} 家的子行业不单独列出（保护企业信息），其企业只计入“全部企业”。"]
    hidden = cohort.hidden_groups()
    if hidden:
        yield [f"未单独列出的子行业：{len(hidden)} 个，共 {sum(g.n for g in hidden)} 家"]
    yield []
    yield ["一、等级分布"]
    yield ["分组", "企业数"] + [f"{lab} {name}" for lab, name in cohort.level_order]
    for g in cohort.reportable_groups():
        row: list[Any] = [g.name, g.n]
        for lab, _ in cohort.level_order:
            c = g.levels.get(lab, 0)
            row.append(f"{c}（{100 * c / g.n:.1f}%）" if g.n else "0")
        yield row
    yield []
    yield ["二、得分四分位（下四分位 / 中位数 / 上四分位，按 QUARTILE.INC 口径）"]
    yield ["分组", "指标", "企业数", "下四分位", "中位数", "上四分位", "平均"]
    for g in cohort.reportable_groups():
        for _, name, st in cohort.dimension_stats(g):
            if st is None:
                yield [g.name, name, 0, "", "", "", ""]
            else:
                yield [g.name, name, st.n, st.q1, st.median, st.q3, st.mean]
    yield []
    yield ["三、百分位：见“汇总”表的“总体百分位”“子行业内百分位”两列（得分低于该企业的比例，同分计一半）。"]


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return neutralise(v)


def write_summary(
    outdir: Path,
    records: Iterable[EnterpriseRecord],
    rejects: list[RejectedRow],
    cohort: Cohort,
    dimensions: list[tuple[str, str]],
    rec_title: str,
    meta: list[tuple[str, str]],
    rollup: Rollup | None = None,
    progress: Progress | None = None,
) -> tuple[Path, Path]:
    """summary.xlsx (汇总 / 图表 / 区县汇总 / 评估人与服务商 / 进展 / 未通过 / 同行对比 / 说明) and summary.csv;
    records are streamed once. ``rollup`` must already hold every record (it is counted before this pass).

    The workbook is written with XlsxWriter in constant-memory mode: for a 10,000-row summary it takes
    about half the time of openpyxl's write-only mode, and this step runs after every enterprise is scored.
    Text is always written as text (no formula, number or URL conversion), on top of :func:`neutralise`.
    Every sheet is set up for print (A4 landscape, fit to width, header rows repeated, wrapped long text).
    """
    cols = summary_columns(dimensions, rec_title, progress is not None)
    xlsx_tmp = outdir / ".summary.xlsx.tmp"
    csv_tmp = outdir / ".summary.csv.tmp"
    scratch = outdir / LEDGER_DIR / SCRATCH  # XlsxWriter's row files: inside OUTDIR, removed on every exit
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        return _write_summary(
            outdir,
            scratch,
            xlsx_tmp,
            csv_tmp,
            cols,
            records,
            rejects,
            cohort,
            dimensions,
            meta,
            rollup,
            progress,
            rec_title,
        )
    except BaseException:
        for tmp in (xlsx_tmp, csv_tmp):  # never a half-written summary left beside the results
            remove_quietly(tmp)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


_WIDTHS = {
    "序号": 5,
    "企业名称": 22,
    "所在区县": 16,
    "子行业": 10,
    "规上/规下": 6,
    "专精特新梯度": 10,
    "等级": 6,
    "综合得分": 7,
    "等级原因": 34,
    "国家等级（估计）": 8,
    "国家等级得分": 7,
    "临界": 5,
    "距下一国家等级（分）": 8,
    "评估人": 8,
    "评估方式": 8,
    "服务商": 14,
    "评估日期": 10,
    "较上轮": 14,
}
_WRAPPED = {"企业名称", "所在区县", "等级原因", "服务商", "较上轮"}


def _text_width(text: str) -> int:
    """Width in Excel column units: a CJK (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _row_height(row: list[Any], widths: list[float], wrapped: list[int]) -> float:
    """A height that shows every wrapped cell whole (spreadsheet programs do not re-measure rows on open)."""
    lines = 1
    for i in wrapped:
        v = row[i] if i < len(row) else None
        if isinstance(v, str) and v:
            lines = max(lines, -(-_text_width(v) // max(1, int(widths[i] * 1.15))))
    return min(409.0, 15.0 * lines)


def _print_setup(
    ws: Any, *, header_rows: tuple[int, int] | None = (0, 0), wide: int = 1, columns: int = 0
) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.fit_to_pages(wide, 0)
    ws.print_across()  # pages left to right, then down: a firm's row reads on consecutive pages
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    if columns:
        ws.repeat_columns(0, columns - 1)
    ws.set_footer("&C第 &P 页 / 共 &N 页")


def _write_summary(
    outdir: Path,
    scratch: Path,
    xlsx_tmp: Path,
    csv_tmp: Path,
    cols: list[str],
    records: Iterable[EnterpriseRecord],
    rejects: list[RejectedRow],
    cohort: Cohort,
    dimensions: list[tuple[str, str]],
    meta: list[tuple[str, str]],
    rollup: Rollup | None,
    progress: Progress | None,
    rec_title: str,
) -> tuple[Path, Path]:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(xlsx_tmp),
        {
            "constant_memory": True,
            "tmpdir": str(scratch),
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        },
    )
    bold = wb.add_format({"bold": True})
    head = wb.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
    )
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    top = wb.add_format({"valign": "top"})

    def put(
        sheet: Any, r: int, values: Iterable[Any], fmt: Any = None, fmts: list[Any] | None = None
    ) -> None:
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            f = fmts[c] if fmts is not None and c < len(fmts) else fmt
            if isinstance(v, str):
                sheet.write_string(r, c, neutralise(v), f)
            elif isinstance(v, bool):
                sheet.write_boolean(r, c, v, f)
            else:
                sheet.write_number(r, c, v, f)

    ws = wb.add_worksheet("汇总")
    ws.freeze_panes(1, 2)
    printed = len(printed_columns(rec_title, progress is not None))
    fmts = []
    widths: list[float] = []
    wrapped_cols: list[int] = []
    for i, name in enumerate(cols):
        if name.startswith(rec_title) and name.endswith("费用与周期"):
            width, wrapped = 14, True
        elif name.startswith(rec_title) and i < printed:
            width, wrapped = 22, True
        else:
            width, wrapped = _WIDTHS.get(name, 12), name in _WRAPPED
        ws.set_column(i, i, width)
        widths.append(width)
        if wrapped and i < printed:
            wrapped_cols.append(i)
        fmts.append(wrap if wrapped else top)
    ws.set_row(0, 45)
    put(ws, 0, cols, head)
    _print_setup(ws, wide=2, columns=2)
    csv_path = outdir / "summary.csv"
    n = 0
    with open(csv_tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([neutralise(c) for c in cols])
        for n, rec in enumerate(records, 1):
            movement = progress.add(rec) if progress is not None else None
            row = summary_row(n, rec, cohort, dimensions, movement)
            ws.set_row(n, _row_height(row, widths, wrapped_cols))
            put(ws, n, row, fmts=fmts)
            writer.writerow([_csv_value(v) for v in row])
    os.replace(csv_tmp, csv_path)
    ws.print_area(0, 0, max(n, 1), printed - 1)

    if rollup is not None:
        _charts(wb, rollup, bold, head)
        for title, assessors in (("区县汇总", False), ("评估人与服务商", True)):
            sh = wb.add_worksheet(title)
            ncols = len(rollup.header(rollup.sections[-1])) + 3
            sh.set_column(0, 0, 24)
            sh.set_column(1, 3, 12)
            sh.set_column(4, ncols, 7)
            _print_setup(sh, header_rows=None)
            for r, row in enumerate(rollup.sheet_rows(assessors)):
                put(sh, r, row, head if row and isinstance(row[-1], str) and len(row) > 3 else None)
    if progress is not None:
        total, by_district = progress.movements()
        sh = wb.add_worksheet("进展")
        sh.set_column(0, 0, 28)
        sh.set_column(1, 4, 10)
        _print_setup(sh)
        put(sh, 0, ["与上一轮相比（按等级 L1–L7+）", f"上一轮：{progress.source}"], bold)
        put(sh, 1, ["范围", "上升", "持平", "下降", "上轮无记录"], head)
        for r, m in enumerate([total, *by_district], 2):
            put(sh, r, [m.scope, m.up, m.same, m.down, m.new])
        put(
            sh,
            len(by_district) + 3,
            [
                f"企业少于 {MIN_GROUP} 家的区县不单独列出。匹配：统一社会信用代码，无代码时按企业名称 + 所在地区。"
            ],
        )

    rj = wb.add_worksheet("未通过")
    rj.freeze_panes(1, 0)
    for i, w in enumerate((16, 6, 5, 20, 20, 70)):
        rj.set_column(i, i, w)
    _print_setup(rj)
    put(rj, 0, REJECT_COLUMNS, head)
    for r, row in enumerate(reject_rows(rejects), 1):
        put(rj, r, row, fmts=[top, top, top, wrap, wrap, wrap])

    co = wb.add_worksheet("同行对比")
    co.set_column(0, 0, 22)
    co.set_column(1, 1, 14)
    co.set_column(2, 2 + len(cohort.level_order), 13)
    _print_setup(co, header_rows=None)
    for r, row in enumerate(cohort_rows(cohort)):
        put(co, r, row)

    info = wb.add_worksheet("说明")
    info.set_column(0, 0, 16)
    info.set_column(1, 1, 100)
    _print_setup(info, header_rows=None)
    for r, (k, v) in enumerate(meta):
        put(info, r, (k, v), fmts=[top, wrap])
    wb.close()
    xlsx_path = outdir / "summary.xlsx"
    os.replace(xlsx_tmp, xlsx_path)
    return xlsx_path, csv_path


def _charts(wb: Any, rollup: Rollup, bold: Any, head: Any) -> None:
    """The 图表 sheet: the level and the estimated-grade distributions as tables and native column charts."""
    sh = wb.add_worksheet("图表")
    sh.set_column(0, 0, 14)
    sh.set_column(1, 2, 10)
    _print_setup(sh, header_rows=None)
    t = rollup.total
    sh.write_string(0, 0, f"等级分布（本批次 {t.n} 家）", bold)
    sh.write_row(1, 0, ["等级", "企业数", "占比（%）"], head)
    for i, (lab, name) in enumerate(rollup.level_order):
        c = t.levels.get(lab, 0)
        sh.write_row(2 + i, 0, [f"{lab} {name}", c, round(100 * c / t.n, 1) if t.n else 0])
    g0 = 3 + len(rollup.level_order)
    sh.write_string(g0, 0, f"国家等级分布（估计，{t.graded} 家）", bold)
    sh.write_row(g0 + 1, 0, ["国家等级", "企业数", "占比（%）"], head)
    for i, (lab, _) in enumerate(rollup.grade_order):
        c = t.grades.get(lab, 0)
        sh.write_row(g0 + 2 + i, 0, [lab, c, round(100 * c / t.graded, 1) if t.graded else 0])
    for title, first, count, anchor in (
        ("等级分布（L1–L7+，本工具自定义等级）", 2, len(rollup.level_order), "E2"),
        ("国家等级分布（按对照表推算，仅供参考）", g0 + 2, len(rollup.grade_order), "E20"),
    ):
        chart = wb.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "企业数",
                "categories": ["图表", first, 0, first + count - 1, 0],
                "values": ["图表", first, 1, first + count - 1, 1],
                "data_labels": {"value": True},
                "fill": {"color": "#2F6F9F"},
            }
        )
        chart.set_title({"name": title, "name_font": {"size": 11}})
        chart.set_legend({"none": True})
        chart.set_y_axis(
            {"name": "企业数", "major_gridlines": {"visible": True, "line": {"color": "#DDDDDD"}}}
        )
        chart.set_size({"width": 620, "height": 300})
        sh.insert_chart(anchor, chart)
