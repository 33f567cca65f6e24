"""Filled answer sheets in, one AnswersFile (or a list of located problems) per enterprise out.

Inputs: an xlsx (read-only, streamed), a csv (UTF-8, UTF-8 with BOM or GB18030 — decoded strictly in that
order, so GB18030 is never mistaken for UTF-8), or a folder of such files and of YAML/JSON answer files.

Reading is split in two so the work can be spread over processes:

* :func:`open_input` / :class:`Table` (main process) stream raw rows as plain Python values; cell-level
  problems (formula without a computed value, merged cells, error values) become :class:`BadCell` markers.
* :class:`Plan` (built once from the header; picklable) turns one raw row into an :class:`AnswersFile`,
  or into :class:`CellError` s naming the row, the column letter, the header and the reason.
  Option labels and codes go through :func:`maturity.engine.normalize.normalize`, the one place answers are parsed.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from maturity.batch import xlsx_rows, zip_limits
from maturity.batch.cells import column_letter, unneutralise
from maturity.batch.sheet import (
    JUSTIFY_SUFFIX,
    META_FORMAT,
    MULTI_SEP,
    NA_LABEL,
    PROFILE,
    PROFILE_CHOICES,
    PROFILE_HEADERS,
    SHEET_ANSWERS,
    SHEET_HELP,
    SHEET_LISTS,
    SHEET_META,
)
from maturity.batch.workbook import open_workbook
from maturity.batch.xlsx_rows import ERROR_VALUES as _EXCEL_ERRORS
from maturity.batch.xlsx_rows import BadCell
from maturity.engine.normalize import AnswerProblem, Normalized, NotAnOption, normalize, option_index
from maturity.errors import InputError
from maturity.models.answers import AnswersFile, Enterprise
from maturity.models.questionnaire import Question, Questionnaire

SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")
ANSWER_SUFFIXES = (".yaml", ".yml", ".json")
# what reading a damaged or cut-short sheet raises (met when the header is read, or partway through)
_DAMAGED = (ET.ParseError, zipfile.BadZipFile, OSError, EOFError, zlib.error)
_META_MAX_BYTES = 1 << 20
_NA_WORDS = {NA_LABEL, "N/A", "NA", "n/a", "na"}
_SEP = re.compile(r"([,，、;；|\n])")
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_FIELD_HEADER = {
    **PROFILE_HEADERS,
    **{f: f for f, *_ in PROFILE},
    "enterprise": "name",
    "企业": "name",
    "名称": "name",
    "统一信用代码": "credit_code",
    "信用代码": "credit_code",
    "行业": "sub_sector",
    "细分行业": "sub_sector",
    "规模": "size",
    "地区": "region",
    "questionnaire_version": "version",
    "省份": "province",
    "地级市": "city",
    "县区": "county",
    "区/县": "county",
    "区划代码": "region_code",
    "所在园区": "park",
    "开发区": "park",
    "规模以上": "scale",
    "是否规上": "scale",
    "专精特新": "sme_tier",
    "员工人数": "employees",
    "从业人数": "employees",
    "营业收入": "revenue_band",
    "评定方式": "mode",
    "服务机构": "service_provider",
    "诊断服务商": "service_provider",
    "评估时间": "assessed_on",
}
_TEXT_PROFILE = (
    "name",
    "credit_code",
    "region",
    "contact",
    "assessor",
    "province",
    "city",
    "county",
    "region_code",
    "park",
    "service_provider",
)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EMPLOYEES = re.compile(r"^(\d+)\s*人?$")


# ---- results of reading ------------------------------------------------------------------------
@dataclass(frozen=True)
class CellError:
    row: int | None
    column: str  # letter, e.g. "K" ("" when the problem is not about one column)
    header: str
    reason: str

    @property
    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.column} 列")
        return " ".join(parts)


@dataclass(frozen=True)
class RawRow:
    """One enterprise as read: where it came from and its cell values (or, for answer files, the path)."""

    source: str  # file name relative to the input
    order: tuple[int, int]  # (file index, row number) -> output order
    row: int | None  # spreadsheet row number (1-based); None for answer files
    values: tuple = ()
    path: str | None = None  # an answers YAML/JSON file
    problem: str = ""  # the row could not be read at all (e.g. a CSV line the parser cannot split)

    def name_hint(self, plan: Plan | None) -> str:
        if plan is not None and plan.name_index is not None and plan.name_index < len(self.values):
            v = self.values[plan.name_index]
            if isinstance(v, str):
                return v.strip()
            if v is not None and not isinstance(v, BadCell):
                return str(v)
        return Path(self.source).stem if self.path else ""


# ---- column plan --------------------------------------------------------------------------------
@dataclass(slots=True)
class ParsedRow:
    """One enterprise read from a sheet row: its profile and its answers, already canonical.

    Shaped like an AnswersFile (same attribute names) so that it writes out the same way, but without
    re-validating every answer as a pydantic model: the row parser has checked each one already.
    """

    questionnaire: str
    questionnaire_version: str
    enterprise: Enterprise
    answers: dict[str, Normalized]
    created_at: None = None
    updated_at: None = None
    # A sheet offers the full questionnaire; a blank cell of a full-depth question was not asked (a core
    # interview typed in), so the row reads as a core answers file: full-depth questions answered count.
    depth: str = "core"
    migrated_from: None = None

    def to_answers_file(self) -> AnswersFile:
        return AnswersFile.model_validate(
            {
                "questionnaire": self.questionnaire,
                "questionnaire_version": self.questionnaire_version,
                "enterprise": self.enterprise.model_dump(),
                "depth": self.depth,
                "answers": {
                    qid: {"value": a.value, "na": a.na, "justification": a.justification, "note": a.note}
                    for qid, a in self.answers.items()
                },
            }
        )


@dataclass
class Plan:
    """How the columns of one sheet map onto one questionnaire; parses rows into AnswersFiles."""

    questionnaire: Questionnaire
    headers: list[str]
    source: str
    default_version: str
    profile: dict[str, int] = field(default_factory=dict)  # field -> column index (0-based)
    questions: dict[str, int] = field(default_factory=dict)  # question id -> column index
    justifications: dict[str, int] = field(default_factory=dict)
    percent: frozenset[int] = frozenset()  # number columns in %: a cell formatted as % holds a fraction
    name_index: int | None = None

    @classmethod
    def build(
        cls, questionnaire: Questionnaire, headers: list[Any], source: str, default_version: str | None = None
    ) -> Plan:
        q = questionnaire
        qmap = q.question_map
        old_ids: set[str] = set()
        for m in q.migrations:
            old_ids |= set(m.rename) | set(m.drop)
        shown = ["" if h is None else unneutralise(str(h)).strip() for h in headers]
        texts = [unicodedata.normalize("NFKC", t) for t in shown]
        plan = cls(q, shown, source, default_version or q.version)
        problems: list[str] = []
        for i, text in enumerate(texts):
            if not text:
                continue
            letter = column_letter(i + 1)
            token, _, rest = text.partition(" ")
            bare = text.rstrip("*＊").removesuffix("（必填）").removesuffix("(必填)").strip()
            if bare in _FIELD_HEADER:
                fld = _FIELD_HEADER[bare]
                if fld in plan.profile:
                    problems.append(f"{letter} 列“{text}”与 {column_letter(plan.profile[fld] + 1)} 列重复")
                plan.profile[fld] = i
                continue
            if _CODE.match(token) and (token in qmap or token in old_ids):
                target = plan.justifications if rest.strip() == JUSTIFY_SUFFIX else plan.questions
                if token in target:
                    problems.append(f"{letter} 列“{text}”与 {column_letter(target[token] + 1)} 列是同一题")
                target[token] = i
                continue
            if _CODE.match(token) and re.search(r"\d", token):
                problems.append(f"{letter} 列“{text}”：问卷 {q.id} {q.version} 中没有题目 {token}")
            # any other column (e.g. 备注) is ignored
        if "name" not in plan.profile:
            problems.append("缺少“企业名称”列")
        if "sub_sector" not in plan.profile:
            problems.append("缺少“子行业”列")
        if not plan.questions:
            problems.append(
                f"表头中没有问卷 {q.id} 的题目列（表头应为“题目编号 题目”，如“{q.questions[0].id} …”）"
            )
        if not problems and plan.questions:
            added = {qid for m in q.migrations for qid in m.added}
            absent = [
                x.id
                for x in q.questions
                if x.id in added
                and x.required
                and x.scored
                and x.applies_to is None
                and x.show_if is None
                and x.id not in plan.questions
            ]
            if absent:
                olds = "、".join(sorted({m.from_version for m in q.migrations if set(m.added) & set(absent)}))
                raise InputError(
                    f"{source}：表头缺少问卷 {q.id} {q.version} 新增的 {len(absent)} 道必答题的列（{'、'.join(absent)}），"
                    f"这份表应是按旧版（{olds}）模板填写的，旧版模板不能直接批量评分。",
                    hint=f"请用 maturity template 生成 {q.version} 版模板，把已填内容按题目编号复制过去，再补答新增题目。",
                )
        if problems:
            raise InputError(
                f"{source}：表头不符合问卷 {q.id} {q.version} 的答卷模板：" + "；".join(problems),
                hint="请用 maturity template 生成模板，不要修改第 1 行表头。",
            )
        plan.name_index = plan.profile["name"]
        plan.percent = frozenset(
            i
            for qid, i in plan.questions.items()
            if qid in qmap and qmap[qid].kind == "number" and qmap[qid].unit == "%"
        )
        return plan

    # ------------------------------------------------------------------------------------------
    def cell(self, values: tuple, index: int | None) -> Any:
        if index is None or index >= len(values):
            return None
        v = values[index]
        if isinstance(v, str):
            v = unneutralise(v).strip()
            return v or None
        return v

    def error(self, row: int | None, index: int | None, reason: str) -> CellError:
        if index is None:
            return CellError(row, "", "", reason)
        return CellError(
            row, column_letter(index + 1), self.headers[index] if index < len(self.headers) else "", reason
        )

    def column_of(self, qid: str) -> int | None:
        """Column of a (current) question id, also when the sheet still uses an older code for it."""
        if qid in self.questions:
            return self.questions[qid]
        for m in self.questionnaire.migrations:
            for old, new in m.rename.items():
                if new == qid and old in self.questions:
                    return self.questions[old]
        return None

    def answer_columns(self) -> list[tuple[str, int, int | None]]:
        """(question code, its column, its justification column) for every question column."""
        cols = self.__dict__.get("_answer_columns")
        if cols is None:
            cols = self.__dict__["_answer_columns"] = [
                (qid, i, self.justifications.get(qid)) for qid, i in self.questions.items()
            ]
        return cols

    def __getstate__(self) -> dict:
        # the questionnaire is large and every worker has it already: send only the column map
        state = dict(self.__dict__)
        state["questionnaire"] = None
        return state

    def parse(self, raw: RawRow) -> ParsedRow | list[CellError]:
        """The row's profile and canonical answers, or every problem found in it."""
        q = self.questionnaire
        r = raw.row
        if raw.problem:
            return [CellError(r, "", "", raw.problem)]
        values = raw.values
        errors: list[CellError] = []
        for i, v in enumerate(values):
            if isinstance(v, BadCell):
                errors.append(self.error(r, i, v.reason))

        def text_of(fld: str) -> str | None:
            i = self.profile.get(fld)
            v = self.cell(values, i)
            if v is None or isinstance(v, BadCell):
                return None
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            return str(v)

        # questionnaire version of this row
        version = text_of("version") or self.default_version
        rename: dict[str, str] = {}
        drop: set[str] = set()
        if version != q.version:
            mig = next((m for m in q.migrations if m.from_version == version), None)
            if mig is None:
                errors.append(
                    self.error(
                        r,
                        self.profile.get("version"),
                        f"答卷按问卷 {q.id} {version} 填写，当前问卷版本为 {q.version}，且问卷未声明如何迁移；"
                        "请用新版模板重新填写",
                    )
                )
                return errors
            rename, drop = dict(mig.rename), set(mig.drop)

        # profile
        ent: dict[str, Any] = {}
        for fld in _TEXT_PROFILE:
            v = text_of(fld)
            if v is not None:
                ent[fld] = v
        for fld, choices in PROFILE_CHOICES.items():
            v = text_of(fld)
            if v is None:
                continue
            key = unicodedata.normalize("NFKC", v).replace(" ", "")
            match = next(
                (
                    c
                    for c, label in choices.items()
                    if key in (c, unicodedata.normalize("NFKC", label).replace(" ", ""))
                ),
                None,
            )
            if match is None:
                errors.append(
                    self.error(
                        r, self.profile.get(fld), f"“{v}”不是可选项；可选：{'、'.join(choices.values())}"
                    )
                )
            else:
                ent[fld] = match
        self._employees_and_date(values, r, ent, errors)
        for fld, items in (("sub_sector", q.sub_sectors), ("size", q.size_bands)):
            v = text_of(fld)
            if v is None:
                continue
            key = unicodedata.normalize("NFKC", v).strip()
            match = next((s.id for s in items if key in (s.id, unicodedata.normalize("NFKC", s.name))), None)
            if match is None:
                what = "子行业" if fld == "sub_sector" else "企业规模"
                allowed = "、".join(s.name for s in items)
                errors.append(self.error(r, self.profile.get(fld), f"未知{what}“{v}”；可选：{allowed}"))
            else:
                ent[fld] = match
        if "name" not in ent:
            errors.append(self.error(r, self.profile.get("name"), "企业名称为必填"))
        if "sub_sector" not in ent and not any(
            e.column == column_letter(self.profile["sub_sector"] + 1) for e in errors
        ):
            errors.append(self.error(r, self.profile.get("sub_sector"), "子行业为必填"))

        # answers (the hot loop of a batch: cells are read inline rather than through self.cell)
        qmap = q.question_map
        answers: dict[str, Normalized] = {}
        n = len(values)
        for qid, i, j in self.answer_columns():
            v = values[i] if i < n else None
            if v.__class__ is str:
                v = unneutralise(v).strip() or None
            just_text = None
            if j is not None and j < n and values[j] is not None:
                just = self.cell(values, j)
                just_text = None if just is None or isinstance(just, BadCell) else str(just)
            if isinstance(v, BadCell):
                continue
            if qid in drop:
                continue
            target = rename.get(qid, qid)
            x = qmap.get(target)
            if x is None:
                if v is not None:
                    errors.append(self.error(r, i, f"问卷 {q.id} {q.version} 中没有题目 {qid}"))
                continue
            if v is None:
                if just_text:
                    answers[target] = Normalized(None, False, "", just_text)
                continue
            if isinstance(v, str) and v in _NA_WORDS and x.kind != "text":
                if not x.allow_na:
                    errors.append(self.error(r, i, f"本题不允许选择“{NA_LABEL}”"))
                elif not just_text:
                    errors.append(
                        self.error(
                            r,
                            j if j is not None else i,
                            f"选择“{NA_LABEL}”时须填写理由（{x.id} {JUSTIFY_SUFFIX}）",
                        )
                    )
                else:
                    answers[target] = Normalized(None, True, "", just_text)
                continue
            try:
                value = self._value(x, v, i)
            except AnswerProblem as e:
                errors.append(self.error(r, i, str(e)))
                continue
            answers[target] = Normalized(value, False, "", just_text or "")

        if errors:  # report the plainly missing required answers now too, not after the other fixes
            errors += self._surely_missing(r, q, ent.get("sub_sector"), answers, {e.column for e in errors})

        # The profile is checked even when cells above failed, so a row's every problem is listed at once
        # (a bad 统一社会信用代码 used to show only after the other mistakes were fixed). Missing or unknown
        # name / sub-sector are reported above; stand-ins keep the model from reporting them twice.
        stand_in = {"name": ent.get("name", "-"), "sub_sector": ent.get("sub_sector", q.sub_sectors[0].id)}
        enterprise = None
        try:
            enterprise = Enterprise.model_validate({**ent, **stand_in})
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                fld = str(err["loc"][0]) if err["loc"] else ""
                if not fld:  # the province / city / county / code check of the whole profile
                    fld = next(
                        (f for f in ("county", "city", "province", "region_code") if f in self.profile), ""
                    )
                msg = (
                    str(err.get("ctx", {}).get("error", err["msg"]))
                    if err["type"] == "value_error"
                    else err["msg"]
                )
                if err["type"] == "string_too_long":
                    msg = f"过长（最多 {err.get('ctx', {}).get('max_length')} 个字符）"
                errors.append(self.error(r, self.profile.get(fld), msg.removeprefix("Value error, ")))
        if errors or enterprise is None:
            return errors
        return ParsedRow(q.id, q.version, enterprise, answers)

    def _surely_missing(
        self,
        r: int | None,
        q: Questionnaire,
        sub_sector: str | None,
        answers: dict[str, Normalized],
        flagged: set[str],
    ) -> list[CellError]:
        """Required questions left empty that are asked whatever the other answers are (no show_if), for a row
        that failed for other reasons; follow-ups are checked once the row parses (the scorer decides them)."""
        sub = q.sub_sector_map.get(sub_sector or "")
        out = []
        for x in q.questions:
            if not (x.required and x.scored) or x.show_if is not None or x.id in answers or x.depth == "full":
                continue
            app = x.applies_to
            if app is not None and (sub is None or not app.admits(sub.industry_type, sub.id)):
                continue
            col = self.column_of(x.id)
            err = self.error(r, col, f"必答题 {x.id} 未作答")
            if err.column not in flagged or not err.column:
                out.append(err)
        return out

    def _employees_and_date(
        self, values: tuple, r: int | None, ent: dict[str, Any], errors: list[CellError]
    ) -> None:
        i = self.profile.get("employees")
        v = self.cell(values, i)
        if v is not None and not isinstance(v, BadCell):
            if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer() and v >= 0:
                ent["employees"] = int(v)
            elif isinstance(v, str) and (
                m := _EMPLOYEES.match(unicodedata.normalize("NFKC", v).replace(",", ""))
            ):
                ent["employees"] = int(m.group(1))
            else:
                errors.append(self.error(r, i, f"从业人员应为整数人数，实际为“{v}”"))
        i = self.profile.get("assessed_on")
        v = self.cell(values, i)
        if v is not None and not isinstance(v, BadCell):
            if isinstance(v, datetime):
                ent["assessed_on"] = v.date()
            elif isinstance(v, date):
                ent["assessed_on"] = v
            else:
                m = _DATE.match(unicodedata.normalize("NFKC", str(v)))
                try:
                    ent["assessed_on"] = (
                        date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
                    )
                except ValueError:
                    m = None
                if m is None:
                    errors.append(self.error(r, i, f"评估日期应为日期，如 2025-03-18，实际为“{v}”"))
                    ent.pop("assessed_on", None)

    def _value(self, x: Question, v: Any, index: int) -> Any:
        """Canonical answer of one cell; a sheet repeats the same few labels, so results are remembered."""
        if not isinstance(v, (str, int, float)):
            return self._convert(x, v)
        q = self.questionnaire
        cache = _VALUE_CACHE.get((q.id, q.version, x.id))
        if cache is None:
            cache = _VALUE_CACHE[(q.id, q.version, x.id)] = {}
        key = v if v.__class__ is str else (type(v), v)  # with the type: 1, 1.0 and True are equal keys
        hit = cache.get(key)
        if hit is None:
            try:
                hit = (True, self._convert(x, v))
            except AnswerProblem as e:
                hit = (False, str(e))
            if len(cache) >= _VALUE_CACHE_MAX:
                cache.clear()
            cache[key] = hit
        ok, value = hit
        if not ok:
            raise AnswerProblem(value)
        return list(value) if isinstance(value, list) else value

    def _convert(self, x: Question, v: Any) -> Any:
        q = self.questionnaire
        if isinstance(v, (datetime, date, time)):
            if x.kind == "text":
                return str(v)
            raise AnswerProblem(
                "单元格被表格软件识别成了日期或时间；请把单元格格式设为“文本”或“常规”后重新填写"
            )
        if x.kind == "multi" and isinstance(v, str):
            v = split_choices(v, q.options_of(x))
        if x.kind == "text":
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            return normalize(q, x, str(v))
        try:
            return normalize(q, x, v)
        except NotAnOption as e:
            raise AnswerProblem(option_problem(e.text, e.options, x)) from None


