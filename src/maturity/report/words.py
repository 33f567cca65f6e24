"""Words, not codes: what the owner's report says instead of question codes, catalog ids and abbreviations.

- :class:`Plain` turns engine texts that name question codes ("DB-05「…」", "…（QC-04）") into plain words,
  or into "words（QC-04）" for the dossier.
- :data:`GLOSSARY` explains every abbreviation the report may print; :func:`glossary_for` picks those a text uses.
- :func:`region_parts` / :func:`same_region` compare a policy's region with the enterprise's (free text such as
  "江西省赣州市南康区").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from maturity.models.questionnaire import Questionnaire

# Every abbreviation the bundled questionnaires, catalog and templates use, in the words an owner reads.
GLOSSARY: dict[str, str] = {
    "AGV": "自动导引运输车（无人搬运小车）",
    "AIGC": "人工智能生成内容（用生成式人工智能出图、写文案）",
    "ASN": "发货通知（发货前发给客户的装箱、批次和到货时间信息）",
    "DeepSeek": "深度求索公司的大模型产品（对话和写作助手）",
    "EOL": "下线测试（产品装配完成后的出厂测试）",
    "OPC": "工业设备通用数据接口标准（OPC UA 为其统一架构版本）",
    "PACK": "电池组（多只电芯组装并带保护板的成品电池）",
    "QCS": "纸机质量控制系统（在线扫描定量、水分、灰分并自动调节）",
    "UA": "统一架构（OPC UA：设备联网的通用接口标准）",
    "AI": "人工智能",
    "APP": "手机应用程序",
    "APS": "高级计划与排程系统（自动排产软件）",
    "BI": "商业智能（把经营数据做成图表看板的软件）",
    "BOM": "物料清单（一件产品由哪些材料、零件组成，各用多少）",
    "CAD": "计算机辅助设计（设计绘图软件）",
    "CAM": "计算机辅助制造（把图纸转成机床加工程序的软件）",
    "CAPP": "计算机辅助工艺设计（编制工艺路线和工艺卡的软件）",
    "CMMM": "智能制造能力成熟度模型（国家标准GB/T 39116《智能制造能力成熟度模型》，分一至五级）",
    "CNC": "计算机数控（数控机床）",
    "COD": "化学需氧量（废水污染程度的主要指标）",
    "CRM": "客户关系管理系统（客户、商机、订单和回访的管理软件）",
    "DCMM": "数据管理能力成熟度评估模型（国家标准GB/T 36073）",
    "DCS": "集散控制系统（流程型生产线的自动控制系统）",
    "ERP": "企业资源计划系统（管理销售、采购、库存、生产和财务的软件）",
    "GB": "国家标准（GB/T为推荐性国家标准）",
    "IoT": "物联网（设备通过传感器和网络自动上传数据）",
    "IT": "信息技术",
    "KPI": "关键绩效指标（衡量成效的数字，如合格率、交期）",
    "MES": "制造执行系统（车间派工、报工、进度和质量记录的软件）",
    "LIMS": "实验室信息管理系统（化验检测数据按批次记录、审核和出报告的软件）",
    "OA": "办公自动化系统（审批、通知、文件流转等线上办公软件）",
    "MRP": "物料需求计划（按订单和物料清单自动算出要采购多少料）",
    "OEE": "设备综合效率（设备实际产出占理论产能的比例）",
    "OEM": "代工（按客户的设计和品牌生产）",
    "ODM": "为品牌商设计并生产（自己设计、贴客户品牌）",
    "PDA": "手持数据终端（能扫码的手持机）",
    "PDM": "产品数据管理（图纸、BOM和版本的统一管理）",
    "PLC": "可编程逻辑控制器（设备的自动控制器）",
    "PLM": "产品生命周期管理系统（从设计到停产的产品数据管理）",
    "RFID": "射频识别（无线电子标签）",
    "SaaS": "软件即服务（按年订阅、在线使用的云软件）",
    "SCADA": "数据采集与监视控制系统",
    "SPC": "统计过程控制（用控制图等方法及早发现质量波动）",
    "SRM": "供应商关系管理系统（询价、订单、交期和对账的供应商协同软件）",
    "VMI": "供应商管理库存（由供应商按共享的库存和需求数据主动补货）",
    "VOCs": "挥发性有机物（喷涂、印刷等工序排放的废气）",
    "WMS": "仓库管理系统（扫码收发货、库位和盘点管理的软件）",
    "8D": "8D问题解决法（按八个步骤分析和根治质量问题的方法）",
}

# A Latin abbreviation: a whole word of letters with at least two capitals (ERP, SaaS, VOCs), or 8D.
ABBREVIATION = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*|8D)(?![A-Za-z0-9])")


def abbreviations_in(text: str) -> list[str]:
    """Abbreviations a text uses, in order of first use, each once."""
    seen: dict[str, None] = {}
    for m in ABBREVIATION.finditer(text):
        seen.setdefault(m.group(0), None)
    return list(seen)


def glossary_for(text: str) -> list[tuple[str, str]]:
    """The glossary entries for the abbreviations ``text`` uses (alphabetical)."""
    used = set(abbreviations_in(text))
    while True:  # an explanation may itself use an abbreviation (CMMM -> GB/T)
        more = {a for k in used if k in GLOSSARY for a in abbreviations_in(GLOSSARY[k])} - used
        if not more:
            break
        used |= more
    return sorted(((k, v) for k, v in GLOSSARY.items() if k in used), key=lambda kv: kv[0].lower())


# ---- question codes ---------------------------------------------------------------------------
# A code-shaped word: a whole run of letters, digits, "_" and "-"; it is a code when the questionnaire has it.
# One small pattern for every questionnaire, compiled on import, instead of an alternation of every code
# compiled on the first call (about 10 ms of each fresh process that prints an owner's text).
_WORD = r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]+(?![A-Za-z0-9_-])"
_CODE_QUOTE = re.compile(rf"({_WORD})「([^」]*)」")  # "DB-05「text」"
_CODES_IN_PARENS = re.compile(rf"（({_WORD}(?:[、，,/ ]+{_WORD})*)）|\(({_WORD}(?:[、，,/ ]+{_WORD})*)\)")
_CODE = re.compile(_WORD)
_LIST_SEP = re.compile(r"[、，,/ ]+")


@dataclass(frozen=True)
class Plain:
    """Rewrites texts naming question codes of one questionnaire.

    ``owner`` drops the codes (a code standing alone becomes the question's text); otherwise each code is kept
    once, in parentheses after the words (the dossier). ``names``: each code and the words that name it."""

    names: dict[str, str]

    def __call__(self, text: str, *, owner: bool = True) -> str:
        names = self.names
        if not text or not names:
            return text

        def quoted(m: re.Match[str]) -> str | None:  # "DB-05「text」" -> "“text”" (owner) / "“text”（DB-05）"
            if m.group(1) not in names:
                return None
            return f"“{m.group(2)}”" if owner else f"“{m.group(2)}”（{m.group(1)}）"

        text = _sub_codes(_CODE_QUOTE, text, quoted, resume=lambda m: m.end(1))
        if owner:

            def in_parens(m: re.Match[str]) -> str | None:  # "（QC-04）" / "（QC-04、QC-05）" -> ""
                codes = _LIST_SEP.split(m.group(1) if m.group(1) is not None else m.group(2))
                return "" if all(c in names for c in codes) else None

            text = _sub_codes(_CODES_IN_PARENS, text, in_parens, resume=lambda m: m.start() + 1)
            text = _CODE.sub(lambda m: f"“{names[w]}”" if (w := m.group(0)) in names else w, text)
        return text


def _sub_codes(
    pattern: re.Pattern[str],
    text: str,
    repl: Callable[[re.Match[str]], str | None],
    resume: Callable[[re.Match[str]], int],
) -> str:
    """``pattern.sub(repl, text)``, except that where ``repl`` gives None (the words are not all codes) the
    text is kept and the search goes on from ``resume(match)``, inside the match: what a pattern of the codes
    themselves would have found there is still found."""
    out: list[str] = []
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        new = repl(m)
        if new is None:
            out.append(text[pos : resume(m)])
            pos = resume(m)
        else:
            out.append(text[pos : m.start()] + new)
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _question_name(text: str) -> str:
    t = text.strip().rstrip("？?")
    return t if len(t) <= 24 else t[:23] + "…"


@cache
def _plain_for(qid: str, version: str, ids: tuple[str, ...], texts: tuple[str, ...]) -> Plain:
    return Plain({i: _question_name(t) for i, t in zip(ids, texts, strict=True)})


def plain_for(q: Questionnaire) -> Plain:
    """The rewriter for ``q``'s question codes (codes with a letter and a dash or digit only, e.g. QC-04)."""
    qs = [x for x in q.questions if re.search(r"[A-Za-z]", x.id) and re.search(r"[-\d]", x.id)]
    # a question is named by its short label where it has one ("数据自动采集"), not a cut of its text
    return _plain_for(q.id, q.version, tuple(x.id for x in qs), tuple(x.short or x.text for x in qs))


# ---- regions ----------------------------------------------------------------------------------
_PROVINCE = re.compile(r"^(.{2,8}?(?:省|自治区|特别行政区))")
_CITY = re.compile(r"^(.{2,8}?(?:市|自治州|地区|盟))")


def region_parts(region: str) -> tuple[str, str]:
    """(province, city) of a free-text region, either possibly ""; "北京市朝阳区" -> ("", "北京市")."""
    s = re.sub(r"[（(].*?[）)]", "", region or "").strip()
    prov = _PROVINCE.match(s)
    rest = s[prov.end() :] if prov else s
    city = _CITY.match(rest)
    return (prov.group(1) if prov else "", city.group(1) if city else "")


def amounts_region(policy_region: str) -> str:
    """The place a policy's figures come from: "全国试点城市（额度示例为广东省中山市，…）" -> "广东省中山市";
    "" for a national policy."""
    m = re.search(r"示例为([^，,；;）)]+)", policy_region or "")
    if m:
        return m.group(1).strip()
    return "" if (policy_region or "").startswith("全国") else (policy_region or "")


def same_region(policy_region: str, enterprise_region: str) -> bool | None:
    """None for a national policy (no region); else whether the enterprise lies in the region its figures are for."""
    prov, city = region_parts(amounts_region(policy_region))
    if not prov and not city:
        return None
    ent = enterprise_region or ""
    if city:
        return city in ent
    return prov in ent or prov.removesuffix("省") in ent


def where_to_ask(enterprise_region: str) -> str:
    """Where an owner asks about local support, named for their own city or county."""
    prov, city = region_parts(enterprise_region)
    place = city or prov or "当地"
    county = re.sub(r"[（(].*?[）)]", "", enterprise_region or "")[len(prov) + len(city) :]
    local = county if county.endswith(("区", "县", "市")) and len(county) >= 2 else ""
    first = f"{local}或{place}" if local else place
    return f"{first}的工业和信息化主管部门（工信局）或中小企业服务中心"
