"""An Evaluation (assessment, plan, national grade, next steps, peer cohort, previous assessment) -> a plain ReportContext.

Everything the templates show is computed here, as plain dataclasses of strings and numbers; templates only
lay it out. No WeasyPrint, typer or rich imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from maturity import __version__
from maturity.models.catalog import Plan, Range
from maturity.models.evaluation import Evaluation, PeerStanding
from maturity.models.questionnaire import DEPTH_NAMES
from maturity.models.results import Assessment, DimensionResult, NationalGrade, QuestionResult
from maturity.report import charts
from maturity.report.dossier import CrosswalkRow, GateView, crosswalk_rows, gate_views
from maturity.report.words import Plain, amounts_region, plain_for, same_region, where_to_ask

if TYPE_CHECKING:
    from maturity.engine.scoring import Scheme

STATUS_TEXT = {
    "answered": "",
    "na": "不适用",
    "unanswered": "未作答",
    "hidden": "未涉及（前提题为否）",
    "not_applicable": "不适用本行业",
    "not_asked": "未问（本次问卷未包含，不计分）",
    "unscored": "不计分",
}
KIND_TEXT = {"scenario": "典型场景", "foundation": "基础维度", "group": "场景组"}

_SPACES = re.compile(" +")


def _wide(ch: str) -> bool:
    """CJK for typesetting: U+2E80–U+9FFF, compatibility ideographs, fullwidth forms, planes 2–3 (tested in
    Python: a regex class with these ranges takes milliseconds to compile, at every start)."""
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF


def _after_wide(m: re.Match[str]) -> str:
    return "" if m.start() > 0 and _wide(m.string[m.start() - 1]) else m.group()


def _before_wide(m: re.Match[str]) -> str:
    return "" if m.end() < len(m.string) and _wide(m.string[m.end()]) else m.group()


def zh(text: Any) -> str:
    """Chinese typesetting: drop ASCII spaces next to CJK characters (they would print as wide gaps): first
    the runs of spaces after one, then those before one."""
    s = "" if text is None else str(text)
    return _SPACES.sub(_before_wide, _SPACES.sub(_after_wide, s)).strip()


def num(x: float | None, digits: int = 1) -> str:
    if x is None:
        return "—"
    s = f"{x:.{digits}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def cn_date(d: date | datetime | None) -> str:
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


# ---- context dataclasses ----------------------------------------------------------------------
@dataclass
class LevelView:
    id: str
    rank: int
    label: str
    name: str
    description: str = ""
    signs: list[str] = field(default_factory=list)
    aligned_with: str = ""
    state: str = "future"  # reached | current | next | future


@dataclass
class QuestionView:
    id: str
    text: str
    answer: str
    status: str
    score: str  # formatted, "—" when not scored
    score_value: float | None
    note: str = ""
    justification: str = ""
    evidence: str = ""
    gap: float = 0.0  # points of the overall score this question leaves on the table


@dataclass
class Recommendation:
    title: str
    what: str = ""
    reasons: list[str] = field(default_factory=list)  # in words (the owner's report)
    cost: str = ""
    time: str = ""
    lift: str = ""  # what the item does to its dimension, re-scored: "数字化质量检测 L4→L6（+13.6 分）"
    policy: list[str] = field(default_factory=list)
    kpis: list[str] = field(default_factory=list)
    dimension: str = ""
    dimension_name: str = ""
    horizon: str = ""
    prerequisites: list[str] = field(default_factory=list)  # "title（已具备）" / "title（0–3 个月速赢）"
    reasons_coded: list[str] = field(default_factory=list)  # with question codes in parentheses (the dossier)
    weeks: str = ""  # "第1–6周" within the roadmap


@dataclass
class PolicyView:
    name: str
    summary: str
    amount: str = ""
    eligibility: str = ""
    region: str = ""  # as the catalog gives it; "" for national
    local: bool | None = (
        None  # None national, True the enterprise's own region, False another region's example
    )
    note: str = ""  # the plain word on another region's example and where to ask


@dataclass
class LeftOutGroup:
    reason: str
    titles: list[str]


@dataclass
class Horizon:
    name: str
    target_level: str = ""
    items: list[Recommendation] = field(default_factory=list)
    cost: str = ""


@dataclass
class PlanView:
    horizons: list[Horizon]
    notes: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    disclaimer: str = ""
    target: str = ""
    total_cost: str = ""
    lead: str = ""  # how the roadmap is ordered and staged, and where it ends, as this plan has it
    priorities: str = ""  # how the owner's own problems, their order and the budget were used
    policies: list[PolicyView] = field(default_factory=list)  # the enterprise's own region first
    left_out_groups: list[LeftOutGroup] = field(default_factory=list)
    left_out_shown: int = 0  # names each group lists (LEFT_OUT_SHOWN); the rest are counted
    policy_note: str = ""

    @property
    def items(self) -> list[Recommendation]:
        return [i for h in self.horizons for i in h.items]


@dataclass
class DimensionView:
    id: str
    name: str
    kind: str
    kind_text: str
    description: str
    score: float | None
    score_text: str
    level_label: str
    level_name: str
    answered: int
    total: int
    weight: float
    previous_score: str = ""
    delta: str = ""
    peer_median: str = ""


@dataclass
class ScenarioView:
    dim: DimensionView
    questions: list[QuestionView]
    strengths: list[QuestionView]
    weaknesses: list[QuestionView]
    next_level: str = ""  # e.g. "L4 规范管理级"
    next_min_score: str = ""
    score_gap: str = ""
    gate_items: list[str] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # this scenario's solutions not in the roadmap


@dataclass
class ProgressView:
    previous_date: str
    previous_level: str
    previous_score: str
    score_delta: str
    level_change: str  # "up", "down" or "same"
    dimensions: list[DimensionView]
    changed_answers: list[tuple[str, str, str, str]]  # (id, text, before, after); the id for the dossier only


PeerContext = PeerStanding  # the report's name for a batch cohort standing


@dataclass
class GradeView:
    scheme_title: str
    estimated: bool
    grade_label: str
    grade_name: str
    score: str
    score_label: str
    breakdown: list[tuple[str, str, str]]  # (name, points, max)
    scenes: list[tuple[str, str, bool]]  # (name, level text, binding)
    scenes_reached: int
    scenes_binding: int
    blockers: list[tuple[str, list[str]]]
    pending: list[tuple[str, str]]
    note: str
    next_grade: str = ""  # e.g. "二级"


@dataclass
class SourceView:
    id: str
    title: str
    issuer: str
    ref: str
    year: str
    url: str


@dataclass
class ReportContext:
    title: str
    lang: str
    generator: str
    enterprise: dict[str, str]
    assessed_on: str
    questionnaire: dict[str, str]
    level: LevelView
    band_level: LevelView | None
    next_level: LevelView | None
    score: str
    score_label: str
    answered: int
    applicable: int
    levels: list[LevelView]
    dimensions: list[DimensionView]
    foundations: list[DimensionView]
    scenarios: list[ScenarioView]
    strongest: list[DimensionView]
    weakest: list[DimensionView]
    next_steps: list[str]
    blockers: list[tuple[str, list[str]]]
    radar_svg: str
    ladder_svg: str
    appendix: list[tuple[DimensionView, list[QuestionView]]]
    sources: list[SourceView]
    scheme_note: str
    rules_title: str
    method: list[str]
    disclaimer: str
    keywords: str
    plan: PlanView | None = None
    progress: ProgressView | None = None
    peer: PeerContext | None = None
    peer_rank_text: str = ""
    grade: GradeView | None = None
    depth_text: str = ""  # 核心问卷 / 完整问卷 (empty when the answers file does not say)
    not_asked: int = 0  # scored questions never asked, left out of the score
    not_asked_dimensions: list[str] = field(
        default_factory=list
    )  # dimensions none of whose questions was asked
    grade_step: str = ""  # the cheapest change that reaches the next national grade, in words
    next_steps_from_plan: bool = False
    dossier: bool = False  # the consultant's appendix (answers with codes, method, gates, crosswalk)
    glossary: list[tuple[str, str]] = field(default_factory=list)  # filled from the rendered text
    prepare: list[tuple[str, list[str]]] = field(default_factory=list)  # before the next visit
    gates: list[GateView] = field(default_factory=list)
    crosswalk: list[CrosswalkRow] = field(default_factory=list)
    crosswalk_title: str = ""
    questionnaire_text: str = ""  # "title（版本1.0.0）", no ids
    where_to_ask: str = "当地工业和信息化主管部门（工信局）或中小企业服务中心"


DISCLAIMER = (
    "本报告是企业依据本工具问卷所作的自评估结果，反映的是填写人对企业现状的判断，未经第三方核实。"
    "报告中的L1–L7+等级是本工具自定义的成熟度阶梯，不是任何政府部门或评定机构的官方评定（评定、认定或评级），"
    "不能替代官方评测结果，也不能作为申请补贴或资质的证明材料。"
    "报告中的投入与周期均为参考区间，不构成报价；政策支持以当地主管部门发布的最新文件为准。"
)


# ---- builders ---------------------------------------------------------------------------------
def _level_views(scheme: Scheme, a: Assessment) -> list[LevelView]:
    out = []
    for lv in scheme.questionnaire.levels_sorted():
        if lv.rank < a.level.rank:
            state = "reached"
        elif lv.rank == a.level.rank:
            state = "current"
        elif a.next_level is not None and lv.id == a.next_level.id:
            state = "next"
        else:
            state = "future"
        out.append(
            LevelView(
                lv.id,
                lv.rank,
                lv.label,
                lv.name,
                zh(lv.description),
                [zh(s) for s in lv.signs],
                zh(lv.aligned_with),
                state,
            )
        )
    return out


def _dim_view(d: DimensionResult, descriptions: dict[str, str]) -> DimensionView:
    return DimensionView(
        id=d.id,
        name=d.name,
        kind=d.kind,
        kind_text=KIND_TEXT.get(d.kind, d.kind),
        description=zh(descriptions.get(d.id, "")),
        score=d.score,
        score_text=num(d.score),
        level_label=d.level.label if d.level else "—",
        level_name=d.level.name if d.level else "",
        answered=d.answered,
        total=d.total,
        weight=d.weight,
    )


def _answer_text(x: QuestionResult) -> str:
    if x.status == "answered" or x.status == "unscored":
        return zh(x.answer_text) or (str(x.answer) if x.answer is not None else "")
    return STATUS_TEXT.get(x.status, x.status)


def _question_view(x: QuestionResult) -> QuestionView:
    return QuestionView(
        id=x.id,
        text=zh(x.text),
        answer=_answer_text(x),
        status=x.status,
        score=num(x.score, 0) if x.score is not None else "—",
        score_value=x.score,
        note=x.note,
        justification=x.justification,
        evidence=zh(x.evidence),
        gap=max(0.0, x.max_contribution - x.contribution),
    )


def _range_text(r: Range, unit: str) -> str:
    lo, hi = float(r.min), float(r.max)
    return f"{num(lo)}{unit}" if lo == hi else f"{num(lo)}–{num(hi)}{unit}"


_LEFT_OUT_GROUP = {
    "budget": "超出本次预算（按优先顺序，括号内为参考费用）：",  # with the budget and what is spent, below
    "prerequisite": "前置方案未排入路线图，暂不能实施：",
    "requires": "路线图各阶段开始时仍不具备实施条件：",
    "covered": "路线图中已安排的其他方案已包含其改进内容：",
}
# names a group of left-out solutions lists in the owner's report (all of them are in the appendix)
LEFT_OUT_SHOWN = 6


def _capacity_reason(reason: str) -> str:
    m = re.search(r"最多\s*([\d/]+)\s*项", reason)
    caps = "、".join(m.group(1).split("/")) if m else ""
    limit = f"（三个阶段分别最多安排{caps}项）" if caps.count("、") == 2 else ""
    return f"两年路线图已排满{limit}或部署周期放不下，建议完成前几阶段后重新评估再安排："


def _policy_views(plan: Plan, enterprise_region: str) -> list[PolicyView]:
    ask = where_to_ask(enterprise_region)
    views = []
    for p in plan.policies:
        local = same_region(p.region, enterprise_region) if enterprise_region else None
        region = zh(p.region)
        note = ""
        if local is False:
            example = zh(amounts_region(p.region)) or region
            note = (
                f"以上额度是{example}的示例，{zh(enterprise_region)}的政策和标准可能不同：请向{ask}咨询"
                "本地是否有同类支持、额度和申报时间。"
            )
        views.append(
            PolicyView(
                name=zh(p.name),
                summary=zh(p.summary),
                amount=zh(p.amount),
                eligibility=zh(p.eligibility),
                region=region,
                local=local,
                note=note,
            )
        )
    order = {True: 0, None: 1, False: 2}
    return sorted(views, key=lambda v: order[v.local])  # stable: catalog order within each group


def _plan_model_view(
    plan: Plan,
    plain: Plain | None = None,
    titles: dict[str, str] | None = None,
    enterprise_region: str = "",
    baselines: dict[str, str] | None = None,
    at_top: bool = False,
) -> PlanView | None:
    plain = plain or Plain({})
    baselines = baselines or {}

    def kpi_text(k: Any) -> str:
        text = f"{zh(k.metric)}{zh(k.target)}"
        if k.baseline and k.baseline in baselines:
            text += f"（现状：{baselines[k.baseline]}）"
        return text

    titles = dict(titles or {})
    policy_names = {p.id: p.name for p in plan.policies}
    for h in plan.horizons:
        titles.update({i.id: i.title for i in h.items})
    titles.update({x.id: x.title for x in plan.left_out})
    where = {i.id: zh(h.name) for h in plan.horizons for i in h.items}
    left_ids = {x.id for x in plan.left_out}

    def name_of(sid: str) -> str:
        return zh(titles.get(sid, "另一项方案"))

    def prereq(sid: str) -> str:
        if sid in where:
            return f"{name_of(sid)}（{where[sid]}）"
        return f"{name_of(sid)}（{'未排入' if sid in left_ids else '已具备'}）"

    horizons = []
    for h in plan.horizons:
        items = [
            Recommendation(
                title=zh(i.title),
                what=zh(i.changes),
                reasons=(
                    [zh(plain(r.text)) for r in i.reasons] or [zh(plain(i.because.removeprefix("因为：")))]
                )
                + ([zh(i.in_use_note)] if i.in_use_note and i.reasons else []),
                reasons_coded=[zh(plain(r.text, owner=False)) for r in i.reasons]
                or [zh(i.because.removeprefix("因为："))],
                cost=_range_text(i.cost, "万元") + (f"（{zh(i.cost_note)}）" if i.cost_note else ""),
                time=_range_text(i.weeks, "周"),
                lift=zh(i.lift),
                policy=[zh(policy_names.get(pid, "")) for pid in i.policies if pid in policy_names],
                kpis=[kpi_text(k) for k in i.kpis],
                dimension=i.dimension,
                dimension_name=zh(i.dimension_name),
                horizon=zh(h.name),
                prerequisites=[prereq(p) for p in i.prerequisites],
                weeks=f"第{i.start_week + 1}–{i.finish_week}周",
            )
            for i in h.items
        ]
        horizons.append(
            Horizon(
                name=zh(h.name),
                items=items,
                cost=f"{num(h.cost_min)}–{num(h.cost_max)}万元",
                target_level=f"{h.projected_level.label}{h.projected_level.name}（{num(h.projected_score)}分）"
                + (
                    f"，全国评测估算{h.projected_grade.label}"
                    + (
                        f"（临界：离{h.projected_grade.label}的门槛很近，现场评测可能评不上）"
                        if h.projected_grade.borderline
                        else ""
                    )
                    if h.projected_grade is not None
                    else ""
                ),
            )
        )
    if not any(h.items for h in horizons):
        return None

    def missing_prereqs(x: Any) -> list[str]:
        return [zh(t) for t in x.missing_titles] or [name_of(m) for m in x.missing]

    def left_text(x: Any) -> str:
        if x.kind == "prerequisite":
            return f"前置方案{'、'.join(missing_prereqs(x)) or '（见路线图）'}未纳入计划，本方案无法先行实施"
        if x.kind == "capacity":
            return _capacity_reason(x.reason)
        return zh(plain(x.reason))

    groups: dict[str, LeftOutGroup] = {}
    for x in plan.left_out:
        reason = (
            _capacity_reason(x.reason) if x.kind == "capacity" else _LEFT_OUT_GROUP.get(x.kind, "其他原因")
        )
        if x.kind == "budget" and plan.budget is not None:
            reason = (
                f"超出本次预算（预算{num(plan.budget)}万元，按参考费用上限已安排{num(plan.total_cost_max)}万元；"
                "以下按优先顺序，括号内为参考费用）："
            )
        title = zh(x.title)
        if x.kind == "prerequisite":
            title += f"（需先实施：{'、'.join(missing_prereqs(x))}）"
        elif x.kind == "budget":
            title += f"（{_range_text(x.cost, '万元')}）"
        elif x.kind == "requires":
            title += f"（{zh(plain(x.reason.split('：', 1)[-1]))}）"
        groups.setdefault(reason, LeftOutGroup(reason, [])).titles.append(title)
    return PlanView(
        horizons=horizons,
        lead=plan_lead(plan, at_top),
        priorities=zh(plan.priorities),
        notes=[zh(plan.method)] if plan.method else [],
        left_out=[f"{zh(x.title)}：{left_text(x)}" for x in plan.left_out],
        disclaimer=zh(plan.note),
        target=f"{plan.target_level.label}{plan.target_level.name}",
        total_cost=f"{num(plan.total_cost_min)}–{num(plan.total_cost_max)}万元",
        policies=_policy_views(plan, enterprise_region),
        left_out_groups=list(groups.values()),
        left_out_shown=LEFT_OUT_SHOWN,
    )


_ZH_COUNT = "一两三四五六七八九十"
STRONG = 50  # a scenario's answers from here up are "已经做到的" (the middle option: in a system, managed)


def plan_lead(plan: Plan, at_top: bool = False) -> str:
    """The roadmap's first sentences: its order, the stages that hold measures, and where it ends — moved up a
    level, or (said as plainly) still at the current one."""
    staged = [h for h in plan.horizons if h.items]
    order = (
        "按您所选的问题、前置条件和对下一等级的影响排序" if plan.pains else "按前置条件和对下一等级的影响排序"
    )
    if len(staged) > 1:
        stages = f"分{_ZH_COUNT[len(staged) - 1]}个阶段实施（{'、'.join(zh(h.name) for h in staged)}）"
    elif staged:
        stages = f"本次措施都安排在{zh(staged[0].name)}"
    else:
        return ""
    end = staged[-1]
    now, after = plan.current_level, end.projected_level
    scores = f"{num(plan.current_score)}→{num(end.projected_score)}分"
    cost = f"，参考总投入{num(plan.total_cost_min)}–{num(plan.total_cost_max)}万元"
    if after.rank > now.rank:
        target = f"全部完成后预计可达到{after.label}{after.name}（{scores}）{cost}"
    elif at_top:
        target = f"全部完成后仍为{now.label}{now.name}（{scores}）{cost}"
    else:
        target = (
            f"全部完成后预计仍为{now.label}{now.name}（{scores}）{cost}；"
            f"升到下一级还缺的条件见“升级还缺什么”，本次预算内的措施补不上"
        )
    return f"{order}，{stages}，每项措施只列一次。{target}。"


def plan_view(
    plan: Plan | None,
    plain: Plain | None = None,
    titles: dict[str, str] | None = None,
    enterprise_region: str = "",
    baselines: dict[str, str] | None = None,
    at_top: bool = False,
) -> PlanView | None:
    """The roadmap as plain values; None if it has nothing to show. ``baselines``: baseline KPI question id ->
    "准时交付率 82%" (the answers' recorded figures), shown beside the solution KPIs they measure; ``at_top``:
    the firm is already at the ladder's top level."""
    return (
        None if plan is None else _plan_model_view(plan, plain, titles, enterprise_region, baselines, at_top)
    )


def baselines_of(ev: Evaluation) -> dict[str, str]:
    """The baseline KPIs the answers record (record number questions answered), as "short name value", with the
    owner's note where one was given (it says what the figure is per: "每吨合格原纸")."""
    qmap = ev.scheme.questionnaire.question_map
    out: dict[str, str] = {}
    for x in ev.assessment.questions:
        q = qmap.get(x.id)
        if q is not None and q.record and q.kind == "number" and x.answer_text:
            out[x.id] = f"{zh(q.short or q.text)} {x.answer_text}" + (f"，{zh(x.note)}" if x.note else "")
    return out


def _grade_view(g: NationalGrade, plain: Plain) -> GradeView:
    reached = [s for s in g.scenes if s.level not in (None, "0")]
    target = _plain_of_scheme(g.scheme_id)  # the national scheme's own codes ("营销管理（S3）") go as well

    def words(text: str) -> str:
        return zh(target(plain(text)))

    return GradeView(
        scheme_title=zh(g.scheme_title),
        estimated=g.estimated,
        grade_label=g.grade.label,
        grade_name=g.grade.name,
        score=num(g.score, 2),
        score_label=g.score_label,
        breakdown=[(d.name, num((d.score or 0) * d.weight / 100, 2), num(d.weight, 2)) for d in g.breakdown],
        scenes=[
            (zh(s.name), zh(s.level_text) if s.level is not None else "待补充", s.binding) for s in g.scenes
        ],
        scenes_reached=len(reached),
        scenes_binding=sum(1 for s in reached if s.binding),
        blockers=[(words(b.text), [tidy_condition(words(m)) for m in b.missing[:6]]) for b in g.blockers],
        pending=[(p.id, zh(p.text)) for p in g.pending],
        note=zh(g.note),
    )


def _plain_of_scheme(scheme_id: str) -> Plain:
    """The code rewriter of a bundled scheme's questionnaire (none for a scheme that is not bundled)."""
    from maturity.errors import MaturityError
    from maturity.load import bundled

    try:
        return plain_for(bundled.scheme(scheme_id).questionnaire)
    except MaturityError:
        return Plain({})


def tidy_condition(text: str, keep: int = 4) -> str:
    """A gate condition for the owner: without the list of what is already reached, and at most ``keep`` of
    what is not (the dossier lists every gate in full)."""
    text = re.sub(r"（已达到：[^（）]*(?:（[^（）]*）[^（）]*)*）", "", text)
    head, sep, rest = text.partition("未达到：")
    if not sep:
        return text
    items = [x for x in rest.split("、") if x]
    if len(items) > keep:
        return f"{head}未达到：{'、'.join(items[:keep])}等{len(items)}项"
    return text


def _few(items: list[str], n: int = 6) -> list[str]:
    return items if len(items) <= n else [*items[:n], f"……另有{len(items) - n}项，见完整题目清单"]


def _prepare(ev: Evaluation, plan_v: PlanView | None) -> list[tuple[str, list[str]]]:
    """What the enterprise gets ready before the next visit, each heading with its concrete items."""
    a = ev.assessment
    out: list[tuple[str, list[str]]] = []
    unanswered = [zh(x.text) for x in a.questions if x.status == "unanswered"]
    if unanswered:
        out.append((f"补答尚未作答的{len(unanswered)}道题（未作答按0分计）", _few(unanswered)))
    clash = ev.scheme.contradictions(ev.scheme.state_of(a))
    if clash:
        out.append(
            (
                f"现场核实{len(clash)}处相互矛盾的作答（核实后改答，得分和等级会随之变化）",
                [zh(c.message) for c in clash],
            )
        )
    qmap = ev.scheme.questionnaire.question_map
    never = [
        zh(qmap[x.id].short or x.text) if x.id in qmap else zh(x.text)
        for x in a.questions
        if x.status == "not_asked" and x.id in qmap and qmap[x.id].scored
    ]
    if never:
        out.append(
            (
                f"现场评估时补问本次未问的{len(never)}道题（用完整问卷作答；未问的题不计分，所在维度按已问题目计算）",
                _few(never, 8),
            )
        )
    na = [
        zh(x.text) + (f"（所填理由：{zh(x.justification)}）" if x.justification else "")
        for x in a.questions
        if x.status == "na"
    ]
    if na:
        out.append((f"核实选了“不适用”的{len(na)}道题确实不适用（不适用的题不计入得分）", _few(na)))
    if ev.grade is not None and ev.grade.pending:
        out.append(
            (
                f"准备全国评测中本问卷无法确定的{len(ev.grade.pending)}项指标的情况说明",
                _few([zh(p.text) for p in ev.grade.pending]),
            )
        )
    if plan_v is not None and plan_v.horizons and plan_v.horizons[0].items:
        metrics: list[str] = []
        for r in plan_v.horizons[0].items:
            for k in ev.plan.horizons[0].items if ev.plan else []:
                if zh(k.title) == r.title:
                    metrics += [zh(x.metric) for x in k.kpis if zh(x.metric) not in metrics]
        if metrics:
            out.append(("记下以下指标现在的数值，作为第一阶段改进前的基线（以后对比成效）", _few(metrics, 8)))
    recorded = baselines_of(ev)
    if recorded:
        out.append(("已记录的基线指标（以后按同一口径对比成效）", list(recorded.values())))
    out.append(
        (
            "现场核实时要看的材料",
            [
                "在用软件的实际操作演示（登录后现场查看近一个月的数据，而不是介绍材料）",
                "设备台账与联网设备清单、近三个月的检验记录、报工或生产日报、能耗台账",
                "已有的制度文件：质量管理、设备管理、网络和数据安全管理制度",
            ],
        )
    )
    if ev.provenance.mode == "self":
        out.append(
            (
                "本次为企业自评",
                ["建议请数字专员或服务商现场核实后再用于补贴或评测申报；核实时逐题对照上面的材料。"],
            )
        )
    return out


def _catalog_solutions(questionnaire_id: str) -> dict[str, tuple[str, str]]:
    """Solution id -> (title, dimension) in the questionnaire's bundled catalog (names for prerequisites)."""
    from maturity.load import bundled

    try:
        cat = bundled.catalog(questionnaire_id)
    except Exception:  # a missing or damaged catalog only costs the names
        return {}
    return {} if cat is None else {x.id: (x.title, x.dimension) for x in cat.solutions}


def _programme_profile(e: Any) -> dict[str, str]:
    """The structured profile a programme manager files the firm under (empty strings where not given)."""
    from maturity.models.answers import SCALE_NAMES, SME_TIER_NAMES

    division = "".join(dict.fromkeys(x for x in (e.province, e.city, e.county) if x))
    return {
        "division": division,
        "park": e.park,
        "scale": SCALE_NAMES.get(e.scale, "") if e.scale else "",
        "sme_tier": SME_TIER_NAMES.get(e.sme_tier, "") if e.sme_tier and e.sme_tier != "none" else "",
        "service_provider": e.service_provider,
    }


def build_context(evaluation: Evaluation, *, dossier: bool = False) -> ReportContext:
    """Everything the templates need, as plain values; ``dossier`` adds the consultant's appendix."""
    ev = evaluation
    a, scheme, peer, grade = ev.assessment, ev.scheme, ev.peer, ev.grade
    plain = plain_for(scheme.questionnaire)
    previous = ev.previous.assessment if ev.previous else None
    previous_date = ev.previous.assessed_on if ev.previous else None
    q = scheme.questionnaire
    descriptions = {d.id: d.description for d in q.dimensions}
    levels = _level_views(scheme, a)
    by_id = {lv.id: lv for lv in levels}
    level = by_id[a.level.id]
    next_level = by_id.get(a.next_level.id) if a.next_level else None
    band_level = by_id.get(a.band_level.id) if a.band_level.rank > a.level.rank else None

    prev_dims = {d.id: d for d in previous.dimensions} if previous else {}
    shown_dims = [d for d in a.dimensions if d.total > 0 and d.score is not None]
    dims = [_dim_view(d, descriptions) for d in shown_dims]
    for dv in dims:
        pd = prev_dims.get(dv.id)
        if pd is not None and pd.score is not None and dv.score is not None:
            dv.previous_score = num(pd.score)
            delta = dv.score - pd.score
            dv.delta = ("+" if delta > 0 else "") + num(delta)
        if peer is not None and dv.id in peer.dimension_medians:
            dv.peer_median = num(peer.dimension_medians[dv.id])

    qviews = {x.id: _question_view(x) for x in a.questions}
    solutions = _catalog_solutions(a.questionnaire_id) if ev.plan is not None else {}
    titles = {k: v[0] for k, v in solutions.items()}
    plan_v = plan_view(ev.plan, plain, titles, a.enterprise.region, baselines_of(ev), a.next_level is None)

    # scenario sections
    bands = sorted(scheme.rules.dimension_bands, key=lambda b: b.min_score)
    level_label = {lv.id: f"{lv.label}{lv.name}" if lv.label != lv.name else lv.name for lv in levels}
    scenarios: list[ScenarioView] = []
    for dv in dims:
        if dv.kind != "scenario":
            continue
        qs = [
            qviews[x.id]
            for x in a.questions
            if x.dimension == dv.id and x.status not in ("not_applicable", "not_asked")
        ]
        scored = [x for x in qs if x.score_value is not None]
        sv = ScenarioView(
            dim=dv,
            questions=qs,
            # done: at least the middle of the scale (in most questions "managed in a system"), best first;
            # lacking: below it, the most points to gain first
            strengths=sorted(
                (x for x in scored if (x.score_value or 0) >= STRONG and x.status == "answered"),
                key=lambda x: -(x.score_value or 0),
            ),
            weaknesses=sorted((x for x in scored if (x.score_value or 0) < STRONG), key=lambda x: -x.gap),
        )
        nxt = next((b for b in bands if dv.score is not None and b.min_score > dv.score), None)
        if nxt is not None:
            sv.next_level = level_label.get(nxt.level, nxt.level)
            sv.next_min_score = num(nxt.min_score)
            sv.score_gap = num(nxt.min_score - (dv.score or 0))
        ids = [x.id for x in qs]
        for b in a.blockers:
            for m in b.missing:
                names_it = "未达到" in m and dv.name in m.split("未达到", 1)[1]
                own = [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", m)]
                if (names_it or 0 < len(own) <= 2) and zh(plain(b.text)) not in sv.gate_items:
                    sv.gate_items.append(zh(plain(b.text)))
        if plan_v is not None:
            sv.recommendations = [r for r in plan_v.items if r.dimension == dv.id]
        if ev.plan is not None:
            sv.left_out = [zh(x.title) for x in ev.plan.left_out if solutions.get(x.id, ("", ""))[1] == dv.id]
        scenarios.append(sv)

    ranked = sorted((d for d in dims if d.kind == "scenario"), key=lambda d: (-(d.score or 0), d.id))
    strongest = ranked[:1] + [d for d in ranked[1:2] if ranked and d.score == ranked[0].score]
    weakest = sorted((d for d in dims if d.kind == "scenario"), key=lambda d: (d.score or 0, d.id))[:1]

    next_steps = [zh(plain(s.title)) + (f"：{zh(plain(s.what))}" if s.what else "") for s in ev.next_steps]

    radar = charts.radar_svg(
        [
            charts.RadarAxis(
                d.name,
                d.score or 0,
                previous=(prev_dims[d.id].score if d.id in prev_dims else None),
                peer=(peer.dimension_medians.get(d.id) if peer else None),
            )
            for d in dims
        ]
    )
    ladder = charts.ladder_svg([charts.LadderStep(lv.label, lv.name, lv.state) for lv in levels])

    progress = None
    if previous is not None:
        prev_q = {x.id: x for x in previous.questions}
        changed = []
        for x in a.questions:
            p = prev_q.get(x.id)
            if p is not None and _answer_text(p) != _answer_text(x):
                changed.append((x.id, zh(x.text), _answer_text(p) or "未作答", _answer_text(x) or "未作答"))
        delta = a.score - previous.score
        progress = ProgressView(
            previous_date=cn_date(previous_date),
            previous_level=f"{previous.level.label}{previous.level.name}",
            previous_score=num(previous.score),
            score_delta=("+" if delta > 0 else "") + num(delta),
            level_change="up"
            if a.level.rank > previous.level.rank
            else "down"
            if a.level.rank < previous.level.rank
            else "same",
            dimensions=[d for d in dims if d.previous_score],
            changed_answers=changed,
        )

    peer_rank = ""
    if peer is not None and peer.percentile is not None:
        peer_rank = f"得分高于或等于同组{num(peer.percentile, 0)}%的企业"

    e = a.enterprise
    ent = {
        "name": e.name,
        "sub_sector": e.sub_sector_name,
        "industry_type": e.industry_type_name,
        "size": zh(e.size_name.split("（")[0]) if e.size_name else "",
        "region": e.region,
        "credit_code": e.credit_code or "",
        "assessor": ev.provenance.assessor,
        "mode": ev.provenance.mode_text,
        "onsite": "yes" if ev.provenance.mode == "onsite" else "",
        **_programme_profile(ev.answers.enterprise),
    }
    if not ent["region"]:
        ent["region"] = ent["division"]
    appendix = []
    for d in a.dimensions:
        qs = [qviews[x.id] for x in a.questions if x.dimension == d.id]
        if qs:
            appendix.append((_dim_view(d, descriptions), qs))
    sources = [
        SourceView(s.id, zh(s.title), zh(s.issuer), s.ref, str(s.year or ""), s.url) for s in q.sources
    ]
    method = [
        f"问卷：{zh(a.questionnaire_title)}（版本{a.questionnaire_version}）；"
        f"计分规则：{zh(scheme.rules.title)}（版本{a.rules_version}）。",
        "每道计分题按所选答案折算为0–100分；维度得分是维度内各题得分的加权平均，"
        f"{a.score_label}是各维度得分的加权平均。选“不适用”的题目不计入分母，未作答的必答题按0分计。",
        "等级先按综合得分所在的分数档确定，再逐级检查该等级及以下各级的门槛条件；"
        "任一门槛未通过，等级即停在前一级。“升级还缺什么”列出的是下一等级未满足的分数与门槛条件。",
    ]
    if plan_v is not None:
        method.append(
            "建议措施由规则根据具体答案和维度等级触发，每条都注明触发原因；投入与周期为参考区间，不是报价。"
        )
    title = f"{e.name}数字化成熟度诊断报告"
    return ReportContext(
        title=title,
        lang="zh-CN",
        generator=f"maturity {__version__}",
        enterprise=ent,
        assessed_on=cn_date(ev.provenance.assessed_on),
        questionnaire={
            "id": a.questionnaire_id,
            "version": a.questionnaire_version,
            "title": zh(a.questionnaire_title),
            "rules_id": a.rules_id,
            "rules_version": a.rules_version,
        },
        level=level,
        band_level=band_level,
        next_level=next_level,
        score=num(a.score),
        score_label=a.score_label,
        answered=a.answered,
        applicable=a.applicable,
        depth_text=DEPTH_NAMES.get(ev.answers.depth or "", ""),
        not_asked=a.not_asked,
        not_asked_dimensions=[
            zh(d.name)
            for d in a.dimensions
            if d.total == 0 and any(x.dimension == d.id and x.status == "not_asked" for x in a.questions)
        ],
        levels=levels,
        dimensions=dims,
        foundations=[d for d in dims if d.kind != "scenario"],
        scenarios=scenarios,
        strongest=strongest,
        weakest=weakest,
        next_steps=next_steps,
        blockers=[(zh(plain(b.text)), [tidy_condition(zh(plain(m))) for m in b.missing]) for b in a.blockers],
        radar_svg=radar,
        ladder_svg=ladder,
        appendix=appendix,
        sources=sources,
        scheme_note=zh(a.scheme_note),
        rules_title=a.rules_id,
        method=method,
        disclaimer=DISCLAIMER,
        keywords=",".join(["数字化成熟度", "自评估", e.sub_sector_name, level.label]),
        plan=plan_v,
        progress=progress,
        peer=peer,
        peer_rank_text=peer_rank,
        grade=_grade_view(grade, plain) if grade is not None else None,
        grade_step=zh(ev.plan.grade_step.text)
        if ev.plan is not None and ev.plan.grade_step is not None
        else "",
        next_steps_from_plan=bool(ev.plan and ev.plan.items),
        dossier=dossier,
        prepare=_prepare(ev, plan_v),
        gates=gate_views(scheme, a, plain) if dossier else [],
        crosswalk=crosswalk_rows(ev, plain) if dossier and grade is not None and grade.estimated else [],
        crosswalk_title=zh(grade.scheme_title) if grade is not None else "",
        questionnaire_text=f"{zh(a.questionnaire_title)}（版本{a.questionnaire_version}）",
        where_to_ask=where_to_ask(e.region),
    )
