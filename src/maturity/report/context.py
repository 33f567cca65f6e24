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
from maturity.models.results import Assessment, DimensionResult, NationalGrade, QuestionResult
from maturity.report import charts

if TYPE_CHECKING:
    from maturity.engine.scoring import Scheme

STATUS_TEXT = {"answered": "", "na": "不适用", "unanswered": "未作答", "hidden": "未涉及（前提题为否）",
               "not_applicable": "不适用本行业", "unscored": "不计分"}
KIND_TEXT = {"scenario": "典型场景", "foundation": "基础维度", "group": "场景组"}

_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\U00020000-\U0003ffff]"
_SPACE_BEFORE = re.compile(rf"(?<={_CJK}) +")
_SPACE_AFTER = re.compile(rf" +(?={_CJK})")


def zh(text: Any) -> str:
    """Chinese typesetting: drop ASCII spaces next to CJK characters (they would print as wide gaps)."""
    s = "" if text is None else str(text)
    return _SPACE_AFTER.sub("", _SPACE_BEFORE.sub("", s)).strip()


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
    gap: float = 0.0  # points of the overall score this question leaves on the table


@dataclass
class Recommendation:
    title: str
    what: str = ""
    reasons: list[str] = field(default_factory=list)
    cost: str = ""
    time: str = ""
    lifts_to: str = ""
    policy: list[str] = field(default_factory=list)
    kpis: list[str] = field(default_factory=list)
    dimension: str = ""
    dimension_name: str = ""


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
    policies: list[tuple[str, str, str]] = field(default_factory=list)  # (name, summary, amount/eligibility)

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
    top_gaps: list[QuestionView] = field(default_factory=list)
    gate_items: list[str] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)


@dataclass
class ProgressView:
    previous_date: str
    previous_level: str
    previous_score: str
    score_delta: str
    level_change: str  # "up", "down" or "same"
    dimensions: list[DimensionView]
    changed_answers: list[tuple[str, str, str, str]]  # (id, text, before, after)


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
    next_steps_from_plan: bool = False


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
        out.append(LevelView(lv.id, lv.rank, lv.label, lv.name, zh(lv.description), [zh(s) for s in lv.signs],
                             zh(lv.aligned_with), state))
    return out


def _dim_view(d: DimensionResult, descriptions: dict[str, str]) -> DimensionView:
    return DimensionView(
        id=d.id, name=d.name, kind=d.kind, kind_text=KIND_TEXT.get(d.kind, d.kind),
        description=zh(descriptions.get(d.id, "")), score=d.score, score_text=num(d.score),
        level_label=d.level.label if d.level else "—", level_name=d.level.name if d.level else "",
        answered=d.answered, total=d.total, weight=d.weight)


def _answer_text(x: QuestionResult) -> str:
    if x.status == "answered" or x.status == "unscored":
        return zh(x.answer_text) or (str(x.answer) if x.answer is not None else "")
    return STATUS_TEXT.get(x.status, x.status)


def _question_view(x: QuestionResult) -> QuestionView:
    return QuestionView(
        id=x.id, text=zh(x.text), answer=_answer_text(x), status=x.status,
        score=num(x.score, 0) if x.score is not None else "—", score_value=x.score, note=x.note,
        justification=x.justification, gap=max(0.0, x.max_contribution - x.contribution))


def _range_text(r: Range, unit: str) -> str:
    lo, hi = float(r.min), float(r.max)
    return f"{num(lo)}{unit}" if lo == hi else f"{num(lo)}–{num(hi)}{unit}"


