"""MIIT 2024 grade boundaries, through the real loader and scoring engine.

The bundled files are questionnaires/miit-2024.yaml and scoring_rules/miit-2024.rules.yaml.
The grade rule (from the fact sheet, source [H]) is: the score band (20/40/60/80) AND enough scenes
at that level, of which enough are 约束性 (binding). Answer sets are built programmatically from
the questionnaire itself (scene and binding ids come from its tags), so a change in the data that
breaks the rule fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity.engine.crosswalk import derive as derive_answers
from maturity.engine.scoring import Scheme
from maturity.load import loader
from maturity.load.yamlio import load
from maturity.models.answers import AnswersFile

ROOT = Path(__file__).resolve().parents[2]
Q_PATH = ROOT / "questionnaires" / "miit-2024.yaml"
R_PATH = ROOT / "scoring_rules" / "miit-2024.rules.yaml"


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    q = loader.load_questionnaire(Q_PATH)
    return Scheme(q, loader.load_rules(R_PATH, q))


@pytest.fixture(scope="module")
def scenes(scheme: Scheme) -> tuple[list[str], list[str]]:
    """(binding scene ids, guiding scene ids) in questionnaire order."""
    tagged = [x for x in scheme.questionnaire.questions if "scene" in x.tags]
    binding = [x.id for x in tagged if "binding" in x.tags]
    guiding = [x.id for x in tagged if "binding" not in x.tags]
    return binding, guiding


# Every scored item at its maximum: 100 points.
FULL = {
    "B1": ["B", "C", "D", "E"],
    "B2": 100,
    "B3": 100,
    "B4": list("BCDEFGHIJKLMNO"),
    "B5": "E",
    "B6": ["B", "C", "D", "E"],
    "B7": ["B", "C", "D", "E"],
    "M1": "F",
    "M2": ["B", "C", "D", "E"],
    "M3": ["B", "C", "D", "E", "F"],
    "M4": 100,
    "R1": "C",
    "R2": "C",
    "R3": "C",
    "R4": "C",
}

# 40 points of 基础 without B4 (B1 8 + B2 6 + B3 6 + B5 10 + B6 5 + B7 5), plus M1 7.5 and M3 7.5.
_BASE_55 = {k: FULL[k] for k in ("B1", "B2", "B3", "B5", "B6", "B7", "M1", "M3")}
# + B4 with seven 0.7-point areas (4.9) = 59.9 points.
SCORE_59_9 = {**_BASE_55, "B4": list("BCDEFGH")}
# + R1 持平 (3.5) + R3 持平 (1.5) = 60.0 points.
SCORE_60_0 = {**_BASE_55, "R1": "B", "R3": "B"}


def assess(scheme: Scheme, scored: dict, scene_levels: dict[str, str]):
    q = scheme.questionnaire
    answers = AnswersFile.model_validate(
        {
            "questionnaire": q.id,
            "questionnaire_version": q.version,
            "enterprise": {"name": "测试企业", "sub_sector": q.sub_sectors[0].id},
            "answers": {**scored, **scene_levels},
        }
    )
    return scheme.assess(answers)


def levels(ids: list[str], level: str) -> dict[str, str]:
    return dict.fromkeys(ids, level)


# ---- the score is the official points sum -----------------------------------------------------
@pytest.mark.parametrize(
    ("answers", "points"),
    [
        (FULL, 100.0),
        ({}, 0.0),
        ({"B4": ["O"]}, 0.9),  # 人力资源 is the one 0.9-point area
        ({"B4": ["B", "O"]}, 1.6),
        ({"B2": 10}, 0.0),  # [0, 10%] is closed: 10% still scores 0
        ({"B2": 10.5}, 1.5),  # (10%, 20%]
        ({"B3": 60}, 4.5),  # 60% is still band D
        ({"B3": 60.5}, 6.0),
        ({"M4": 20}, 1.88),  # 1.875 shown with 2 decimals
        ({"M1": "E"}, 6.0),
        ({"M1": "F"}, 7.5),
        ({"M3": ["B", "C"]}, 3.0),
        ({"R1": "A", "R2": "B", "R3": "C", "R4": "B"}, 0 + 3.5 + 3 + 1.5),
        (SCORE_59_9, 59.9),
        (SCORE_60_0, 60.0),
    ],
)
def test_score_equals_points(scheme, answers, points):
    assert assess(scheme, answers, {}).score == pytest.approx(points, abs=1e-9)


def test_scenes_carry_no_points(scheme, scenes):
    binding, guiding = scenes
    none = assess(scheme, SCORE_60_0, {})
    all4 = assess(scheme, SCORE_60_0, levels(binding + guiding, "4"))
    assert none.score == all4.score == 60.0


def test_ten_binding_and_six_guiding_scenes(scenes):
    binding, guiding = scenes
    assert len(binding) == 10
    assert len(guiding) == 6
    assert "S12" in binding  # 仓储物流: 约束性 per [J] and [H] ([F] disagrees)


# ---- score boundary ---------------------------------------------------------------------------
def test_59_9_is_grade_2_and_60_is_grade_3(scheme, scenes):
    """59.9 and 60.0 are both exactly reachable (see SCORE_59_9 / SCORE_60_0); all scenes at level 3."""
    binding, guiding = scenes
    all3 = levels(binding + guiding, "3")
    below = assess(scheme, SCORE_59_9, all3)
    at = assess(scheme, SCORE_60_0, all3)
    assert (below.score, below.level.id) == (59.9, "G2")
    assert any(b.kind == "score" for b in below.blockers)
    assert (at.score, at.level.id) == (60.0, "G3")


# ---- scene counts -----------------------------------------------------------------------------
def test_seven_vs_eight_scenes_at_level_3(scheme, scenes):
    binding, guiding = scenes
    rest = levels(binding + guiding, "2")
    seven = {**rest, **levels(binding[:5] + guiding[:2], "3")}
    eight = {**rest, **levels(binding[:5] + guiding[:3], "3")}
    r7 = assess(scheme, FULL, seven)
    r8 = assess(scheme, FULL, eight)
    assert r7.level.id == "G2"
    assert [b.gate for b in r7.blockers] == ["grade3-scenes"]
    assert r8.level.id == "G3"


def test_four_vs_five_binding_scenes_at_level_3(scheme, scenes):
    binding, guiding = scenes
    rest = levels(binding + guiding, "2")
    four = {**rest, **levels(binding[:4] + guiding, "3")}  # 10 scenes at 3, only 4 binding
    five = {**rest, **levels(binding[:5] + guiding, "3")}
    r4 = assess(scheme, FULL, four)
    r5 = assess(scheme, FULL, five)
    assert r4.level.id == "G2"
    assert [b.gate for b in r4.blockers] == ["grade3-binding"]
    assert r5.level.id == "G3"


def test_high_score_with_too_few_level_4_scenes_stays_lower(scheme, scenes):
    binding, guiding = scenes
    all3 = levels(binding + guiding, "3")
    nine = {**all3, **levels(binding[:6] + guiding[:3], "4")}
    ten_few_binding = {**all3, **levels(binding[:5] + guiding, "4")}  # 11 at 4, 5 binding
    ten = {**all3, **levels(binding[:6] + guiding[:4], "4")}
    assert assess(scheme, FULL, all3).level.id == "G3"
    assert assess(scheme, FULL, nine).level.id == "G3"
    assert assess(scheme, FULL, ten_few_binding).level.id == "G3"
    top = assess(scheme, FULL, ten)
    assert (top.score, top.level.id, top.next_level) == (100.0, "G4", None)


def test_high_score_falls_to_grade_2_when_level_3_scenes_are_short(scheme, scenes):
    """Fact sheet example: score 85 with 7 scenes at ≥3, 6+ at ≥2 incl. 3 binding → 二级."""
    binding, guiding = scenes
    answers = {**FULL, "R3": "A", "R4": "A", "M4": 60}  # 100 - 3 - 3 - 1.875 = 92.125
    result = assess(scheme, answers, {**levels(binding + guiding, "2"), **levels(binding[:7], "3")})
    assert result.score >= 80
    assert result.band_level.id == "G4"
    assert result.level.id == "G2"


def test_grade_1_and_2_need_the_same_scene_counts(scheme, scenes):
    binding, guiding = scenes
    six_at_2 = {**levels(binding[:3] + guiding[:3], "2")}
    assert assess(scheme, {**SCORE_60_0, "R1": "A", "R3": "A"}, six_at_2).level.id == "G2"  # 55 points
    two_binding = {**levels(binding[:2] + guiding[:4], "2")}
    assert assess(scheme, FULL, two_binding).level.id == "G0"


# ---- 无等级 -------------------------------------------------------------------------------------
def test_no_grade_when_scenes_missing(scheme, scenes):
    binding, _guiding = scenes
    unanswered = assess(scheme, FULL, {})
    assert (unanswered.score, unanswered.band_level.id, unanswered.level.id) == (100.0, "G4", "G0")
    assert unanswered.level.label == "未达一级"
    five = assess(scheme, FULL, levels(binding[:5], "4"))
    assert five.level.id == "G0"


def test_level_0_scenes_do_not_count(scheme, scenes):
    binding, guiding = scenes
    six_at_1 = levels(binding[:3] + guiding[:3], "1")
    assert assess(scheme, FULL, six_at_1).level.id == "G1"
    one_at_0 = {**six_at_1, guiding[0]: "0"}
    assert assess(scheme, FULL, one_at_0).level.id == "G0"


def test_low_score_with_strong_scenes_has_no_grade(scheme, scenes):
    binding, guiding = scenes
    result = assess(scheme, {"B5": "D", "B4": list("BCDEFGHIJKLMN")}, levels(binding + guiding, "4"))
    assert result.score == pytest.approx(7.5 + 9.1)
    assert result.level.id == "G0"


# ---- the bundled files validate -----------------------------------------------------------------
def test_validate_accepts_miit_files(cli):
    result = cli("validate", Q_PATH, R_PATH)
    assert result.exit_code == 0, result.output


def test_validate_rejects_a_broken_gate(cli, write):
    broken = R_PATH.read_text(encoding="utf-8").replace(
        'tag: binding}, where: {at_least: "3"}', 'tag: binding}, where: {at_least: "5"}', 1
    )
    assert broken != R_PATH.read_text(encoding="utf-8")
    path = write("miit-2024.rules.yaml", broken)
    result = cli("validate", Q_PATH, path)
    assert result.exit_code != 0


# ---- the light-industry -> MIIT 2024 crosswalk ---------------------------------------------------
CW_PATH = ROOT / "scoring_rules" / "light-industry--miit-2024.crosswalk.yaml"
LI_PATH = ROOT / "questionnaires" / "light-industry.yaml"
LI_RULES = ROOT / "scoring_rules" / "light-industry.rules.yaml"


@pytest.fixture(scope="module")
def crosswalk():
    li = loader.load_questionnaire(LI_PATH)
    cw, issues = loader.check_crosswalk(load(CW_PATH), li, loader.load_questionnaire(Q_PATH))
    assert cw is not None and not issues
    return cw, Scheme(li, loader.load_rules(LI_RULES, li))


def derive(crosswalk, scheme: Scheme, answers: dict):
    cw, li = crosswalk
    src = AnswersFile.model_validate(
        {
            "questionnaire": li.questionnaire.id,
            "questionnaire_version": li.questionnaire.version,
            "enterprise": {"name": "测试企业", "sub_sector": "furniture"},
            "answers": answers,
        }
    )
    return derive_answers(cw, li, li.assess(src), scheme.questionnaire, src)


def test_crosswalk_maps_every_scored_miit_item(crosswalk, scheme):
    cw, _ = crosswalk
    scored = {x.id for x in scheme.questionnaire.questions if x.scored}
    assert set(cw.map) == scored


def test_crosswalk_unanswered_source_is_pending_not_zero(crosswalk, scheme):
    empty = derive(crosswalk, scheme, {})
    assert set(empty.pending) == {x.id for x in scheme.questionnaire.questions if x.scored}
    none = derive(crosswalk, scheme, {"DB-03": ["none"], "DB-04": ["none"]})
    assert none.answers.answers["B1"].value == ["A"]
    assert none.answers.answers["B4"].value == ["A"]
    assert "B1" not in none.pending


def test_crosswalk_copies_numbers_and_options(crosswalk, scheme):
    d = derive(
        crosswalk,
        scheme,
        {
            "DB-01": 10,
            "DB-02": 60.5,
            "MG-04": 3,
            "DB-04": ["hr", "warehouse"],
            "MG-01": "benchmark",
            "GS-05": "worse",
        },
    )
    got = {k: v.value for k, v in d.answers.answers.items()}
    assert got["B2"] == 10 and got["B3"] == 60.5 and got["M4"] == 3
    assert sorted(got["B4"]) == ["M", "O"]
    assert (got["M1"], got["R1"]) == ("F", "A")
    result = scheme.assess(d.answers)
    points = {q.id: q.score for q in result.questions}
    assert (points["B2"], points["B3"], points["M4"]) == (
        0,
        100,
        0,
    )  # MIIT bands, not the source's finer ones


@pytest.mark.parametrize(
    ("extra", "level"),
    [
        ({}, "3"),
        ({"SC-06": "push", "SC-04": "portal"}, "3"),
        ({"SC-06": "logistics"}, "4"),
        ({"SC-04": "vmi"}, "4"),
    ],
)
def test_crosswalk_warehouse_level_4_needs_external_evidence(crosswalk, scheme, extra, level):
    d = derive(crosswalk, scheme, {"SC-02": "4", **extra})
    assert d.answers.answers["S12"].value == level


def test_crosswalk_carries_the_bundled_example_over(crosswalk, scheme):
    cw, li = crosswalk
    src = AnswersFile.model_validate(load(ROOT / "examples" / "furniture-example.yaml").data)
    d = derive_answers(cw, li, li.assess(src), scheme.questionnaire, src)
    assert d.pending == []
    assert d.answers.enterprise.sub_sector == src.enterprise.sub_sector
    for tid, sid in {"S1": "RD-01", "S7": "QC-01", "S13": "MG-05"}.items():
        assert d.answers.answers[tid].value == src.answers[sid].value
    scheme.assess(d.answers)  # the derived answers are valid MIIT answers


@pytest.mark.slow
def test_lean_estimate_gives_the_full_estimates_figures() -> None:
    """The what-if search of the roadmap's "one step to the next national grade" compares estimates built
    without explanations (estimate_of); on random answer sets they must equal the full estimate's score,
    level and answers, or the step found would differ from what the report then shows."""
    from hypothesis import HealthCheck, given, settings

    from maturity.engine.grade import estimate_of, estimate_result
    from maturity.load import bundled
    from tests.strategies import answer_sets

    source, target = bundled.scheme("light-industry"), bundled.scheme("miit-2024")
    cw = bundled.crosswalk("light-industry", "miit-2024")

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(answer_sets(source.questionnaire))
    def check(answers: AnswersFile) -> None:
        full, _ = estimate_result(cw, source, source.assess(answers), answers, target)
        lean = estimate_of(cw, source, answers, target)
        assert lean.score == full.score
        assert lean.level_id == full.level.id
        assert lean.answers == [x.answer for x in full.questions]

    check()
