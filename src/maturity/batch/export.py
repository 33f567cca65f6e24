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
from maturity.batch.cohort import Cohort
from maturity.batch.ledger import LEDGER_DIR
from maturity.batch.records import EnterpriseRecord, RejectedRow
from maturity.models.answers import AnswersFile
from maturity.writing import remove_quietly

if TYPE_CHECKING:
    from maturity.batch.reader import ParsedRow

SCRATCH = "scratch"  # under LEDGER_DIR

# ---- safe file names ----------------------------------------------------------------------------
MAX_STEM_BYTES = 120  # UTF-8 bytes; leaves room for "-12345.yaml" within every filesystem's 255-byte limit
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"COM{i}" for i in "123456789¹²³"), *(f"LPT{i}" for i in "123456789¹²³")}
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
    ent = {k: v for k, v in af.enterprise.model_dump().items() if v not in (None, "")}
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
    data: dict[str, Any] = {"questionnaire": af.questionnaire, "questionnaire_version": af.questionnaire_version,
                            "enterprise": ent}
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
                out.append(f"{indent}{key}: {{" + ", ".join(f"{_scalar(a)}: {_scalar(b)}" for a, b in v.items()) + "}")
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
def summary_columns(dimensions: list[tuple[str, str]], rec_title: str) -> list[str]:
    return (["序号", "企业名称", "统一社会信用代码", "子行业", "企业规模", "所在地区", "评估人", "等级", "等级名称",
             "综合得分"] + [f"{name}得分" for _, name in dimensions]
            + ["总体百分位", "子行业内百分位", f"{rec_title}1", f"{rec_title}2", f"{rec_title}3",
               "问卷", "问卷版本", "已答题数", "适用题数", "来源文件", "行号", "答卷文件", "PDF 报告"])


def summary_row(n: int, rec: EnterpriseRecord, cohort: Cohort, dimensions: list[tuple[str, str]]) -> list[Any]:
    recs: list[str] = rec.recommendations[:3]
    recs += [""] * (3 - len(recs))
    sub_pct = cohort.sub_sector_percentile(rec.sub_sector, rec.score)
    return ([n, rec.name, rec.credit_code or "", rec.sub_sector_name, rec.size_name,
             rec.region, rec.assessor, rec.level, rec.level_name, rec.score]
            + [rec.dims.get(did) for did, _ in dimensions]
            + [cohort.percentile(rec.score), sub_pct if sub_pct is not None else "样本不足",
               *recs, rec.questionnaire, rec.version, rec.answered, rec.applicable,
               rec.source, rec.row if rec.row is not None else "", rec.file, rec.pdf])


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


def write_summary(outdir: Path, records: Iterable[EnterpriseRecord], rejects: list[RejectedRow], cohort: Cohort,
                  dimensions: list[tuple[str, str]], rec_title: str, meta: list[tuple[str, str]]) -> tuple[Path, Path]:
    """summary.xlsx (汇总 / 未通过 / 同行对比 / 说明) and summary.csv; records are streamed once.

    The workbook is written with XlsxWriter in constant-memory mode: for a 10,000-row summary it takes
    about half the time of openpyxl's write-only mode, and this step runs after every enterprise is scored.
    Text is always written as text (no formula, number or URL conversion), on top of :func:`neutralise`.
    """
    cols = summary_columns(dimensions, rec_title)
    xlsx_tmp = outdir / ".summary.xlsx.tmp"
    csv_tmp = outdir / ".summary.csv.tmp"
    scratch = outdir / LEDGER_DIR / SCRATCH  # XlsxWriter's row files: inside OUTDIR, removed on every exit
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        return _write_summary(outdir, scratch, xlsx_tmp, csv_tmp, cols, records, rejects, cohort, dimensions, meta)
    except BaseException:
        for tmp in (xlsx_tmp, csv_tmp):  # never a half-written summary left beside the results
            remove_quietly(tmp)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write_summary(outdir: Path, scratch: Path, xlsx_tmp: Path, csv_tmp: Path, cols: list[str], records: Iterable[dict],
                   rejects: list[dict], cohort: Cohort, dimensions: list[tuple[str, str]],
                   meta: list[tuple[str, str]]) -> tuple[Path, Path]:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(xlsx_tmp), {
        "constant_memory": True, "tmpdir": str(scratch), "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False, "nan_inf_to_errors": True})
    bold = wb.add_format({"bold": True})

    def put(sheet: Any, r: int, values: Iterable[Any], fmt: Any = None) -> None:
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            if isinstance(v, str):
                sheet.write_string(r, c, neutralise(v), fmt)
            elif isinstance(v, bool):
                sheet.write_boolean(r, c, v, fmt)
            else:
                sheet.write_number(r, c, v, fmt)

    ws = wb.add_worksheet("汇总")
    ws.freeze_panes(1, 2)
    for i, width in enumerate([6, 28, 20, 12, 10, 16, 10, 6, 10, 9]):
        ws.set_column(i, i, width)
    put(ws, 0, cols, bold)
    csv_path = outdir / "summary.csv"
    with open(csv_tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([neutralise(c) for c in cols])
        for n, rec in enumerate(records, 1):
            row = summary_row(n, rec, cohort, dimensions)
            put(ws, n, row)
            writer.writerow([_csv_value(v) for v in row])
    os.replace(csv_tmp, csv_path)

    rj = wb.add_worksheet("未通过")
    rj.freeze_panes(1, 0)
    put(rj, 0, REJECT_COLUMNS, bold)
    for r, row in enumerate(reject_rows(rejects), 1):
        put(rj, r, row)

    co = wb.add_worksheet("同行对比")
    for r, row in enumerate(cohort_rows(cohort)):
        put(co, r, row)

    info = wb.add_worksheet("说明")
    for r, (k, v) in enumerate(meta):
        put(info, r, (k, v))
    wb.close()
    xlsx_path = outdir / "summary.xlsx"
    os.replace(xlsx_tmp, xlsx_path)
    return xlsx_path, csv_path
