"""Roll-ups for programme managers: shares of enterprises per level and per estimated MIIT grade, by
区县 × 细分行业 × 规上/规下 × 专精特新梯度, by 园区, by 评估人 and by 服务商; campaign progress against last round;
the cohort overview the programme report is rendered from.

Small-group rule (as :mod:`.cohort`): a group of fewer than :data:`MIN_GROUP` enterprises is never shown; each
section says how many groups and enterprises it left out. Only counts and scores are kept per group.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

from maturity.batch.cohort import MIN_GROUP
from maturity.batch.records import EnterpriseRecord
from maturity.models.cohort import (
    CohortOverview,
    FollowUp,
    FrequentRecommendation,
    GroupFigures,
    Movement,
    ScenarioFigure,
    Share,
)

NO_DISTRICT = "未填区县"
NO_VALUE = "未填"
TWO_PLUS_RANK = 2  # 二级 in the MIIT 2024 grades (rank 0 = 未达一级)
ONSITE = "现场评定"


def district_of(rec: EnterpriseRecord) -> str:
    """The 区县 an enterprise is counted under: its county (with province and city), else its city, else none."""
    if rec.county or rec.city:
        return rec.province + (rec.city if rec.city != rec.province else "") + rec.county
    return NO_DISTRICT


KEYS: dict[str, tuple[str, Any]] = {
    "district": ("区县", district_of),
    "sector": ("细分行业", lambda r: r.sub_sector_name),
    "scale": ("规上/规下", lambda r: r.scale or NO_VALUE),
    "tier": ("专精特新梯度", lambda r: r.sme_tier or NO_VALUE),
    "park": ("园区", lambda r: r.park or "未填园区"),
    "assessor": ("评估人", lambda r: r.assessor or "未填评估人"),
    "provider": ("服务商", lambda r: r.service_provider or "未填服务商"),
}
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("按区县", ("district",)),
    ("按区县 × 细分行业", ("district", "sector")),
    ("按区县 × 规上/规下", ("district", "scale")),
    ("按区县 × 专精特新梯度", ("district", "tier")),
    ("按区县 × 细分行业 × 规上/规下 × 专精特新梯度", ("district", "sector", "scale", "tier")),
    ("按园区", ("park",)),
    ("按细分行业", ("sector",)),
    ("按规上/规下", ("scale",)),
    ("按专精特新梯度", ("tier",)),
)
ASSESSOR_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("按评估人", ("assessor",)),
    ("按服务商", ("provider",)),
)


@dataclass
class Cell:
    n: int = 0
    levels: Counter = field(default_factory=Counter)
    grades: Counter = field(default_factory=Counter)
    graded: int = 0
    two_plus: int = 0
    onsite: int = 0
    scores: list[float] = field(default_factory=list)

    def add(self, rec: EnterpriseRecord) -> None:
        self.n += 1
        self.levels[rec.level] += 1
        if rec.grade:
            self.grades[rec.grade] += 1
            self.graded += 1
            if (rec.grade_rank or 0) >= TWO_PLUS_RANK:
                self.two_plus += 1
        if rec.mode == ONSITE:
            self.onsite += 1
        self.scores.append(rec.score)

    @property
    def two_plus_share(self) -> float | None:
        return round(100 * self.two_plus / self.graded, 1) if self.graded else None

    @property
    def median(self) -> float | None:
        return round(median(self.scores), 1) if self.scores else None


@dataclass
class Section:
    title: str
    keys: tuple[str, ...]
    cells: dict[tuple[str, ...], Cell] = field(default_factory=dict)

    def shown(self) -> list[tuple[tuple[str, ...], Cell]]:
        return sorted(
            ((k, c) for k, c in self.cells.items() if c.n >= MIN_GROUP), key=lambda kc: (-kc[1].n, kc[0])
        )

    def hidden(self) -> tuple[int, int]:
        small = [c for c in self.cells.values() if c.n < MIN_GROUP]
        return len(small), sum(c.n for c in small)


class Rollup:
    """Collects every scored record once; answers the roll-up sheets and the chart data."""

    def __init__(self, level_order: list[tuple[str, str]], grade_order: list[tuple[str, str]]) -> None:
        self.level_order = level_order
        self.grade_order = grade_order
        self.total = Cell()
        self.sections = [Section(t, k) for t, k in SECTIONS + ASSESSOR_SECTIONS]

    def add(self, rec: EnterpriseRecord) -> None:
        self.total.add(rec)
        values = {k: f(rec) for k, (_, f) in KEYS.items()}
        for s in self.sections:
            key = tuple(values[k] for k in s.keys)
            cell = s.cells.get(key)
            if cell is None:
                cell = s.cells[key] = Cell()
            cell.add(rec)

    def header(self, section: Section) -> list[str]:
        return (
            [KEYS[k][0] for k in section.keys]
            + ["企业数"]
            + [lab for lab, _ in self.level_order]
            + [lab for lab, _ in self.grade_order]
            + ["二级及以上占比（%）", "综合得分中位数", "现场评定占比（%）"]
        )

    def row(self, key: tuple[str, ...], c: Cell) -> list[Any]:
        return (
            [*key, c.n]
            + [c.levels.get(lab, 0) for lab, _ in self.level_order]
            + [c.grades.get(lab, 0) for lab, _ in self.grade_order]
            + [
                c.two_plus_share if c.two_plus_share is not None else "",
                c.median,
                round(100 * c.onsite / c.n, 1) if c.n else 0,
            ]
        )

    def sheet_rows(self, assessors: bool = False) -> Iterator[list[Any]]:
        """The 区县汇总 sheet (or, with ``assessors``, the 评估人与服务商 sheet) as rows."""
        chosen = ASSESSOR_SECTIONS if assessors else SECTIONS
        titles = {t for t, _ in chosen}
        yield [
            ("按评估人、服务商汇总" if assessors else "按区县 × 细分行业 × 规上/规下 × 专精特新梯度汇总")
            + f"（本批次 {self.total.n} 家企业）"
        ]
        yield [
            f"企业少于 {MIN_GROUP} 家的分组不单独列出（保护企业信息）；国家等级为按对照表推算的估计值，仅供参考。"
        ]
        yield []
        yield ["全部企业"]
        yield self.header(Section("", ()))
        yield self.row((), self.total)
        for s in self.sections:
            if s.title not in titles:
                continue
            yield []
            yield [s.title]
            yield self.header(s)
            for key, c in s.shown():
                yield self.row(key, c)
            groups, firms = s.hidden()
            if groups:
                yield [f"另有 {groups} 个分组（共 {firms} 家）不足 {MIN_GROUP} 家，未单独列出"]


# ---- campaign progress -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Before:
    level: str
    level_rank: int
    grade: str
    grade_rank: int | None


def match_keys(credit_code: str | None, name: str, region: str) -> list[str]:
    keys = []
    if credit_code:
        keys.append("c:" + credit_code)
    keys.append("n:" + name.strip() + "|" + region.strip())
    return keys


class Progress:
    """Last round's results (a batch OUTDIR), matched by credit code, else by name + region."""

    def __init__(self, source: Path, before: dict[str, Before], level_order: list[tuple[str, str]]) -> None:
        self.source = source
        self.before = before
        self.rank = {lab: i for i, (lab, _) in enumerate(level_order)}
        self.total: Counter[str] = Counter()
        self.by_district: dict[str, Counter] = {}

    def movement(self, rec: EnterpriseRecord) -> tuple[str, str]:
        """("up" | "same" | "down" | "new", text for the summary) for one enterprise."""
        b = next(
            (self.before[k] for k in match_keys(rec.credit_code, rec.name, rec.region) if k in self.before),
            None,
        )
        if b is None:
            return "new", "上轮无记录"
        now = self.rank.get(rec.level, -1)
        way = "up" if now > b.level_rank else "down" if now < b.level_rank else "same"
        word = {"up": "上升", "same": "持平", "down": "下降"}[way]
        text = (
            f"{word}（{b.level}→{rec.level}"
            + (f"；{b.grade}→{rec.grade}" if b.grade and rec.grade else "")
            + "）"
        )
        return way, text

    def add(self, rec: EnterpriseRecord) -> str:
        way, text = self.movement(rec)
        self.total[way] += 1
        self.by_district.setdefault(district_of(rec), Counter())[way] += 1
        return text

    def movements(self) -> tuple[Movement, list[Movement]]:
        t = self.total
        rows = [
            Movement(d, c["up"], c["same"], c["down"], c["new"])
            for d, c in self.by_district.items()
            if sum(c.values()) >= MIN_GROUP
        ]
        rows.sort(key=lambda m: -(m.up + m.same + m.down + m.new))
        return Movement("全部企业", t["up"], t["same"], t["down"], t["new"]), rows


