"""An answers file: the enterprise profile and its answers to one questionnaire version."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from maturity.models.base import Id, SemVer, StrictModel, Text, empty_dict
from maturity.models.questionnaire import Depth, IndustryType

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码 (GB 32100-2015), or None if it is."""
    if len(code) != 18:
        return f"应为 18 位，实际 {len(code)} 位"
    bad = [c for c in code if c not in _CREDIT_CHARS]
    if bad:
        return f"含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）"
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    check = _CREDIT_CHARS[(31 - total % 31) % 31]
    if code[17] != check:
        return f"校验位不符（按前 17 位计算应为 {check}）"
    return None


# The structured profile a programme manager reports by (codes in files, Chinese labels everywhere users read).
SCALE_NAMES = {"above": "规上", "below": "规下"}
SME_TIER_NAMES = {
    "none": "无",
    "innovative": "创新型中小企业",
    "specialised": "专精特新",
    "little_giant": "专精特新“小巨人”",
}
# 营业收入 bands at the thresholds of 《中小企业划型标准规定》 (工业: 300 万 / 2000 万 / 4 亿) and the
# 2000 万 规模以上工业 threshold, with 1 亿 between them.
REVENUE_BAND_NAMES = {
    "lt300": "300 万元以下",
    "300-2000": "300 万–2000 万元",
    "2000-10000": "2000 万–1 亿元",
    "10000-40000": "1 亿–4 亿元",
    "ge40000": "4 亿元及以上",
}
MODE_NAMES = {"self": "自评", "onsite": "现场评定"}
Scale = Literal["above", "below"]
SmeTier = Literal["none", "innovative", "specialised", "little_giant"]
RevenueBand = Literal["lt300", "300-2000", "2000-10000", "10000-40000", "ge40000"]


def clean_text(value: str) -> str:
    """Normalise user-typed text: NFC, no control characters, trimmed."""
    if not value:  # most fields of most answers: the default, validated too (validate_default)
        return value
    value = unicodedata.normalize("NFC", value)
    return _CONTROL.sub("", value).strip()