def option_problem(text: str, options: list, x: Question) -> str:
    """A value that is none of the options, in the sheet's terms: the option texts its dropdown offers."""
    import difflib

    labels = [o.label for o in options] + ([NA_LABEL] if x.allow_na else [])
    close = difflib.get_close_matches(text, labels, n=1, cutoff=0.4)
    guess = f"您要填的是不是“{close[0]}”？" if close else ""
    how = f"多选时把选项原文用“{MULTI_SEP}”隔开；" if x.kind == "multi" else ""
    return (
        f"“{text}”不是本题的选项。{guess}请从下拉列表选择，或照抄选项原文（{how}可选："
        + "、".join(f"“{label}”" for label in labels)
        + "）"
    )


# (questionnaire, version, question) -> {cell value: (True, canonical value) or (False, problem)}
_VALUE_CACHE: dict[tuple[str, str, str], dict[Any, tuple[bool, Any]]] = {}
_VALUE_CACHE_MAX = 5_000  # per question


def split_choices(text: str, options: list) -> list[str]:
    """Split "甲、乙" into items, keeping option labels that themselves contain separators whole.

    Greedy, longest match first: at each position the longest run of fragments that is exactly an option
    label or code is taken; unmatched fragments are passed on as they are (normalize reports them).
    """
    key = lambda s: unicodedata.normalize("NFKC", s).strip()  # noqa: E731
    known = option_index(options).known
    parts = _SEP.split(text)  # fragments at even positions, separators at odd
    frags = parts[0::2]
    seps = parts[1::2]
    out: list[str] = []
    i = 0
    while i < len(frags):
        best = None
        for j in range(len(frags), i, -1):
            cand = frags[i]
            for k in range(i + 1, j):
                cand += seps[k - 1] + frags[k]
            c = key(cand)
            if c in known or c.lower() in known:
                best = (j, cand)
                break
        if best is None:
            if frags[i].strip():
                out.append(frags[i].strip())
            i += 1
        else:
            out.append(best[1].strip())
            i = best[0]
    return out


