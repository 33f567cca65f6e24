"""Blank answer sheets: one row per enterprise, profile columns, then one column per question.

The xlsx template carries dropdowns (option *labels*, never codes), range checks for numbers, a frozen
header, an instructions sheet (说明) and a hidden, protected ``_meta`` sheet recording the questionnaire
id and version so that the reader can check what it was filled against. The csv template has the same
header row (UTF-8 with BOM, so Excel and WPS open it correctly).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from maturity import __version__
from maturity.batch.cells import column_letter, neutralise
from maturity.data.divisions import divisions
from maturity.models.answers import MODE_NAMES, REVENUE_BAND_NAMES, SCALE_NAMES, SME_TIER_NAMES
from maturity.models.questionnaire import INDUSTRY_TYPE_NAMES, Question, Questionnaire

SHEET_ANSWERS = "答卷"
SHEET_HELP = "说明"
SHEET_LISTS = "选项"
SHEET_META = "_meta"
META_FORMAT = "maturity-answer-sheet"
META_FORMAT_VERSION = "1"

NA_LABEL = "不适用"
JUSTIFY_SUFFIX = "不适用理由"
MULTI_SEP = "、"
MAX_ROWS = 1048576
_INLINE_LIMIT = 255  # Excel's limit for an inline list in a data validation

ColumnKind = Literal["profile", "question", "justification"]

# (field, header, required, prompt)
PROFILE: tuple[tuple[str, str, bool, str], ...] = (
    ("name", "企业名称", True, "必填。企业全称，用于汇总表和文件名。"),
    ("credit_code", "统一社会信用代码", False, "选填。18 位统一社会信用代码，会按 GB 32100-2015 校验。"),
    ("sub_sector", "子行业", True, "必填。从下拉列表中选择；子行业决定适用的题目（离散型或流程型）。"),
    ("size", "企业规模", False, "选填。从下拉列表中选择。"),
    ("region", "所在地区", False, "选填，自由填写。填了下面的省/市/区县时可留空（自动补全）。"),
    ("province", "省", False, "选填。从下拉列表中选择省（自治区、直辖市）；用于按区县汇总。"),
    ("city", "市", False, "选填。地级市（州、盟）全称或简称，如“赣州市”；直辖市和省直辖县级行政区划留空。"),
    ("county", "区县", False, "选填。县级行政区划，如“南康区”；按内置行政区划表（GB/T 2260 代码）校验。"),
    ("region_code", "行政区划代码", False, "选填。6 位代码，如 360703；填了代码可不填省/市/区县。"),
    ("park", "园区", False, "选填。所在园区或开发区名称。"),
    ("scale", "规上/规下", False, "选填。从下拉列表中选择：规上（规模以上工业企业）或规下。"),
    (
        "sme_tier",
        "专精特新梯度",
        False,
        "选填。从下拉列表中选择：无、创新型中小企业、专精特新、专精特新“小巨人”。",
    ),
    ("employees", "从业人员", False, "选填。人数，填整数。"),
    ("revenue_band", "营业收入区间", False, "选填。上年营业收入，从下拉列表中选择。"),
    ("contact", "联系人", False, "选填。"),
    ("assessor", "评估人", False, "选填。数字专员或咨询顾问姓名。"),
    ("mode", "评估方式", False, "选填。自评（企业自行填写）或现场评定（评估人到企业现场核实）；留空按自评。"),
    ("service_provider", "服务商", False, "选填。承担诊断服务的机构名称。"),
    ("assessed_on", "评估日期", False, "选填。如 2025-03-18。"),
    (
        "version",
        "问卷版本",
        False,
        "一般留空：留空即按本模板的问卷版本评分。从旧版模板复制过来的行请填写其版本号。",
    ),
)
PROFILE_HEADERS = {header: field for field, header, _, _ in PROFILE}
# profile columns chosen from a list: field -> {code: label}
PROFILE_CHOICES: dict[str, dict[str, str]] = {
    "scale": SCALE_NAMES,
    "sme_tier": SME_TIER_NAMES,
    "revenue_band": REVENUE_BAND_NAMES,
    "mode": MODE_NAMES,
}


@dataclass(frozen=True)
class Column:
    kind: ColumnKind
    key: str  # profile field name, or question id
    header: str


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def question_header(q: Question) -> str:
    return f"{q.id} {_one_line(q.text)}"


def justification_header(q: Question) -> str:
    return f"{q.id} {JUSTIFY_SUFFIX}"


def applies(q: Question, questionnaire: Questionnaire, sub_sector: str | None) -> bool:
    """Whether ``q`` is asked of an enterprise of ``sub_sector`` (None: of some enterprise)."""
    if sub_sector is None or q.applies_to is None:
        return True
    sub = questionnaire.sub_sector_map.get(sub_sector)
    return sub is not None and q.applies_to.admits(sub.industry_type, sub_sector)


def template_columns(questionnaire: Questionnaire, sub_sector: str | None = None) -> list[Column]:
    """Profile columns, then every question (and an N/A justification column after each that allows N/A)."""
    cols = [Column("profile", field, header) for field, header, _, _ in PROFILE]
    for q in questionnaire.questions:
        if not applies(q, questionnaire, sub_sector):
            continue
        cols.append(Column("question", q.id, question_header(q)))
        if q.allow_na:
            cols.append(Column("justification", q.id, justification_header(q)))
    return cols


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _range_text(q: Question) -> str:
    unit = q.unit
    if q.min is not None and q.max is not None:
        return f"{_fmt(q.min)}–{_fmt(q.max)}{unit}"
    if q.min is not None:
        return f"≥ {_fmt(q.min)}{unit}"
    if q.max is not None:
        return f"≤ {_fmt(q.max)}{unit}"
    return f"任意数值{('（单位 ' + unit + '）') if unit else ''}"


def applicability_text(q: Question, questionnaire: Questionnaire) -> str:
    if q.applies_to is None:
        return "全部企业"
    parts = []
    if q.applies_to.industry_types:
        parts.append("、".join(INDUSTRY_TYPE_NAMES[t] for t in q.applies_to.industry_types) + "企业")
    if q.applies_to.sub_sectors:
        names = questionnaire.sub_sector_map
        parts.append("、".join(names[s].name if s in names else s for s in q.applies_to.sub_sectors))
    return "仅 " + "；".join(parts)


def how_to_answer(q: Question, questionnaire: Questionnaire) -> str:
    text = _how_to_answer(q, questionnaire)
    if q.record:
        text += "（基本情况或基线指标，不计分，可留空）"
    elif q.depth == "full" and q.scored:
        text += "（完整问卷题目：核心问卷未问时留空，不计分）"
    return text


def _how_to_answer(q: Question, questionnaire: Questionnaire) -> str:
    """One line telling the person filling the sheet what to type in this column."""
    na = f"；不适用时选“{NA_LABEL}”并在右侧一列填写理由" if q.allow_na else ""
    if q.kind == "single":
        return f"单选：从下拉列表中选一项{na}"
    if q.kind == "multi":
        return f"多选：可从下拉列表选一项；选多项时把选项原文用“{MULTI_SEP}”隔开填写{na}"
    if q.kind == "yesno":
        return f"填“是”或“否”{na}"
    if q.kind == "number":
        pct = "（填 35 表示 35%）" if q.unit == "%" else ""
        return f"数字，范围 {_range_text(q)}{pct}{na}"
    return "文字，可留空（不计分）"


# ---- csv --------------------------------------------------------------------------------------
def csv_template(questionnaire: Questionnaire, sub_sector: str | None = None) -> bytes:
    """The header row as CSV in UTF-8 with BOM (Excel and WPS detect it)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(c.header) for c in template_columns(questionnaire, sub_sector)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ---- xlsx -------------------------------------------------------------------------------------