def _plan_model_view(plan: Plan) -> PlanView | None:
    policy_names = {p.id: p.name for p in plan.policies}
    horizons = []
    for h in plan.horizons:
        items = [Recommendation(
            title=zh(i.title), what=zh(i.changes), reasons=[zh(r.text) for r in i.reasons] or [zh(i.because)],
            cost=_range_text(i.cost, "万元") + (f"（{zh(i.cost_note)}）" if i.cost_note else ""),
            time=_range_text(i.weeks, "周"), lifts_to=f"{i.lifts_to.label}{i.lifts_to.name}",
            policy=[zh(policy_names.get(pid, pid)) for pid in i.policies],
            kpis=[f"{zh(k.metric)}{zh(k.target)}" for k in i.kpis],
            dimension=i.dimension, dimension_name=zh(i.dimension_name)) for i in h.items]
        horizons.append(Horizon(
            name=zh(h.name), items=items, cost=f"{num(h.cost_min)}–{num(h.cost_max)}万元",
            target_level=f"{h.projected_level.label}{h.projected_level.name}（预计{num(h.projected_score)}分）"))
    if not any(h.items for h in horizons):
        return None
    return PlanView(
        horizons=horizons, notes=[zh(plan.method)] if plan.method else [],
        left_out=[f"{zh(x.title)}：{zh(x.reason)}" for x in plan.left_out], disclaimer=zh(plan.note),
        target=f"{plan.target_level.label}{plan.target_level.name}",
        total_cost=f"{num(plan.total_cost_min)}–{num(plan.total_cost_max)}万元",
        policies=[(zh(p.name), zh(p.summary), "；".join(zh(x) for x in (p.amount, p.eligibility, p.region) if x))
                  for p in plan.policies])


def plan_view(plan: Plan | None) -> PlanView | None:
    """The roadmap as plain values; None if it has nothing to show."""
    return None if plan is None else _plan_model_view(plan)


def _grade_view(g: NationalGrade) -> GradeView:
    reached = [s for s in g.scenes if s.level not in (None, "0")]
    return GradeView(
        scheme_title=zh(g.scheme_title), estimated=g.estimated, grade_label=g.grade.label, grade_name=g.grade.name,
        score=num(g.score, 2), score_label=g.score_label,
        breakdown=[(d.name, num((d.score or 0) * d.weight / 100, 2), num(d.weight, 2)) for d in g.breakdown],
        scenes=[(zh(s.name), zh(s.level_text) if s.level is not None else "待补充", s.binding) for s in g.scenes],
        scenes_reached=len(reached), scenes_binding=sum(1 for s in reached if s.binding),
        blockers=[(zh(b.text), [zh(m) for m in b.missing[:6]]) for b in g.blockers],
        pending=[(p.id, zh(p.text)) for p in g.pending], note=zh(g.note))