# ---- tables ------------------------------------------------------------------------------------
class Table:
    """A sheet being streamed: header, meta (xlsx only) and raw rows."""

    source: str
    path: Path
    meta: dict[str, str]
    header: list[Any]

    def rows(self, plan: Plan, file_index: int) -> Iterator[RawRow]:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass


def _blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


class CsvTable(Table):
    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.meta = {}
        self.encoding = detect_encoding(path)
        self._fh = open(path, encoding=self.encoding, newline="")  # noqa: SIM115 - closed in close()
        sample = self._fh.read(65536)
        self._fh.seek(0)
        first = sample.split("\n", 1)[0]
        # Excel dialect (doubled quotes); only the delimiter varies: ',' or, from some locales, ';' or tab
        delimiter = max((",", ";", "\t"), key=first.count) if first else ","
        self._lines = _BoundedLines(self._fh)
        self._reader = csv.reader(self._lines, csv.excel, delimiter=delimiter)
        try:
            self.header = next(self._reader)
        except StopIteration:
            self.close()
            raise InputError(f"{source}：文件是空的") from None
        except csv.Error as e:
            self.close()
            raise InputError(f"{source}：表头（第 1 行）无法按 CSV 读取（{_csv_reason(e)}）") from None

    def rows(self, plan: Plan, file_index: int) -> Iterator[RawRow]:
        """Every non-blank row; a row the CSV parser cannot read is a row error and reading goes on."""
        pct = plan.percent
        while True:
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except csv.Error as e:
                row = self._lines.count
                yield RawRow(
                    self.source,
                    (file_index, row),
                    row,
                    problem=f"此行无法按 CSV 读取（{_csv_reason(e)}），已跳过；其余行照常处理",
                )
                continue
            row = self._lines.count
            if _blank(values):
                continue
            vals = tuple(_csv_cell(v, i in pct) for i, v in enumerate(values))
            yield RawRow(self.source, (file_index, row), row, vals)

    def close(self) -> None:
        self._fh.close()


