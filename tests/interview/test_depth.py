"""The two depths: a core path an owner finishes in about 20 minutes (plus the firm's sub-sector module), and the
full questionnaire for on-site visits. Walked as the interview walks them (tests/interview/driver.py)."""

from __future__ import annotations

import pytest

from maturity.engine.scoring import Scheme
from maturity.interview.session import Session
from maturity.interview.timing import minutes
from maturity.load import bundled
from maturity.models.answers import Enterprise
from tests.interview.driver import walk

# one firm of each sub-sector family with a module, and one without (ceramics): its module's tag
FAMILIES = {
    "paper": "module-paper",
    "daily-chem": "module-daily-chem",
    "leather": "module-leather",
    "appliance": "module-appliance",
    "furniture": "module-furniture",
    "battery": "module-battery",
    "plastics": "module-plastics",
    "hardware": "module-hardware",
    "ceramics": None,
}
CORE_LIMIT = 40


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return bundled.scheme("light-industry")


def _session(q, sub: str, depth: str, **ent) -> Session:
    return Session(q, Enterprise(name=f"测试{sub}企业", sub_sector=sub, **ent), depth=depth)


@pytest.mark.parametrize("sub", sorted(FAMILIES))
def test_core_path_of_each_family_is_at_most_forty_questions_plus_its_module(scheme, sub):
    q = scheme.questionnaire
    _, asked, s = walk(q, _session(q, sub, "core"))
    tag = FAMILIES[sub]
    module = [x for x in asked if "module" in q.question_map[x].tags]
    assert len(asked) - len(module) <= CORE_LIMIT, (sub, len(asked), len(module))
    want_module = {x.id for x in q.questions if tag and tag in x.tags}
    assert set(module) == want_module  # the firm's own module, whole, and no other family's
    assert len(want_module) == (4 if tag else 0)
    assert not [x for x in asked if q.question_map[x].depth == "full"]
    # the scorer agrees on what was asked: everything walked is answered, every full-depth question not asked
    a = scheme.assess(s.answers_file())
    status = {x.id: x.status for x in a.questions}
    assert all(status[x] in ("answered", "unscored") for x in asked)
    full_only = [x for x in q.questions if x.depth == "full" and status[x.id] != "not_applicable"]
    # follow-ups included: a full-depth follow-up of a question never asked is not asked either (not hidden at 0)
    assert full_only and all(status[x.id] == "not_asked" for x in full_only), [
        (x.id, status[x.id]) for x in full_only if status[x.id] != "not_asked"
    ]
    assert a.not_asked == sum(1 for x in full_only if x.scored)
    # and the full questionnaire asks more of the same firm
    _, asked_full, _ = walk(q, _session(q, sub, "full"))
    assert set(asked) < set(asked_full)


def test_core_path_time_is_about_twenty_minutes_and_the_full_one_about_forty(scheme):
    """At the README's pace (tests/test_readme.py): the slow end of the core path rounds to 20 minutes or less."""
    q = scheme.questionnaire
    core = _session(q, "furniture", "core").order()
    full = _session(q, "furniture", "full").order()
    assert round(minutes(q, core)[1]) <= 20
    assert minutes(q, full)[0] > 30


def test_the_interview_says_how_long_the_path_taken_is(cli, scheme, tmp_path):
    from maturity.interview.timing import minutes_text
    from tests.interview.driver import profile_lines

    q = scheme.questionnaire
    core = _session(q, "furniture", "core").order()
    full = _session(q, "furniture", "full").order()
    for args, order, word in (((), core, "核心问卷"), (("--full",), full, "完整问卷")):
        res = cli(
            "assess",
            "--interactive",
            "-q",
            "light-industry",
            "-o",
            tmp_path / f"{word}.yaml",
            *args,
            input="\n".join([*profile_lines(q), "q"]) + "\n",
        )
        assert res.exit_code == 0, res.output
        flat = "".join(res.output.split())
        assert f"{word}：本企业共{len(order)}道题（含行业专题4道），约{minutes_text(q, order)}分钟" in flat
    assert "--full回答完整问卷" in "".join(
        cli(
            "assess",
            "--interactive",
            "-q",
            "light-industry",
            "-o",
            tmp_path / "c.yaml",
            "--force",
            input="\n".join([*profile_lines(q), "q"]) + "\n",
        ).output.split()
    )


def test_resume_with_full_extends_a_core_answers_file(cli, scheme, tmp_path):
    from maturity.interview import store
    from tests.interview.driver import profile_lines

    q = scheme.questionnaire
    out = tmp_path / "a.yaml"
    lines, _, _ = walk(q)
    assert (
        cli(
            "assess",
            "--interactive",
            "-q",
            "light-industry",
            "-o",
            out,
            input="\n".join([*profile_lines(q), *lines, ""]) + "\n",
        ).exit_code
        == 0
    )
    assert store.read(out).depth == "core"
    res = cli("assess", "--interactive", "--resume", out, "--full", input="q\n")
    assert res.exit_code == 0, res.output
    assert store.read(out).depth == "full"
    # the first question shown is a full-depth one the core path skipped
    first = next(x for x in q.questions if x.depth == "full" and _session(q, "furniture", "full").applies(x))
    assert f"[{first.id}]" in res.output


def test_a_mixed_plant_is_asked_both_sets_and_weighted_between_them(scheme):
    q = scheme.questionnaire
    mixed = _session(q, "daily-chem", "full", industry_type="mixed").order()
    process = _session(q, "daily-chem", "full").order()
    for discrete_q in ("RD-05", "MF-05", "QC-05"):  # 设计数据下发、扫码报工、装配包装防错: the filling line's
        assert discrete_q in mixed and discrete_q not in process
    for process_q in ("RD-06", "MF-06", "QC-06"):
        assert process_q in mixed and process_q in process
    assert set(process) < set(mixed)
    dims_d, qs_d = scheme.weights("discrete")
    dims_p, qs_p = scheme.weights("process")
    dims_m, qs_m = scheme.weights("mixed")
    for d in dims_m:
        assert dims_m[d] == pytest.approx((dims_d[d] + dims_p[d]) / 2)
    assert qs_m["MF-06"] == pytest.approx((qs_d["MF-06"] + qs_p["MF-06"]) / 2)
    _, _, s = walk(q, _session(q, "daily-chem", "core", industry_type="mixed"))
    a = scheme.assess(s.answers_file())
    assert a.enterprise.industry_type == "mixed" and a.enterprise.industry_type_name == "混合型"


def test_the_profile_asks_a_process_plant_whether_it_is_mixed(cli, scheme, tmp_path):
    from maturity.interview import store

    q = scheme.questionnaire
    sub = [s.id for s in q.sub_sectors].index("daily-chem") + 1
    out = tmp_path / "a.yaml"
    # name, sub-sector, mixed? y, size as figures, Enter confirms, region, credit code, contact, assessor, programme
    script = ["测试日化有限公司", str(sub), "y", "85人 营收3000万", "", "", "", "", "", "", "q"]
    res = cli("assess", "--interactive", "-q", "light-industry", "-o", out, input="\n".join(script) + "\n")
    assert res.exit_code == 0, res.output
    assert "灌装" in res.output and "混合型" in res.output
    ent = store.read(out).enterprise
    assert ent.industry_type == "mixed" and ent.size == "small"
    assert ent.employees == 85 and ent.revenue_band == "2000-10000"  # the figures typed for the size are kept
