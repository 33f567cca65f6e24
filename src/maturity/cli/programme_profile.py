"""The interview's optional programme questions (区县、园区、规上/规下、专精特新梯度、人数、营收、评估方式、服务商、日期).

Asked after the basic profile, only when the user says yes (Enter skips them all): an owner assessing alone
can leave them out; a 数字专员 on a campaign fills them so the answers roll up by district.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

_TEXT = {
    "zh": {
        "intro": "是否填写项目信息（省/市/区县、园区、规上/规下、专精特新等，供主管部门汇总）？[y/N]：",
        "province": "所在省（如 江西；回车跳过）：",
        "city": "所在地级市（输入序号，回车跳过）：",
        "county": "所在区县（输入序号，回车跳过）：",
        "park": "所在园区（回车跳过）：",
        "scale": "规上/规下（输入序号，回车跳过）：",
        "tier": "专精特新梯度（输入序号，回车跳过）：",
        "employees": "从业人员人数（回车跳过）：",
        "employees_bad": "请填写整数人数，如 120。",
        "revenue": "上年营业收入区间（输入序号，回车跳过）：",
        "mode": "评估方式（输入序号，回车按自评）：",
        "provider": "服务商（承担诊断的机构，回车跳过）：",
        "date": "评估日期（如 2025-03-18，回车为今天）：",
        "date_bad": "请按 2025-03-18 的格式填写日期。",
    },
    "en": {
        "intro": "Add programme details (province/city/county, park, size class, SME tier)? [y/N]: ",
        "province": "Province (Enter to skip): ",
        "city": "City (number, Enter to skip): ",
        "county": "County (number, Enter to skip): ",
        "park": "Industrial park (Enter to skip): ",
        "scale": "Above/below designated size (number, Enter to skip): ",
        "tier": "SME tier (number, Enter to skip): ",
        "employees": "Employees (Enter to skip): ",
        "employees_bad": "Please enter a whole number, e.g. 120.",
        "revenue": "Revenue band last year (number, Enter to skip): ",
        "mode": "Assessment mode (number, Enter for self-assessment): ",
        "provider": "Service provider (Enter to skip): ",
        "date": "Assessment date (e.g. 2025-03-18, Enter for today): ",
        "date_bad": "Please use the form 2025-03-18.",
    },
}


def _numbered(items: list[str]) -> str:
    return "\n".join(f"  {i}. {t}" for i, t in enumerate(items, 1))


def ask_programme_profile(ui: Any) -> dict[str, Any]:
    """The optional programme fields of the profile, as Enterprise keyword arguments ({} when skipped)."""
    from maturity.data.divisions import divisions
    from maturity.models.answers import (
        MODE_NAMES,
        REVENUE_BAND_NAMES,
        SCALE_NAMES,
        SME_TIER_NAMES,
        clean_text,
    )

    t = _TEXT.get(getattr(ui.msg, "lang", "zh"), _TEXT["zh"])
    if ui.ask(t["intro"]).strip().lower() not in ("y", "yes", "是", "1"):
        return {}
    out: dict[str, Any] = {}
    div = divisions()
    while True:
        prov = clean_text(ui.ask(t["province"]))
        if not prov:
            break
        try:
            place = div.resolve(prov)
        except ValueError as e:
            ui.problem(str(e))
            continue
        out["province"] = place.province
        node = div.by_code[place.code]
        for level in ("city", "county"):
            kids = div.children(node.code)
            kids = [d for d in kids if d.level == level] if level == "county" else kids
            if not kids:
                continue
            ui.say(_numbered([d.name for d in kids]))
            k = ui.choose(t[level], len(kids), allow_empty=True)
            if not k:
                break
            node = kids[k - 1]
            if node.level == "county":
                out["region_code"] = node.code
                break
            out["region_code"] = node.code
        break
    park = clean_text(ui.ask(t["park"]))
    if park:
        out["park"] = park
    for key, field, names in (("scale", "scale", SCALE_NAMES), ("tier", "sme_tier", SME_TIER_NAMES)):
        ui.say(_numbered(list(names.values())))
        k = ui.choose(t[key], len(names), allow_empty=True)
        if k:
            out[field] = list(names)[k - 1]
    while True:
        text = unicodedata.normalize("NFKC", ui.ask(t["employees"])).strip().removesuffix("人")
        if not text:
            break
        if text.isdigit():
            out["employees"] = int(text)
            break
        ui.problem(t["employees_bad"])
    for key, field, names in (("revenue", "revenue_band", REVENUE_BAND_NAMES), ("mode", "mode", MODE_NAMES)):
        ui.say(_numbered(list(names.values())))
        k = ui.choose(t[key], len(names), allow_empty=True)
        if k:
            out[field] = list(names)[k - 1]
    provider = clean_text(ui.ask(t["provider"]))
    if provider:
        out["service_provider"] = provider
    while True:
        text = unicodedata.normalize("NFKC", ui.ask(t["date"])).strip()
        if not text:
            out["assessed_on"] = date.today()
            break
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
        try:
            out["assessed_on"] = date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        except ValueError:
            out["assessed_on"] = None
        if out["assessed_on"] is not None:
            break
        ui.problem(t["date_bad"])
    if "region_code" in out:
        out.pop("province", None)  # the code names the province, city and county
    return out
