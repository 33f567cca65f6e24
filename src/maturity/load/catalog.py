"""Solution catalog files to models: schema, then cross-references, every problem located.

``check_catalog_file`` is what ``maturity validate`` calls; ``load_catalog`` raises
:class:`DataValidationError` with all issues at once; ``bundled_catalog`` finds the
catalog shipped next to a questionnaire's rules (``scoring_rules/<id>.catalog.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from maturity.engine.conditions import State, evaluate
from maturity.engine.normalize import AnswerProblem, normalize
from maturity.errors import DataValidationError, Issue
from maturity.load.loader import duplicate_ids, issue_at, load_checked
from maturity.load.refcheck import check_condition
from maturity.load.validation import validate_model
from maturity.load.yamlio import Loaded
from maturity.models.catalog import PAINS, SYSTEMS, Catalog, Solution
from maturity.models.conditions import QuestionCond, walk
from maturity.models.questionnaire import Questionnaire
from maturity.resources import data_dir


def catalog_path(qid: str) -> Path:
    return data_dir("scoring_rules") / f"{qid}.catalog.yaml"


def check_catalog(loaded: Loaded, q: Questionnaire | None) -> tuple[Catalog | None, list[Issue]]:
    """Validate a catalog against its questionnaire; returns the model (if it parsed) and every issue."""
    model, issues = validate_model(Catalog, loaded)
    if model is None or q is None:
        return model, issues
    c: Catalog = model
    iss: list[Issue] = []

    def add(loc: tuple, msg: str, value: Any = "", severity: str = "error") -> None:
        iss.append(issue_at(loaded, loc, msg, value, severity))

    if c.questionnaire != q.id:
        add(
            ("questionnaire",),
            f"方案目录适用于问卷 {c.questionnaire}，但配对的问卷是 {q.id}",
            c.questionnaire,
        )
    if c.questionnaire_version != q.version:
        add(
            ("questionnaire_version",),
            f"方案目录对应问卷版本 {c.questionnaire_version}，但问卷为 {q.version}",
            c.questionnaire_version,
        )
    iss += duplicate_ids(loaded, c.sources, ("sources",), "来源")
    iss += duplicate_ids(loaded, c.horizons, ("horizons",), "阶段")
    iss += duplicate_ids(loaded, c.policies, ("policies",), "政策")
    iss += duplicate_ids(loaded, c.solutions, ("solutions",), "方案")
    sources = {s.id for s in c.sources} | {s.id for s in q.sources}

    prev_end = 0
    for i, h in enumerate(c.horizons):
        if h.end_weeks <= h.start_weeks:
            add(
                ("horizons", i, "end_weeks"),
                f"阶段结束周（{h.end_weeks}）须晚于开始周（{h.start_weeks}）",
                h.end_weeks,
            )
        if h.start_weeks < prev_end:
            add(
                ("horizons", i, "start_weeks"),
                f"阶段须按时间先后排列且不重叠：开始周 {h.start_weeks} 早于上一阶段结束周 {prev_end}",
                h.start_weeks,
            )
        prev_end = max(prev_end, h.end_weeks)
    last_end = max((h.end_weeks for h in c.horizons), default=0)

    for i, p in enumerate(c.policies):
        if p.source not in sources:
            add(("policies", i, "source"), f"未声明的来源 {p.source}（请先在 sources 中声明）", p.source)

    sol_ids = {s.id for s in c.solutions}
    policies = {p.id for p in c.policies}
    levels = q.level_map
    best = _best_state(q)
    for i, s in enumerate(c.solutions):
        at = ("solutions", i)
        if s.dimension not in q.dimension_map:
            add(
                at + ("dimension",),
                f"未知维度 {s.dimension}；可选：{'、'.join(q.dimension_map)}",
                s.dimension,
            )
        if s.lifts_to not in levels:
            add(
                at + ("lifts_to",),
                f"未知等级 {s.lifts_to}；可选：{'、'.join(lv.id for lv in q.levels_sorted())}",
                s.lifts_to,
            )
        for key, unit in (("cost", "万元"), ("weeks", "周")):
            r = getattr(s, key)
            if r.min > r.max:
                add(at + (key, "max"), f"区间下限 {r.min:g}{unit} 大于上限 {r.max:g}{unit}", r.max)
        if s.weeks.max > last_end:
            add(
                at + ("weeks", "max"),
                f"部署周期上限 {s.weeks.max:g} 周超出路线图最后阶段（第 {last_end} 周），永远排不进计划",
                s.weeks.max,
            )
        if s.source not in sources:
            add(at + ("source",), f"未声明的来源 {s.source}（请先在 sources 中声明）", s.source)
        for j, pid in enumerate(s.policies):
            if pid not in policies:
                add(at + ("policies", j), f"未知政策 {pid}；请先在 policies 中声明", pid)
        for j, pre in enumerate(s.prerequisites):
            if pre == s.id:
                add(at + ("prerequisites", j), f"方案 {s.id} 不能以自己为前置条件", pre)
            elif pre not in sol_ids:
                add(at + ("prerequisites", j), f"未知方案 {pre}（前置条件须是本目录中的方案编号）", pre)
            else:
                other = c.solution_map[pre]
                narrower = set(s.industry_types) - set(other.industry_types) or (
                    other.sub_sectors is not None
                    and set(s.sub_sectors or q.sub_sector_map) - set(other.sub_sectors)
                )
                if narrower:
                    add(
                        at + ("prerequisites", j),
                        f"前置方案 {pre} 的适用范围比本方案窄，部分企业将无法满足前置条件",
                        pre,
                    )
        for key, qid in (("addresses", PAINS), ("provides", SYSTEMS), ("included_in", SYSTEMS)):
            question = q.question_map.get(qid)
            known = (
                {o.value for o in q.options_of(question) if not o.exclusive}
                if question is not None
                else set()
            )
            for j, v in enumerate(getattr(s, key)):
                if v not in known:
                    add(
                        at + (key, j),
                        f"未知选项 {v}（须是问卷 {qid} 题的选项：{'、'.join(sorted(known)) or '无此题'}）",
                        v,
                    )
        for j, k in enumerate(s.kpis):
            base = q.question_map.get(k.baseline) if k.baseline else None
            if k.baseline and (base is None or not base.record or base.kind != "number"):
                add(
                    at + ("kpis", j, "baseline"),
                    f"基线题 {k.baseline} 须是问卷中的基线指标题（record: true 的数值题）",
                    k.baseline,
                )
        for sub in s.changes_for:
            if sub not in q.sub_sector_map:
                add(at + ("changes_for", sub), f"未知子行业 {sub}", sub)
        for j, sub in enumerate(s.sub_sectors or []):
            if sub not in q.sub_sector_map:
                add(at + ("sub_sectors", j), f"未知子行业 {sub}", sub)
        for loc, msg, val in check_condition(s.trigger, q, at + ("trigger",)):
            add(loc, msg, val)
        if not any(isinstance(n, QuestionCond) for n in walk(s.trigger)):
            add(at + ("trigger",), "触发条件须至少引用一道题目，推荐理由才能指明是哪个答案触发的", s.id)
        if s.requires is not None:
            for loc, msg, val in check_condition(s.requires, q, at + ("requires",), allow_not=False):
                add(loc, msg, val)
        bad_improves = False
        for qid, value in s.improves.items():
            question = q.question_map.get(qid)
            if question is None:
                add(at + ("improves", qid), f"未知题目 {qid}", qid)
                bad_improves = True
            elif not question.scored:
                add(at + ("improves", qid), f"{qid} 是文字题，不计分，不能作为改进目标", qid)
                bad_improves = True
            else:
                try:
                    normalize(q, question, value)
                except AnswerProblem as e:
                    add(at + ("improves", qid), f"{qid}：{e}", value)
                    bad_improves = True
        if (
            not bad_improves
            and not iss_for(iss, loaded, at + ("trigger",))
            and evaluate(s.trigger, best).passed
        ):
            add(
                at + ("trigger",),
                "即使各题均为最佳作答，触发条件仍然成立：已具备该能力的企业也会被推荐",
                s.id,
            )
    iss += _cycles(loaded, c)
    return c, issues + iss


def iss_for(iss: list[Issue], loaded: Loaded, loc: tuple) -> bool:
    """Whether an issue was already reported at or under ``loc`` (avoids evaluating a broken trigger)."""
    prefix = ".".join(map(str, loc))
    return any(
        i.file == str(loaded.path) and (i.field == prefix or i.field.startswith(prefix + ".")) for i in iss
    )


def _best_state(q: Questionnaire) -> State:
    """Every question answered with its best option / highest value, every dimension at the top."""
    opt_pos = {x.id: {o.value: i for i, o in enumerate(q.options_of(x))} for x in q.questions}
    levels = q.levels_sorted()
    st = State(q, opt_pos, {lv.id: lv.rank for lv in levels}, {lv.id: lv.label for lv in levels}, score=100.0)
    for x in q.questions:
        opts = q.options_of(x)
        if x.kind in ("single", "yesno") and opts:
            value: Any = max(enumerate(opts), key=lambda io: (io[1].score, io[0]))[
                1
            ].value  # yes/no runs yes first
        elif x.kind == "multi":
            value = [o.value for o in opts if not o.exclusive]
        elif x.kind == "number":
            value = float(x.max if x.max is not None else (x.bands[-1].max if x.bands else 100))
        else:
            value = "—"
        st.values[x.id] = value
        st.status[x.id] = "answered" if x.scored else "unscored"
        st.q_scores[x.id] = 100.0 if x.scored else None
    for d in q.dimensions:
        st.dim_scores[d.id] = 100.0
        st.dim_levels[d.id] = levels[-1].id
    return st


def _cycles(loaded: Loaded, c: Catalog) -> list[Issue]:
    """One error per prerequisite cycle, at the prerequisites of its first entry in file order."""
    index = {s.id: i for i, s in enumerate(c.solutions)}
    graph = {s.id: [p for p in s.prerequisites if p in index and p != s.id] for s in c.solutions}
    out: list[Issue] = []
    reported: set[frozenset[str]] = set()
    color: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        color[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if color.get(nxt, 0) == 0:
                visit(nxt)
            elif color[nxt] == 1:
                cycle = stack[stack.index(nxt) :]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    first = min(cycle, key=index.__getitem__)
                    k = cycle.index(first)
                    ordered = cycle[k:] + cycle[:k]
                    text = " → ".join([*ordered, first])
                    out.append(
                        issue_at(
                            loaded,
                            ("solutions", index[first], "prerequisites"),
                            f"前置条件形成循环：{text}（每个方案都要等另一个先完成，永远无法开始）",
                            first,
                        )
                    )
        stack.pop()
        color[node] = 2

    for s in c.solutions:
        if color.get(s.id, 0) == 0:
            visit(s.id)
    return out


def check_catalog_file(loaded: Loaded, find_q: Callable[[str], Questionnaire | None]) -> list[Issue]:
    """Validate one catalog file, finding its questionnaire with ``find_q`` (used by ``maturity validate``)."""
    data = loaded.data if isinstance(loaded.data, dict) else {}
    qid = str(data.get("questionnaire", ""))
    q = find_q(qid) if qid else None
    model, issues = check_catalog(loaded, q)
    if q is None and model is not None:
        issues.append(issue_at(loaded, ("questionnaire",), f"找不到方案目录对应的问卷 {qid}", qid))
    return issues


def load_catalog(path: str | Path, questionnaire: Questionnaire) -> Catalog:
    return load_checked(path, lambda loaded: check_catalog(loaded, questionnaire))


def bundled_catalog(questionnaire: Questionnaire) -> Catalog | None:
    """The catalog shipped for this questionnaire, or None if there is none."""
    path = catalog_path(questionnaire.id)
    if not path.is_file():
        return None
    return load_catalog(path, questionnaire)


def solution_applies(s: Solution, industry_type: str, sub_sector: str) -> bool:
    from maturity.models.questionnaire import type_admits

    if industry_type and not type_admits(s.industry_types, industry_type):
        return False
    return s.sub_sectors is None or sub_sector in s.sub_sectors


__all__ = [
    "DataValidationError",
    "bundled_catalog",
    "catalog_path",
    "check_catalog",
    "check_catalog_file",
    "load_catalog",
    "solution_applies",
]