def build_context(evaluation: Evaluation) -> ReportContext:
    """Everything the templates need, as plain values."""
    ev = evaluation
    a, scheme, peer, grade = ev.assessment, ev.scheme, ev.peer, ev.grade
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
    plan_v = plan_view(ev.plan)

    # scenario sections
    bands = sorted(scheme.rules.dimension_bands, key=lambda b: b.min_score)
    level_label = {lv.id: f"{lv.label}{lv.name}" if lv.label != lv.name else lv.name for lv in levels}
    scenarios: list[ScenarioView] = []
    for dv in dims:
        if dv.kind != "scenario":
            continue
        qs = [qviews[x.id] for x in a.questions if x.dimension == dv.id and x.status != "not_applicable"]
        scored = [x for x in qs if x.score_value is not None]
        sv = ScenarioView(
            dim=dv, questions=qs,
            strengths=[x for x in scored if (x.score_value or 0) >= 75 and x.status == "answered"],
            weaknesses=[x for x in scored if (x.score_value or 0) < 50],
        )
        nxt = next((b for b in bands if dv.score is not None and b.min_score > dv.score), None)
        if nxt is not None:
            sv.next_level = level_label.get(nxt.level, nxt.level)
            sv.next_min_score = num(nxt.min_score)
            sv.score_gap = num(nxt.min_score - (dv.score or 0))
        sv.top_gaps = sorted((x for x in scored if x.gap > 0.0005), key=lambda x: -x.gap)[:3]
        ids = [x.id for x in qs]
        for b in a.blockers:
            for m in b.missing:
                if any(re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", m) for i in ids) or dv.name in m:
                    sv.gate_items.append(zh(m))
        if plan_v is not None:
            sv.recommendations = [r for r in plan_v.items if r.dimension == dv.id]
        scenarios.append(sv)

    ranked = sorted((d for d in dims if d.kind == "scenario"), key=lambda d: (-(d.score or 0), d.id))
    strongest = ranked[:1] + [d for d in ranked[1:2] if ranked and d.score == ranked[0].score]
    weakest = sorted((d for d in dims if d.kind == "scenario"), key=lambda d: (d.score or 0, d.id))[:1]

    next_steps = [zh(s.title) + (f"：{zh(s.what)}" if s.what else "") for s in ev.next_steps]

    radar = charts.radar_svg([
        charts.RadarAxis(d.name, d.score or 0,
                         previous=(prev_dims[d.id].score if d.id in prev_dims else None),
                         peer=(peer.dimension_medians.get(d.id) if peer else None))
        for d in dims
    ])
    ladder = charts.ladder_svg([charts.LadderStep(lv.label, lv.name, lv.state) for lv in levels])

    progress = None
    if previous is not None:
        prev_q = {x.id: x for x in previous.questions}
        changed = []
        for x in a.questions:
            p = prev_q.get(x.id)
            if p is not None and _answer_text(p) != _answer_text(x):
                changed.append((x.id, zh(x.text), _answer_text(p), _answer_text(x)))
        delta = a.score - previous.score
        progress = ProgressView(
            previous_date=cn_date(previous_date), previous_level=f"{previous.level.label}{previous.level.name}",
            previous_score=num(previous.score), score_delta=("+" if delta > 0 else "") + num(delta),
            level_change="up" if a.level.rank > previous.level.rank else
            "down" if a.level.rank < previous.level.rank else "same",
            dimensions=[d for d in dims if d.previous_score], changed_answers=changed)

    peer_rank = ""
    if peer is not None and peer.percentile is not None:
        peer_rank = f"得分高于或等于同组{num(peer.percentile, 0)}%的企业"

    e = a.enterprise
    ent = {
        "name": e.name, "sub_sector": e.sub_sector_name, "industry_type": e.industry_type_name,
        "size": zh(e.size_name.split("（")[0]) if e.size_name else "", "region": e.region,
        "credit_code": e.credit_code or "", "assessor": ev.provenance.assessor,
        "mode": ev.provenance.mode_text,
    }
    appendix = []
    for d in a.dimensions:
        qs = [qviews[x.id] for x in a.questions if x.dimension == d.id]
        if qs:
            appendix.append((_dim_view(d, descriptions), qs))
    sources = [SourceView(s.id, zh(s.title), zh(s.issuer), s.ref, str(s.year or ""), s.url) for s in q.sources]
    method = [
        f"问卷：{zh(a.questionnaire_title)}（{a.questionnaire_id}，版本{a.questionnaire_version}）；"
        f"计分规则：{zh(a.rules_id)}（版本{a.rules_version}）。",
        "每道计分题按所选答案折算为0–100分；维度得分是维度内各题得分的加权平均，"
        f"{a.score_label}是各维度得分的加权平均。选“不适用”的题目不计入分母，未作答的必答题按0分计。",
        "等级先按综合得分所在的分数档确定，再逐级检查该等级及以下各级的门槛条件；"
        "任一门槛未通过，等级即停在前一级。“升级还缺什么”列出的是下一等级未满足的分数与门槛条件。",
    ]
    if plan_v is not None:
        method.append("建议措施由规则根据具体答案和维度等级触发，每条都注明触发原因；"
                      "投入与周期为参考区间，不是报价。")
    title = f"{e.name}数字化成熟度诊断报告"
    return ReportContext(
        title=title, lang="zh-CN", generator=f"maturity {__version__}", enterprise=ent,
        assessed_on=cn_date(ev.provenance.assessed_on),
        questionnaire={"id": a.questionnaire_id, "version": a.questionnaire_version,
                       "title": zh(a.questionnaire_title), "rules_id": a.rules_id, "rules_version": a.rules_version},
        level=level, band_level=band_level, next_level=next_level, score=num(a.score), score_label=a.score_label,
        answered=a.answered, applicable=a.applicable, levels=levels, dimensions=dims,
        foundations=[d for d in dims if d.kind != "scenario"], scenarios=scenarios,
        strongest=strongest, weakest=weakest, next_steps=next_steps,
        blockers=[(zh(b.text), [zh(m) for m in b.missing]) for b in a.blockers],
        radar_svg=radar, ladder_svg=ladder, appendix=appendix, sources=sources,
        scheme_note=zh(a.scheme_note), rules_title=a.rules_id, method=method, disclaimer=DISCLAIMER,
        keywords=",".join(["数字化成熟度", "自评估", e.sub_sector_name, level.label]),
        plan=plan_v, progress=progress, peer=peer, peer_rank_text=peer_rank,
        grade=_grade_view(grade) if grade is not None else None,
        next_steps_from_plan=bool(ev.plan and ev.plan.items),
    )
