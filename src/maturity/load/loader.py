"""Files to models: schema validation, then cross-file checks, every problem located.

Each ``check_*`` returns a list of :class:`Issue`; each ``load_*`` raises
:class:`DataValidationError` with all of them at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from maturity.engine.ladder import cliffs
from maturity.engine.normalize import normalize_answers
from maturity.errors import DataValidationError, InputError, Issue, VersionMismatchError
from maturity.load import cache
from maturity.load.refcheck import check_condition
from maturity.load.validation import validate_model
from maturity.load.yamlio import Loaded, load
from maturity.models.answers import AnswersFile
from maturity.models.crosswalk import Crosswalk
from maturity.models.questionnaire import Questionnaire
from maturity.models.rules import Rules


def issue_at(loaded: Loaded, loc: tuple, message: str, value: Any = "", severity: str = "error") -> Issue:
    line, col = loaded.locate(loc)
    return Issue(
        str(loaded.path),
        message,
        line=line,
        col=col,
        field=".".join(map(str, loc)),
        value="" if value is None else str(value)[:60],
        severity=severity,
    )


def duplicate_ids(
    loaded: Loaded, items: Iterable[Any], path: tuple, what: str, key: str = "id"
) -> list[Issue]:
    ids = [getattr(x, key) for x in items]
    counts = Counter(ids)
    out = []
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if counts[x] > 1 and x in seen:
            out.append(issue_at(loaded, path + (i, key), f"{what}编号重复：{x}", x))
        seen.add(x)
    return out


# ---- questionnaire -----------------------------------------------------------------------
def check_questionnaire(loaded: Loaded) -> tuple[Questionnaire | None, list[Issue]]:
    model, issues = validate_model(Questionnaire, loaded)
    if model is None:
        return None, issues
    q: Questionnaire = model
    iss: list[Issue] = []
    add = iss.append
    iss += duplicate_ids(loaded, q.sources, ("sources",), "来源")
    iss += duplicate_ids(loaded, q.levels, ("levels",), "等级")
    iss += duplicate_ids(loaded, q.levels, ("levels",), "等级的 rank ", key="rank")
    iss += duplicate_ids(loaded, q.dimensions, ("dimensions",), "维度")
    iss += duplicate_ids(loaded, q.sub_sectors, ("sub_sectors",), "子行业")
    iss += duplicate_ids(loaded, q.questions, ("questions",), "题目")
    sources = {s.id for s in q.sources}
    for i, d in enumerate(q.dimensions):
        if d.source and d.source not in sources:
            add(issue_at(loaded, ("dimensions", i, "source"), f"未声明的来源 {d.source}", d.source))
    for i, lv in enumerate(q.levels):
        if lv.source is None:
            add(
                issue_at(
                    loaded,
                    ("levels", i),
                    f"等级 {lv.id} 的描述没有注明来源（source），请引用 sources 中的一项",
                    lv.id,
                )
            )
        elif lv.source not in sources:
            add(
                issue_at(
                    loaded,
                    ("levels", i, "source"),
                    f"未声明的来源 {lv.source}（请先在 sources 中声明）",
                    lv.source,
                )
            )
    for name, opts in q.scales.items():
        iss += duplicate_ids(loaded, opts, ("scales", name), "选项", key="value")
    used_scales: set[str] = set()
    seen_q: set[str] = set()
    sub_ids = set(q.sub_sector_map)
    for i, x in enumerate(q.questions):
        p = ("questions", i)
        if x.dimension not in q.dimension_map:
            add(
                issue_at(
                    loaded,
                    p + ("dimension",),
                    f"未知维度 {x.dimension}；可选：{'、'.join(q.dimension_map)}",
                    x.dimension,
                )
            )
        if x.source not in sources:
            add(
                issue_at(
                    loaded, p + ("source",), f"未声明的来源 {x.source}（请先在 sources 中声明）", x.source
                )
            )
        if x.scale is not None:
            used_scales.add(x.scale)
            if x.scale not in q.scales:
                add(issue_at(loaded, p + ("scale",), f"未知选项表 {x.scale}", x.scale))
        if x.options is not None:
            iss += duplicate_ids(loaded, x.options, p + ("options",), "选项", key="value")
        opts = q.options_of(x)
        if x.kind == "single" and opts:
            scores = [o.score for o in opts]
            if scores != sorted(scores):
                where = p + ("options",) if x.options is not None else p + ("scale",)
                add(
                    issue_at(
                        loaded,
                        where,
                        "单选题的选项须按得分从低到高排列（从差到好），条件中的 at_least 依赖这个顺序",
                        scores,
                    )
                )
        if x.kind == "multi" and x.scored and opts and not any(o.score > 0 for o in opts):
            add(issue_at(loaded, p, "多选题没有任何得分选项", x.id))
        if x.kind == "number" and x.bands:
            if x.max is not None and x.bands[-1].max < x.max:
                add(
                    issue_at(
                        loaded,
                        p + ("bands",),
                        f"数值档位只覆盖到 {x.bands[-1].max:g}，但允许的最大值为 {x.max:g}",
                        x.bands[-1].max,
                    )
                )
            scores = [b.score for b in x.bands]
            if scores != sorted(scores) and scores != sorted(scores, reverse=True):
                add(
                    issue_at(
                        loaded, p + ("bands",), "数值档位的得分须单调（随数值只升不降，或只降不升）", scores
                    )
                )
        if x.applies_to and x.applies_to.sub_sectors:
            for j, s in enumerate(x.applies_to.sub_sectors):
                if s not in sub_ids:
                    add(issue_at(loaded, p + ("applies_to", "sub_sectors", j), f"未知子行业 {s}", s))
        if x.show_if is not None:
            for loc, msg, val in check_condition(
                x.show_if, q, p + ("show_if",), questions_only=True, allow_not=False, before=set(seen_q)
            ):
                add(issue_at(loaded, loc, msg, val))
        seen_q.add(x.id)
    check_ids: set[str] = set()
    for i, c in enumerate(q.checks):
        if c.id in check_ids:
            add(issue_at(loaded, ("checks", i, "id"), f"核实项编号重复：{c.id}", c.id))
        check_ids.add(c.id)
        for loc, msg, val in check_condition(c.when, q, ("checks", i, "when"), questions_only=True):
            add(issue_at(loaded, loc, msg, val))
    for i, m in enumerate(q.migrations):
        for j, qid in enumerate(m.added):
            if qid not in q.question_map:
                add(
                    issue_at(
                        loaded,
                        ("migrations", i, "added", j),
                        f"migrations 中的新增题目 {qid} 不在问卷中",
                        qid,
                    )
                )
    for name in q.scales:
        if name not in used_scales:
            add(
                issue_at(
                    loaded, ("scales", name), f"选项表 {name} 未被任何题目使用", name, severity="warning"
                )
            )
    for i, d in enumerate(q.dimensions):
        if not any(x.dimension == d.id for x in q.questions):
            add(issue_at(loaded, ("dimensions", i), f"维度 {d.id} 下没有题目", d.id, severity="warning"))
    return q, issues + iss


def load_checked(path: str | Path, check: Callable[[Loaded], tuple[Any, list[Issue]]]) -> Any:
    """``check`` the file's data (from the data cache when unchanged) and return the model, or raise every
    issue at once. Data from the cache carries no marks; if it has errors the file is read again with
    marks and checked again, so each issue still has its file:line:col."""
    loaded = cache.load(path)
    model, issues = check(loaded)
    if not loaded.located and any(i.severity == "error" for i in issues):
        loaded = load(path)
        model, issues = check(loaded)
    raise_errors(issues)
    assert model is not None
    return model


def load_questionnaire(path: str | Path) -> Questionnaire:
    return load_checked(path, check_questionnaire)


# ---- rules ------------------------------------------------------------------------------
def check_rules(loaded: Loaded, q: Questionnaire | None) -> tuple[Rules | None, list[Issue]]:
    model, issues = validate_model(Rules, loaded)
    if model is None or q is None:
        return model, issues
    r: Rules = model
    iss: list[Issue] = []
    add = iss.append
    if r.questionnaire != q.id:
        add(
            issue_at(
                loaded,
                ("questionnaire",),
                f"规则适用于问卷 {r.questionnaire}，但配对的问卷是 {q.id}",
                r.questionnaire,
            )
        )
    if r.questionnaire_version != q.version:
        add(
            issue_at(
                loaded,
                ("questionnaire_version",),
                f"规则对应问卷版本 {r.questionnaire_version}，但问卷为 {q.version}",
                r.questionnaire_version,
            )
        )

    def check_weights(ws: Any, path: tuple) -> None:
        for did in ws.dimensions:
            if did not in q.dimension_map:
                add(issue_at(loaded, path + ("dimensions", did), f"未知维度 {did}", did))
        for qid in ws.questions:
            if qid not in q.question_map:
                add(issue_at(loaded, path + ("questions", qid), f"未知题目 {qid}", qid))
            elif not q.question_map[qid].scored:
                add(issue_at(loaded, path + ("questions", qid), f"{qid} 是文字题，不计分，不能设权重", qid))

    check_weights(r.weights, ("weights",))
    for itype, ws in r.weights.by_industry_type.items():
        check_weights(ws, ("weights", "by_industry_type", itype))
    levels = q.level_map
    floor = q.levels_sorted()[0]
    for name in ("level_bands", "dimension_bands"):
        bands = getattr(r, name)
        ranks = []
        for i, b in enumerate(bands):
            if b.level not in levels:
                add(
                    issue_at(
                        loaded, (name, i, "level"), f"未知等级 {b.level}；可选：{'、'.join(levels)}", b.level
                    )
                )
            else:
                ranks.append(levels[b.level].rank)
        if ranks != sorted(ranks) or len(set(ranks)) != len(ranks):
            add(issue_at(loaded, (name,), "档位的等级须随分数严格升高", [b.level for b in bands]))
    top_band = max((levels[b.level].rank for b in r.level_bands if b.level in levels), default=0)
    for lv in q.levels:
        if lv.rank > top_band:
            add(issue_at(loaded, ("level_bands",), f"等级 {lv.id} 不可达：没有任何分数档位能到达它", lv.id))
    for i, g in enumerate(r.gates):
        if g.level not in levels:
            add(issue_at(loaded, ("gates", i, "level"), f"未知等级 {g.level}", g.level))
        elif g.level == floor.id:
            add(issue_at(loaded, ("gates", i, "level"), f"{g.level} 是起点等级，不需要门槛", g.level))
        if g.source and g.source not in {s.id for s in q.sources}:
            add(issue_at(loaded, ("gates", i, "source"), f"未声明的来源 {g.source}", g.source))
        for loc, msg, val in check_condition(g.when, q, ("gates", i, "when"), allow_not=False):
            add(issue_at(loaded, loc, msg, val))
    iss += duplicate_ids(loaded, r.gates, ("gates",), "门槛")
    if not iss:  # cliffs are worth a look only in rules that are otherwise sound
        for i, path, msg in cliffs(r, q):
            add(issue_at(loaded, ("gates", i, "when", *path), msg, severity="warning"))
    return r, issues + iss


def load_rules(path: str | Path, q: Questionnaire) -> Rules:
    return load_checked(path, lambda loaded: check_rules(loaded, q))


# ---- answers ----------------------------------------------------------------------------
def read_answers(path: str | Path) -> tuple[Loaded, AnswersFile]:
    loaded = load(path, fast=True)  # libyaml when it gives the same data and marks (see yamlio)
    model, issues = validate_model(AnswersFile, loaded)
    raise_errors(issues)
    return loaded, model


def check_answers(loaded: Loaded, a: AnswersFile, q: Questionnaire) -> list[Issue]:
    """Cross-check an answers file against its questionnaire version (ids, options, ranges, N/A)."""
    iss: list[Issue] = []
    if a.questionnaire != q.id:
        return [
            issue_at(
                loaded, ("questionnaire",), f"答卷属于问卷 {a.questionnaire}，不是 {q.id}", a.questionnaire
            )
        ]
    if a.enterprise.sub_sector not in q.sub_sector_map:
        iss.append(
            issue_at(
                loaded,
                ("enterprise", "sub_sector"),
                f"未知子行业 {a.enterprise.sub_sector}；可选："
                + "、".join(f"{s.id}（{s.name}）" for s in q.sub_sectors),
                a.enterprise.sub_sector,
            )
        )
    sizes = {s.id for s in q.size_bands}
    if a.enterprise.size is not None and sizes and a.enterprise.size not in sizes:
        iss.append(
            issue_at(
                loaded,
                ("enterprise", "size"),
                f"未知企业规模 {a.enterprise.size}；可选：{'、'.join(sizes)}",
                a.enterprise.size,
            )
        )
    _, problems = normalize_answers(q, a.answers)
    for loc, msg, val in problems:
        iss.append(issue_at(loaded, loc, msg, val))
    sub = q.sub_sector_map.get(a.enterprise.sub_sector)
    itype = q.industry_type_of(a.enterprise.sub_sector, a.enterprise.industry_type)
    for qid, ans in a.answers.items():
        x = q.question_map.get(qid)
        app = x.applies_to if x is not None else None
        if app is None or sub is None or ans.is_empty:
            continue
        if not app.admits(itype, sub.id):
            iss.append(
                issue_at(
                    loaded,
                    ("answers", qid),
                    f"{qid} 不适用于“{sub.name}”企业，本题答案不计分",
                    qid,
                    severity="warning",
                )
            )
    return iss


def migrate(a: AnswersFile, q: Questionnaire, loaded: Loaded | None = None) -> AnswersFile:
    """Carry answers from an older questionnaire version forward, or refuse clearly."""
    if a.questionnaire != q.id:
        raise InputError(f"{_where(loaded)}答卷属于问卷 {a.questionnaire}，不是 {q.id}")
    if a.questionnaire_version == q.version:
        return a
    for m in q.migrations:
        if m.from_version == a.questionnaire_version:
            answers = {}
            for qid, ans in a.answers.items():
                if qid in m.drop:
                    continue
                answers[m.rename.get(qid, qid)] = ans
            return a.model_copy(
                update={
                    "answers": answers,
                    "questionnaire_version": q.version,
                    "migrated_from": a.questionnaire_version,
                }
            )
    raise VersionMismatchError(
        f"答卷按问卷 {a.questionnaire} {a.questionnaire_version} 填写，"
        f"但当前问卷版本为 {q.version}，且问卷未声明如何迁移。",
        hint="请用对应版本的问卷评分，或按新版问卷重新填写（maturity assess --resume 可逐题补答）。",
    )


def migration_note(loaded: Loaded, old: AnswersFile, q: Questionnaire) -> Issue | None:
    """One warning for an answers file carried forward from an older version: which questions it was never asked."""
    if old.questionnaire_version == q.version:
        return None
    m = next((m for m in q.migrations if m.from_version == old.questionnaire_version), None)
    sub = q.sub_sector_map.get(old.enterprise.sub_sector)
    itype = q.industry_type_of(old.enterprise.sub_sector, old.enterprise.industry_type)
    given = {m.rename.get(k, k) if m else k for k in old.answers}
    added = set(m.added) if m else set()
    missing = []
    for x in q.questions:
        app = x.applies_to
        if not x.scored or x.id in given or x.show_if is not None or x.id not in added:
            continue
        if app is not None and sub is not None and not app.admits(itype, sub.id):
            continue
        missing.append(x.id)
    text = f"答卷按 {old.questionnaire_version} 版问卷填写，已迁移到 {q.version} 版评分"
    if missing:
        text += (
            f"；旧版未问的 {len(missing)} 道计分题记为“未问”，不计分，所在维度按已问题目计算"
            f"（{'、'.join(missing)}）"
        )
    if m is not None and m.note:
        text += f"。{' '.join(m.note.split())}"
    return issue_at(loaded, ("questionnaire_version",), text, old.questionnaire_version, severity="warning")


def _where(loaded: Loaded | None) -> str:
    return f"{loaded.path}：" if loaded else ""


# ---- crosswalk --------------------------------------------------------------------------
def check_crosswalk(
    loaded: Loaded, src: Questionnaire | None, dst: Questionnaire | None
) -> tuple[Crosswalk | None, list[Issue]]:
    model, issues = validate_model(Crosswalk, loaded)
    if model is None or src is None or dst is None:
        return model, issues
    cw: Crosswalk = model
    iss: list[Issue] = []
    for end, q, key in ((cw.source, src, "from"), (cw.target, dst, "to")):
        if end.questionnaire != q.id or end.version != q.version:
            iss.append(
                issue_at(
                    loaded,
                    (key,),
                    f"对应问卷应为 {q.id} {q.version}，实际写的是 {end.questionnaire} {end.version}",
                    end.version,
                )
            )
    for sid, did in cw.sub_sectors.items():
        if sid not in src.sub_sector_map:
            iss.append(issue_at(loaded, ("sub_sectors", sid), f"来源问卷没有子行业 {sid}", sid))
        if did not in dst.sub_sector_map:
            iss.append(issue_at(loaded, ("sub_sectors", sid), f"目标问卷没有子行业 {did}", did))
    for tid, m in cw.map.items():
        p = ("map", tid)
        target = dst.question_map.get(tid)
        if target is None:
            iss.append(issue_at(loaded, p, f"目标问卷 {dst.id} 没有题目 {tid}", tid))
            continue
        tvalues = {o.value for o in dst.options_of(target)}
        if m.copy_ is not None:
            source_q = src.question_map.get(m.copy_)
            if source_q is None:
                iss.append(issue_at(loaded, p + ("copy",), f"来源问卷 {src.id} 没有题目 {m.copy_}", m.copy_))
            elif source_q.kind != target.kind and not (m.values and target.kind == "single"):
                iss.append(
                    issue_at(
                        loaded,
                        p + ("copy",),
                        f"题型不同（{source_q.kind} → {target.kind}），需用 values 对照",
                        m.copy_,
                    )
                )
            for sv, tv in (m.values or {}).items():
                if source_q is not None and sv not in {o.value for o in src.options_of(source_q)}:
                    iss.append(issue_at(loaded, p + ("values", sv), f"{m.copy_} 没有选项 {sv}", sv))
                if tv not in tvalues:
                    iss.append(issue_at(loaded, p + ("values", sv), f"{tid} 没有选项 {tv}", tv))
        if m.cases is not None:
            for j, case in enumerate(m.cases):
                if case.value not in tvalues:
                    iss.append(
                        issue_at(
                            loaded, p + ("cases", j, "value"), f"{tid} 没有选项 {case.value}", case.value
                        )
                    )
                for loc, msg, val in check_condition(
                    case.when, src, p + ("cases", j, "when"), questions_only=True
                ):
                    iss.append(issue_at(loaded, loc, msg, val))
        if m.options is not None:
            for ov, cond in m.options.items():
                if ov not in tvalues:
                    iss.append(issue_at(loaded, p + ("options", ov), f"{tid} 没有选项 {ov}", ov))
                for loc, msg, val in check_condition(cond, src, p + ("options", ov), questions_only=True):
                    iss.append(issue_at(loaded, loc, msg, val))
        for key, val in (("default", m.default), ("none", m.none)):
            if val is not None and val not in tvalues:
                iss.append(issue_at(loaded, p + (key,), f"{tid} 没有选项 {val}", val))
    return cw, issues + iss


def load_crosswalk(path: str | Path, src: Questionnaire, dst: Questionnaire) -> Crosswalk:
    return load_checked(path, lambda loaded: check_crosswalk(loaded, src, dst))


def raise_errors(issues: list[Issue]) -> None:
    """Raise every issue at once if any is an error (warnings alone pass)."""
    if any(i.severity == "error" for i in issues):
        raise DataValidationError(issues)