class Enterprise(StrictModel):
    name: Text = Field(max_length=100)
    credit_code: str | None = Field(None, description="统一社会信用代码（18 位，可选）")
    sub_sector: Id
    industry_type: IndustryType | None = Field(
        None,
        description="本厂的生产类型，缺省按子行业：discrete 离散型，process 流程型，mixed 混合型（前段流程工艺、"
        "后段离散的灌装、分切或包装线，如日化配制+灌装、造纸+复卷分切、食品加工+包装，两类题目都问）",
    )
    size: Id | None = None
    region: str = ""
    contact: str = ""
    assessor: str = Field("", description="评估人 / 数字专员（可选）")
    mode: Literal["self", "onsite"] | None = Field(
        None, description="评估方式：self 企业自评（默认），onsite 现场评估（评估人到企业现场核实）"
    )
    province: str = Field("", description="省（自治区、直辖市），按内置行政区划表校验")
    city: str = Field("", description="地级市（州、盟）；直辖市与省直辖县级行政区划填省名或留空")
    county: str = Field("", description="区县（县级行政区划）")
    region_code: str | None = Field(
        None, description="行政区划代码（6 位，GB/T 2260 格式）；与省/市/区县名称互相补全"
    )
    park: str = Field("", description="所在园区 / 开发区（自由填写）")
    scale: Scale | None = Field(None, description="above 规模以上工业企业（规上），below 规下")
    sme_tier: SmeTier | None = Field(
        None,
        description="优质中小企业梯度：none 无，innovative 创新型中小企业，specialised 专精特新，"
        "little_giant 专精特新“小巨人”",
    )
    employees: int | None = Field(None, ge=0, le=10_000_000, description="从业人员（人）")
    revenue_band: RevenueBand | None = Field(None, description="上年营业收入区间")
    service_provider: str = Field("", description="服务商（承担诊断的机构）")
    assessed_on: date | None = Field(None, description="评估日期")

    @model_validator(mode="before")
    @classmethod
    def _place(cls, data: Any) -> Any:
        """Province / city / county names and the division code: checked against the bundled list, completed
        from each other; the free-text region is filled from them when left empty."""
        if not isinstance(data, dict):
            return data
        names = {
            k: clean_text(data[k]) if isinstance(data.get(k), str) else data.get(k)
            for k in ("province", "city", "county")
        }
        code = data.get("region_code")
        if isinstance(code, (int, float)) and not isinstance(code, bool):
            code = str(int(code))
        code = code.strip() if isinstance(code, str) else code
        if not code and not any(names.values()):
            return data
        from maturity.data.divisions import divisions

        div = divisions()
        if code:
            if not isinstance(code, str) or not re.fullmatch(r"\d{6}", code):
                raise ValueError(f"行政区划代码应为 6 位数字，实际为“{code}”")
            place = div.place(code)
            if place is None:
                raise ValueError(f"行政区划代码 {code} 不在内置行政区划表中")
            if any(names.values()):
                try:
                    named = div.resolve(names["province"], names["city"], names["county"])
                except ValueError:
                    named = None
                if named is None or named.code != code:
                    raise ValueError(f"行政区划代码 {code}（{place.full_name}）与所填省/市/区县不一致")
        else:
            place = div.resolve(names["province"], names["city"], names["county"])
        out = dict(data)
        out.update(
            province=place.province,
            city=place.city if place.city != place.province else "",
            county=place.county,
            region_code=place.code,
        )
        if not (isinstance(out.get("region"), str) and out["region"].strip()):
            out["region"] = place.full_name
        return out

    @property
    def place_name(self) -> str:
        """省市区县 as one name ("" when no division is given)."""
        return self.province + self.city + self.county

    @field_validator("name", "region", "contact", "assessor", "park", "service_provider", mode="before")
    @classmethod
    def _clean(cls, v: Any) -> Any:
        return clean_text(v) if isinstance(v, str) else v

    @field_validator("credit_code", mode="before")
    @classmethod
    def _credit(cls, v: Any) -> Any:
        if v is None:
            return None
        if not isinstance(v, str):
            v = str(v)
        v = unicodedata.normalize("NFKC", v).strip().upper()
        if not v:
            return None
        problem = credit_code_problem(v)
        if problem:
            raise ValueError(f"统一社会信用代码无效：{problem}")
        return v


AnswerValue = str | float | bool | list[str] | None


class Answer(StrictModel):
    value: AnswerValue = None
    na: bool = False
    justification: str = ""
    note: str = ""
    evidence: str = Field(
        "",
        max_length=200,
        description="佐证：支持本题答案的文件名或路径（如 设备台账2026.xlsx），显示在顾问附录中",
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # `Q-ID: b` or `Q-ID: [a, b]` or `Q-ID: 35` are shorthand for {value: ...}
        if isinstance(data, dict):
            return data
        if isinstance(data, int) and not isinstance(data, bool):
            return {"value": float(data)}
        return {"value": data}

    @field_validator("note", "justification", "evidence", mode="before")
    @classmethod
    def _clean(cls, v: Any) -> Any:
        return clean_text(v) if isinstance(v, str) else v

    @model_validator(mode="after")
    def _na(self) -> Answer:
        if self.na and self.value not in (None, "", []):
            raise ValueError("已标记为不适用（na: true）的题目不能同时有答案")
        return self

    @property
    def is_empty(self) -> bool:
        return not self.na and self.value in (None, "", [])


class AnswersFile(StrictModel):
    questionnaire: Id
    questionnaire_version: SemVer
    enterprise: Enterprise
    created_at: datetime | None = None
    updated_at: datetime | None = None
    depth: Depth | None = Field(
        None,
        description="作答的问卷深度：core 核心问卷（企业负责人自评，约 20 分钟），full 完整问卷（现场评估）；"
        "缺省视为完整问卷。core 答卷中未作答的完整问卷题目记为“未问”，不计分",
    )
    migrated_from: SemVer | None = Field(
        None,
        description="由本工具在迁移旧版答卷时填写：旧版问卷版本号（新版新增、旧版未问的题目记为“未问”，不计分）",
    )
    answers: dict[str, Answer] = Field(default_factory=empty_dict)