MAX_CSV_LINE_CHARS = 1 << 22  # a physical line; 84 columns of full Excel cells are 2.8 million characters


class _LineTooLong(csv.Error):
    pass


class _BoundedLines:
    """The file's physical lines for csv.reader, none longer than :data:`MAX_CSV_LINE_CHARS` in memory.

    A longer line is skipped to its end and reported as a csv.Error, so that row alone fails. ``count`` is
    the number of physical lines consumed (csv.reader's line_num would miss the skipped ones).
    """

    def __init__(self, fh: Any, limit: int = MAX_CSV_LINE_CHARS) -> None:
        self.fh, self.limit, self.count = fh, limit, 0

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        line = self.fh.readline(self.limit)
        if not line:
            raise StopIteration
        self.count += 1
        if len(line) >= self.limit and not line.endswith(("\n", "\r")):
            while (rest := self.fh.readline(self.limit)) and not rest.endswith(("\n", "\r")):
                pass
            raise _LineTooLong(f"line longer than {self.limit}")
        return line


def _csv_reason(e: csv.Error) -> str:
    """The csv module's (English) complaint, in Chinese."""
    text = str(e)
    if isinstance(e, _LineTooLong):
        return f"一行超过 {MAX_CSV_LINE_CHARS:,} 个字符"
    if "field larger than field limit" in text:
        return f"有一个字段超过 {csv.field_size_limit():,} 个字符，单元格最多 {zip_limits.MAX_CELL_CHARS:,} 个字符"
    if "NUL" in text:
        return "含有空字符（NUL），文件可能不是文本格式"
    if "new-line character seen in unquoted field" in text:
        return "字段中有未加引号的换行"
    if "expected" in text and "after" in text:
        return "引号不成对，或引号后紧跟了其他字符"
    return "格式无法识别"