def xlsx_template(questionnaire: Questionnaire, sub_sector: str | None = None) -> bytes:
    """The xlsx answer sheet as bytes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    q = questionnaire
    cols = template_columns(q, sub_sector)
    wb = Workbook()
    help_ws = wb.active
    help_ws.title = SHEET_HELP
    ws = wb.create_sheet(SHEET_ANSWERS)
    lists = wb.create_sheet(SHEET_LISTS)
    meta = wb.create_sheet(SHEET_META)

    head_font = Font(bold=True)
    fill_profile = PatternFill("solid", fgColor="DDEBF7")
    fill_question = PatternFill("solid", fgColor="FFF2CC")
    fill_just = PatternFill("solid", fgColor="EDEDED")
    wrap = Alignment(wrap_text=True, vertical="top")

    # hidden option lists: one column per list
    list_col = 0

    def list_ref(labels: list[str]) -> str:
        nonlocal list_col
        list_col += 1
        letter = column_letter(list_col)
        for i, label in enumerate(labels, 1):
            lists.cell(row=i, column=list_col, value=neutralise(label))
        return f"'{SHEET_LISTS}'!${letter}$1:${letter}${len(labels)}"

    def list_validation(labels: list[str], strict: bool) -> DataValidation:
        inline = ",".join(labels)
        if len(inline) + 2 <= _INLINE_LIMIT and not any(c in label for label in labels for c in '",'):
            formula = f'"{inline}"'
        else:
            formula = list_ref(labels)
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.showErrorMessage = strict
        if strict:
            dv.errorTitle = "不是可选项"
            dv.error = "请从下拉列表中选择。"
        return dv

    validations: list[DataValidation] = []
    sub_labels = [s.name for s in q.sub_sectors]
    size_labels = [s.name for s in q.size_bands]
    qmap = q.question_map
    ws.row_dimensions[1].height = 60
    for idx, col in enumerate(cols, 1):
        letter = column_letter(idx)
        cell = ws.cell(row=1, column=idx, value=neutralise(col.header))
        cell.font = head_font
        cell.alignment = wrap
        rng = f"{letter}2:{letter}{MAX_ROWS}"
        dv: DataValidation | None = None
        prompt = ""
        if col.kind == "profile":
            cell.fill = fill_profile
            ws.column_dimensions[letter].width = 22 if col.key in ("name", "credit_code", "region") else 14
            spec = next(p for p in PROFILE if p[0] == col.key)
            prompt = spec[3]
            if col.key == "sub_sector" and sub_labels:
                dv = list_validation(sub_labels, strict=True)
            elif col.key == "size" and size_labels:
                dv = list_validation(size_labels, strict=True)
            elif col.key in PROFILE_CHOICES:
                dv = list_validation(list(PROFILE_CHOICES[col.key].values()), strict=True)
            elif col.key == "province":
                dv = list_validation([d.name for d in divisions().provinces()], strict=True)
            elif col.key in ("credit_code", "version", "region_code", "assessed_on"):
                ws.column_dimensions[letter].number_format = "@"
        elif col.kind == "justification":
            cell.fill = fill_just
            ws.column_dimensions[letter].width = 18
            prompt = "上一列选“不适用”时必须填写理由。"
        else:
            x = qmap[col.key]
            cell.fill = fill_question
            ws.column_dimensions[letter].width = 26
            prompt = how_to_answer(x, q)
            if x.kind in ("single", "multi", "yesno"):
                labels = [o.label for o in q.options_of(x)]
                if x.allow_na:
                    labels.append(NA_LABEL)
                # multi: the dropdown helps with one choice; combinations are typed, so no hard stop
                dv = list_validation(labels, strict=x.kind != "multi")
            elif x.kind == "number":
                dv = _number_validation(x, letter)
            if x.help:
                cell.comment = Comment(_one_line(x.help)[:1000], "maturity")
        if dv is not None:
            dv.add(rng)
            if prompt:
                dv.promptTitle = col.header[:32]
                dv.prompt = prompt[:255]
                dv.showInputMessage = True
            validations.append(dv)
        elif prompt:
            pdv = DataValidation(allow_blank=True)  # prompt-only ("any value")
            pdv.promptTitle = col.header[:32]
            pdv.prompt = prompt[:255]
            pdv.showInputMessage = True
            pdv.add(rng)
            validations.append(pdv)
    for dv in validations:
        ws.add_data_validation(dv)
    ws.freeze_panes = "B2"

    _write_help(help_ws, q, cols, sub_sector)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True

    for row in (
        ("format", META_FORMAT),
        ("format_version", META_FORMAT_VERSION),
        ("questionnaire", q.id),
        ("questionnaire_version", q.version),
        ("title", q.title),
        ("sub_sector", sub_sector or ""),
        ("generator", f"maturity {__version__}"),
    ):
        meta.append([neutralise(v) for v in row])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True

    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _number_validation(x: Question, letter: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    if x.allow_na:
        cell = f"{letter}2"
        checks = [f"ISNUMBER({cell})"]
        if x.min is not None:
            checks.append(f"{cell}>={_fmt(x.min)}")
        if x.max is not None:
            checks.append(f"{cell}<={_fmt(x.max)}")
        formula = f'OR(AND({",".join(checks)}),{cell}="{NA_LABEL}")'
        dv = DataValidation(type="custom", formula1=formula, allow_blank=True)
    elif x.min is not None and x.max is not None:
        dv = DataValidation(
            type="decimal", operator="between", formula1=_fmt(x.min), formula2=_fmt(x.max), allow_blank=True
        )
    elif x.min is not None:
        dv = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1=_fmt(x.min), allow_blank=True
        )
    elif x.max is not None:
        dv = DataValidation(
            type="decimal", operator="lessThanOrEqual", formula1=_fmt(x.max), allow_blank=True
        )
    else:
        dv = DataValidation(
            type="decimal", operator="between", formula1="-1E+300", formula2="1E+300", allow_blank=True
        )
    dv.showErrorMessage = True
    dv.errorTitle = "数值超出范围"
    dv.error = f"请填写数字，范围 {_range_text(x)}。"
    return dv


def _write_help(ws, q: Questionnaire, cols: list[Column], sub_sector: str | None) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    lines = [
        (f"{q.title}（{q.id} {q.version}）· 批量答卷模板", True),
        ("", False),
        ("填写方法", True),
        (
            f"1. 在“{SHEET_ANSWERS}”工作表中，每家企业填写一行；第 1 行是表头，请勿修改、删除或调换表头。",
            False,
        ),
        (
            "2. 企业名称、子行业为必填；子行业、企业规模和单选题请从下拉列表中选择（填写的是选项原文，不是代码）。",
            False,
        ),
        (
            f"3. 多选题可从下拉列表选一项；选多项时把选项原文用“{MULTI_SEP}”隔开，例如“选项甲{MULTI_SEP}选项乙”。",
            False,
        ),
        ("4. 数值题直接填写数字；单位为 % 的题目填 35 表示 35%（在 Excel 中输入 35% 也可识别）。", False),
        (f"5. 允许“{NA_LABEL}”的题目，选“{NA_LABEL}”后须在右侧“{JUSTIFY_SUFFIX}”一列写明理由。", False),
        (
            "6. 不适用于本企业子行业的题目（见下表“适用范围”）可留空；必答题留空的行会被列入“未通过”清单。",
            False,
        ),
        (
            "7. 本表列出完整问卷（现场评估）的全部题目。只做了核心问卷（企业负责人自评）的企业，“如何填写”中标为"
            "“完整问卷题目”的列可留空：留空视为未问，不计 0 分，所在维度按已问题目计算；"
            "标为“不计分”的基本情况和基线指标（如准时交付率）可留空。",
            False,
        ),
        (
            "8. 请勿合并单元格，也不要用公式引用其他表格；可在 Excel、WPS 或 LibreOffice 中填写，保存为 xlsx。",
            False,
        ),
        (
            "9. 也可另存为 CSV（UTF-8 或 GB18030 编码均可）。填好后运行：maturity batch 本文件 -o 输出文件夹",
            False,
        ),
        ("", False),
        (f"评分说明：{_one_line(q.scheme_note)}", False),
        ("", False),
    ]
    r = 1
    for text, is_head in lines:
        c = ws.cell(row=r, column=1, value=neutralise(text))
        if is_head:
            c.font = bold
        r += 1
    header = ("列", "编号", "维度", "题型", "题目", "如何填写", "可选项 / 范围", "适用范围", "说明")
    for i, h in enumerate(header, 1):
        ws.cell(row=r, column=i, value=h).font = bold
    r += 1
    dims = q.dimension_map
    kinds = {"single": "单选", "multi": "多选", "number": "数值", "yesno": "是/否", "text": "文字"}
    qmap = q.question_map
    for idx, col in enumerate(cols, 1):
        if col.kind != "question":
            continue
        x = qmap[col.key]
        if x.kind in ("single", "multi", "yesno"):
            choices = "\n".join(o.label for o in q.options_of(x))
        elif x.kind == "number":
            choices = _range_text(x)
        else:
            choices = ""
        row = (
            column_letter(idx),
            x.id,
            dims[x.dimension].name if x.dimension in dims else x.dimension,
            kinds[x.kind],
            _one_line(x.text),
            how_to_answer(x, q),
            choices,
            applicability_text(x, q),
            _one_line(x.help),
        )
        for i, v in enumerate(row, 1):
            c = ws.cell(row=r, column=i, value=neutralise(v))
            c.alignment = wrap
        r += 1
    for letter, width in zip("ABCDEFGHI", (6, 9, 14, 7, 40, 30, 40, 18, 50), strict=True):
        ws.column_dimensions[letter].width = width


def write_template(
    path: Path, questionnaire: Questionnaire, fmt: str, sub_sector: str | None = None, *, force: bool = False
) -> None:
    from maturity.writing import atomic_write_bytes

    data = (
        xlsx_template(questionnaire, sub_sector) if fmt == "xlsx" else csv_template(questionnaire, sub_sector)
    )
    atomic_write_bytes(path, data, force=force)