def load_previous(outdir: Path, level_order: list[tuple[str, str]]) -> Progress:
    """Last round's batch OUTDIR: its ledger (records), else its summary.csv."""
    from maturity.batch.ledger import LEDGER, LEDGER_DIR
    from maturity.errors import InputError

    rank = {lab: i for i, (lab, _) in enumerate(level_order)}
    before: dict[str, Before] = {}

    def put(code: str | None, name: str, region: str, level: str, grade: str, grade_rank: int | None) -> None:
        b = Before(level, rank.get(level, -1), grade, grade_rank)
        for k in match_keys(code, name, region):
            before.setdefault(k, b)

    ledger = outdir / LEDGER_DIR / LEDGER
    summary = outdir / "summary.csv"
    if ledger.is_file():
        with open(ledger, encoding="utf-8") as fh:
            for line in fh:
                try:
                    r = json.loads(line)["record"]
                except (ValueError, KeyError, TypeError):
                    continue
                put(
                    r.get("credit_code"),
                    r.get("name", ""),
                    r.get("region", ""),
                    r.get("level", ""),
                    r.get("grade", ""),
                    r.get("grade_rank"),
                )
    elif summary.is_file():
        with open(summary, encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                put(
                    r.get("统一社会信用代码") or None,
                    r.get("企业名称", ""),
                    r.get("所在地区", ""),
                    r.get("等级", ""),
                    r.get("国家等级（估计）", ""),
                    None,
                )
    else:
        raise InputError(
            f"上一轮结果文件夹中没有批量结果（ledger 或 summary.csv）：{outdir}",
            hint="--previous 应指向上一轮 maturity batch 的输出文件夹。",
        )
    return Progress(outdir, before, level_order)


# ---- the cohort overview -------------------------------------------------------------------------
def overview(
    records: Iterable[EnterpriseRecord],
    *,
    title: str,
    scope: str,
    scheme: Any,
    grade_order: list[tuple[str, str]],
    edition: str,
    reference_level: str = "L3",
    progress: Progress | None = None,
    follow_up: int = 15,
) -> CohortOverview:
    """Headline figures, distributions, the weakest dimensions, the most frequent recommendations with their
    total indicative cost, the enterprises closest to the next grade, and progress against last round."""
    questionnaire = scheme.questionnaire
    level_order = [(lv.label, lv.name) for lv in scheme.levels]
    roll = Rollup(level_order, grade_order)
    dims = [(d.id, d.name, d.kind) for d in questionnaire.dimensions]
    dim_scores: dict[str, list[float]] = {d: [] for d, _, _ in dims}
    recs: dict[str, list[Any]] = {}
    near: list[FollowUp] = []
    for rec in records:
        roll.add(rec)
        for did, v in rec.dims.items():
            if v is not None and did in dim_scores:
                dim_scores[did].append(v)
        for i, t in enumerate(
            rec.recommendations[:3] if rec.rec_costs else ()
        ):  # gaps (--no-recommend) are not
            cost = rec.rec_cost_ranges[i] if i < len(rec.rec_cost_ranges) else [0.0, 0.0]
            e = recs.setdefault(t, [0, 0.0, 0.0, rec.rec_costs[i] if i < len(rec.rec_costs) else ""])
            e[0] += 1
            e[1] += cost[0]
            e[2] += cost[1]
        if rec.grade and rec.grade_gap is not None and rec.grade_next:
            near.append(
                FollowUp(
                    rec.name,
                    district_of(rec),
                    rec.sub_sector_name,
                    rec.grade,
                    rec.grade_next,
                    rec.grade_gap,
                    rec.level,
                    rec.assessor,
                )
            )
        if progress is not None:
            progress.add(rec)
    n = roll.total.n
    total = roll.total
    dist = next(s for s in roll.sections if s.keys == ("district",))
    sect = next(s for s in roll.sections if s.keys == ("sector",))

    def figures(s: Any) -> list[GroupFigures]:
        return [
            GroupFigures(k[0], c.n, c.two_plus_share or 0.0, c.median, round(100 * c.onsite / c.n, 1))
            for k, c in s.shown()
        ]

    ov = CohortOverview(
        title=title,
        scope=scope,
        generated=time.strftime("%Y-%m-%d"),
        n=n,
        median_score=total.median,
        two_plus=total.two_plus_share,
        onsite=round(100 * total.onsite / n, 1) if n else 0.0,
        edition=edition,
        questionnaire=questionnaire.title,
        min_group=MIN_GROUP,
        levels=[
            Share(lab, nm, total.levels.get(lab, 0), _pct(total.levels.get(lab, 0), n))
            for lab, nm in level_order
        ],
        grades=[
            Share(lab, nm, total.grades.get(lab, 0), _pct(total.grades.get(lab, 0), total.graded))
            for lab, nm in grade_order
        ]
        if total.graded
        else [],
        districts=figures(dist),
        sectors=figures(sect),
        reference_level=reference_level,
    )
    ov.hidden_groups, ov.hidden_firms = dist.hidden()
    # a dimension's level is not in the record: "below" counts scores under the reference level's score floor
    ref_id = next((lv.id for lv in scheme.levels if lv.label == reference_level), None)
    floor = next((b.min_score for b in scheme.rules.level_bands if b.level == ref_id), 0.0)
    for did, name, kind in dims:
        vals = dim_scores[did]
        ov.scenarios.append(
            ScenarioFigure(
                name,
                round(median(vals), 1) if vals else None,
                _pct(sum(1 for v in vals if v < floor), len(vals)),
                kind,
            )
        )
    ov.scenarios.sort(key=lambda s: (s.median is None, s.median if s.median is not None else 0))
    ov.recommendations = [
        FrequentRecommendation(t, e[0], round(e[1], 1), round(e[2], 1), e[3])
        for t, e in sorted(recs.items(), key=lambda kv: (-kv[1][0], kv[0]))[:10]
    ]
    ov.follow_up = sorted(near, key=lambda f: (f.gap, f.name))[:follow_up]
    if progress is not None:
        ov.progress, ov.progress_by_district = progress.movements()
        ov.previous = str(progress.source)
    return ov


def _pct(k: int, n: int) -> float:
    return round(100 * k / n, 1) if n else 0.0


def grade_order() -> list[tuple[str, str]]:
    """The national grades, lowest first ((label, name), e.g. ("二级", "规范级"))."""
    from maturity.load import bundled

    return [(lv.label, lv.name) for lv in bundled.scheme(bundled.NATIONAL_SCHEME).levels]


def outdir_overview(
    outdir: Path, *, previous: Path | None = None, title: str = "", scope: str = ""
) -> CohortOverview:
    """The cohort overview of a finished batch OUTDIR (read from its ledger)."""
    from maturity.batch.ledger import LEDGER, LEDGER_DIR
    from maturity.errors import InputError
    from maturity.load import bundled

    path = outdir / LEDGER_DIR / LEDGER
    if not path.is_file():
        raise InputError(f"文件夹中没有批量结果：{outdir}", hint="请先运行 maturity batch 答卷 -o 该文件夹。")

    def records() -> Iterator[EnterpriseRecord]:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    yield EnterpriseRecord.from_json(json.loads(line)["record"])
                except (ValueError, KeyError, TypeError):
                    continue

    first = next(records(), None)
    if first is None:
        raise InputError(f"批量结果中没有已评分的企业：{outdir}")
    scheme = bundled.scheme(first.questionnaire)
    level_order = [(lv.label, lv.name) for lv in scheme.levels]
    progress = load_previous(previous, level_order) if previous is not None else None
    places = Counter(district_of(r) for r in records())
    if not scope:
        top = [p for p, _ in places.most_common(3) if p != NO_DISTRICT]
        scope = "、".join(top) + ("等" if len(places) > 3 else "") if top else "本批次企业"
    edition = first.grade_edition
    return overview(
        records(),
        title=title or "数字化转型诊断项目概览",
        scope=scope,
        scheme=scheme,
        grade_order=grade_order(),
        edition=edition,
        progress=progress,
    )


def write_cohort_pdf(
    outdir: Path,
    *,
    out: Path | None = None,
    previous: Path | None = None,
    title: str = "",
    scope: str = "",
    force: bool = False,
) -> Path:
    """cohort.pdf (the programme overview) of a batch OUTDIR, through the one road."""
    from maturity import pipeline

    ov = outdir_overview(outdir, previous=previous, title=title, scope=scope)
    target = out or outdir / "cohort.pdf"
    pipeline.write_cohort_report(ov, target, force=force)
    return target