def _csv_cell(v: str, percent: bool) -> Any:
    v = v.strip()
    if not v:
        return None
    if len(v) > zip_limits.MAX_CELL_CHARS:
        return BadCell(xlsx_rows.TOO_LONG)
    if v in _EXCEL_ERRORS:
        return xlsx_rows.error_cell(v)
    return v


def detect_encoding(path: Path) -> str:
    """utf-16 if it starts with a UTF-16 BOM (Excel's "Unicode 文本"); else utf-8-sig if the whole file
    decodes strictly as UTF-8 (BOM or not), else gb18030, else an error."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
    except OSError as e:
        raise InputError(f"无法读取文件：{path}（{e.strerror}）") from None
    candidates = (
        ("utf-16",) if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else ("utf-8-sig", "gb18030")
    )
    for enc in candidates:
        decoder = codecs.getincrementaldecoder(enc)(errors="strict")
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            continue
        except OSError as e:
            raise InputError(f"无法读取文件：{path}（{e.strerror}）") from None
    raise InputError(
        f"{path.name}：CSV 文件既不是 UTF-8 也不是 GB18030 编码，无法识别",
        hint="请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”。",
    )


class XlsxTable(Table):
    """An xlsx sheet; openpyxl opens the workbook, :mod:`.xlsx_rows` streams the rows (openpyxl if it cannot)."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self._fwb: Any = None
        zip_limits.check_archive(path, source)  # a bomb is refused before openpyxl reads any of it
        try:
            self._wb = open_workbook(path)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as e:
            raise InputError(
                f"{source}：无法作为 xlsx 打开（{type(e).__name__}: {e}）",
                hint="文件可能已损坏、设置了打开密码，或是旧版 .xls；请在 Excel/WPS 中另存为 .xlsx。",
            ) from None
        except Exception as e:  # openpyxl raises assorted errors on malformed parts
            raise InputError(
                f"{source}：无法作为 xlsx 打开（{type(e).__name__}: {e}）",
                hint="请在 Excel/WPS 中打开并另存为 .xlsx。",
            ) from None
        self.meta = self._read_meta()
        ws = self._pick_sheet()
        src = xlsx_rows.source_of(self._wb, ws)
        try:
            found = _prescan(self._wb, ws)
        except zip_limits.Refused as e:
            self.close()
            raise zip_limits.refusal(source, e) from None
        self._merged = found.merged
        # Percent columns are known once the header is read (Plan.build); the row stream reads this set.
        self._percent: set[int] = set()
        try:
            if src is not None:
                self._rows = xlsx_rows.rows(src, self._percent)
            else:
                self._rows = self._openpyxl_rows(ws, found.formulas)
            _, first = next(self._rows)
        except StopIteration:
            self.close()
            raise InputError(f"{source}：工作表“{ws.title}”是空的") from None
        except zip_limits.Refused as e:
            self.close()
            raise zip_limits.refusal(source, e) from None
        except _DAMAGED as e:
            self.close()
            raise InputError(
                f"{source}：工作表“{ws.title}”无法读取（{type(e).__name__}: {e}）",
                hint="文件可能已损坏；请在 Excel/WPS 中打开并另存为 .xlsx。",
            ) from None
        self.header = list(first)
        bad_head = [rng for rng in self._merged if rng[1] <= 1]
        if bad_head:
            self.close()
            raise InputError(
                f"{source}：表头含有合并单元格（{'、'.join(r[4] for r in bad_head)}），请取消合并并恢复模板表头"
            )

    def _read_meta(self) -> dict[str, str]:
        if SHEET_META not in self._wb.sheetnames:
            return {}
        try:
            size = self._wb._archive.getinfo(self._wb[SHEET_META]._worksheet_path).file_size
        except (AttributeError, KeyError):
            size = 0
        if size > _META_MAX_BYTES:
            return {}  # ours holds three short rows: a large one is not handed to openpyxl to read whole
        meta: dict[str, str] = {}
        for row in self._wb[SHEET_META].iter_rows(max_col=2, values_only=True):
            if row and row[0] is not None:
                meta[str(row[0])] = "" if len(row) < 2 or row[1] is None else unneutralise(str(row[1]))
        return meta if meta.get("format") == META_FORMAT else {}

    def _pick_sheet(self):
        wb = self._wb
        if SHEET_ANSWERS in wb.sheetnames:
            return wb[SHEET_ANSWERS]
        for ws in wb.worksheets:
            if ws.title in (SHEET_HELP, SHEET_LISTS, SHEET_META) or ws.sheet_state != "visible":
                continue
            return ws
        raise InputError(f"{self.source}：没有可读取的答卷工作表")

    def rows(self, plan: Plan, file_index: int) -> Iterator[RawRow]:
        self._percent.update(plan.percent)
        merged = self._merged
        try:
            for rown, vals in self._rows:
                if merged and any(r1 <= rown <= r2 for (_c1, r1, _c2, r2, _ref) in merged):
                    self._mark_merged(vals, rown)
                elif _blank(vals):
                    continue
                yield RawRow(self.source, (file_index, rown), rown, tuple(vals))
        except zip_limits.Refused as e:
            raise InputError(
                f"{self.source}：读到一半时停止，其中的 {e.part} {e.reason}",
                hint="此前的行已处理；" + zip_limits.HINT,
            ) from None
        except _DAMAGED as e:
            raise InputError(
                f"{self.source}：读到一半时文件内容损坏（{type(e).__name__}: {e}）",
                hint="此前的行已处理；请在 Excel/WPS 中打开并另存为 .xlsx 后用 --resume 继续。",
            ) from None

    def _mark_merged(self, vals: list[Any], rown: int) -> None:
        for c1, r1, c2, r2, ref in self._merged:
            if r1 <= rown <= r2:
                for col in range(c1, c2 + 1):
                    while len(vals) < col:
                        vals.append(None)
                    vals[col - 1] = BadCell(f"合并单元格 {ref}：请取消合并，并在每一行分别填写")

    def _openpyxl_rows(self, ws: Any, has_formulas: bool) -> Iterator[tuple[int, list[Any]]]:
        """The same (row number, values) stream through openpyxl's cell objects (slower; any openpyxl version)."""
        ws.reset_dimensions()  # don't trust the stored <dimension>
        frows: Iterator[Any] | None = None
        if has_formulas:
            self._fwb = open_workbook(self.path, data_only=False)
            fws = self._fwb[ws.title]
            fws.reset_dimensions()
            frows = fws.iter_rows()
        pct = self._percent
        for rown, cells in enumerate(ws.iter_rows(), 1):
            fcells = next(frows, ()) if frows is not None else ()
            vals: list[Any] = []
            for i, c in enumerate(cells):
                v = c.value
                if v is None and i < len(fcells) and getattr(fcells[i], "data_type", None) == "f":
                    v = BadCell(xlsx_rows.NO_FORMULA_RESULT)
                elif getattr(c, "data_type", "n") == "e" or (isinstance(v, str) and v in _EXCEL_ERRORS):
                    v = xlsx_rows.error_cell(v)
                elif (
                    i in pct
                    and isinstance(v, (int, float))
                    and not isinstance(v, bool)
                    and "%" in (c.number_format or "")
                ):
                    v = round(v * 100, 10)  # typed as 35% -> stored 0.35
                vals.append(v)
            if cells:
                yield rown, vals

    def close(self) -> None:
        for wb in (getattr(self, "_wb", None), getattr(self, "_fwb", None)):
            if wb is not None:
                try:
                    wb.close()
                except Exception:
                    pass


def _prescan(wb: Any, ws: Any) -> xlsx_rows.Scan:
    """Merged ranges and whether there are formulas (one pass over the sheet's XML); nothing if it can't be found."""
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(wb, "_archive", None)
    if path is None or archive is None:
        return xlsx_rows.Scan([], False)
    return xlsx_rows.scan(archive, path)


def open_table(path: Path, source: str | None = None) -> Table:
    source = source or path.name
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return XlsxTable(path, source)
    if suffix == ".csv":
        return CsvTable(path, source)
    if suffix in (".xls", ".et", ".ods", ".numbers"):
        raise InputError(f"{source}：不支持 {suffix} 格式，请另存为 .xlsx 或 .csv")
    raise InputError(f"{source}：无法识别的文件类型（支持 .xlsx、.csv，或含答卷的文件夹）")


def input_files(path: Path) -> list[Path]:
    """The files a batch input names: the file itself, or the sheets and answer files in a folder (sorted)."""
    if not path.exists():
        raise InputError(f"找不到输入：{path}")
    if path.is_file():
        return [path]
    files = [
        p
        for p in sorted(path.rglob("*"))
        if p.is_file()
        and not p.name.startswith(("~$", ".", "._"))
        and p.suffix.lower() in SHEET_SUFFIXES + ANSWER_SUFFIXES
    ]
    if not files:
        raise InputError(f"文件夹中没有答卷文件（.xlsx、.csv、.yaml、.json）：{path}")
    return files


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def xlsx_declared_rows(path: Path) -> int | None:
    """Data rows (header excluded) of the largest sheet, from the sheets' own <dimension> records.

    Read from the first bytes of each sheet in the zip: asking openpyxl (`ws.max_row`) would scan the
    whole sheet when a writer left the record out. None when any sheet lacks it or the file is unreadable.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            best = 0
            for name in zf.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                with zf.open(name) as fh:
                    head = fh.read(4096)
                m = _DIMENSION.search(head)
                if m is None:
                    return None
                best = max(best, int(m.group(1) or 1))
            return max(0, best - 1)
    except (zipfile.BadZipFile, OSError, KeyError):
        return None


def sheet_questionnaire(path: Path) -> tuple[str | None, str | None]:
    """(questionnaire id, version) recorded in an xlsx template's _meta sheet, if any."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None, None
    t = XlsxTable.__new__(XlsxTable)
    try:
        zip_limits.check_archive(path, path.name)
        t._wb = open_workbook(path)
    except Exception:
        return None, None
    try:
        meta = t._read_meta()
    finally:
        t._wb.close()
    return meta.get("questionnaire") or None, meta.get("questionnaire_version") or None


def read_rows(
    path: Path, questionnaire: Questionnaire
) -> Iterator[tuple[RawRow, ParsedRow | list[CellError]]]:
    """Convenience (single process): every non-blank row of one sheet, parsed."""
    table = open_table(path)
    try:
        plan = Plan.build(questionnaire, table.header, table.source, table.meta.get("questionnaire_version"))
        for raw in table.rows(plan, 0):
            yield raw, plan.parse(raw)
    finally:
        table.close()
