"""The README's claims a newcomer checks first (issue 19 item 12): the quick start and the interview length."""

from __future__ import annotations

import re
from pathlib import Path

from maturity import api
from maturity.interview.session import Session
from maturity.interview.timing import minutes, screen_chars
from maturity.resources import data_dir

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def path_estimate(depth: str) -> tuple[int, int, float, float]:
    """(questions on the example firm's path, mean characters per screen, low and high estimate in minutes) at
    the README's stated pace (400–500 characters a minute and 5–8 seconds per answer, maturity.interview.timing):
    the core path a new interview takes, or the full path with the follow-ups the example's answers open."""
    la = api.load_answers(data_dir("examples") / "furniture-example.yaml")
    q = la.scheme.questionnaire
    if depth == "core":
        order = Session(q, la.answers.enterprise, depth="core").order()
    else:
        order = Session.from_answers_file(q, la.answers).order()
    chars = sum(screen_chars(q, qid) for qid in order)
    low, high = minutes(q, order)
    return len(order), round(chars / len(order)), low, high


def test_interview_length_matches_the_core_and_the_full_path():
    n, per_screen, low, high = path_estimate("core")
    assert f"核心问卷路径共 {n} 道题" in README
    assert f"平均约 {per_screen} 个字" in README
    assert f"约 {low:.0f}–{high:.0f} 分钟" in README
    assert round(high) <= 20  # what the issue promises an owner
    claim = re.search(r"maturity assess\s+# 逐题问答（核心问卷），约 (\d+)–(\d+) 分钟", README)
    assert claim, "the command list states the interview length"
    assert int(claim[1]) <= round(low) + 3 and int(claim[2]) >= round(high) - 3
    n, per_screen, low, high = path_estimate("full")
    flat = re.sub(r"\s", "", README)
    assert f"作答路径共{n}道题，平均约{per_screen}个字，约{low:.0f}–{high:.0f}分钟" in flat
    claim = re.search(r"maturity assess --full\s+# 完整问卷（现场评估），约 (\d+)–(\d+) 分钟", README)
    assert claim and int(claim[1]) == round(low) and int(claim[2]) == round(high)


def test_quick_start_says_how_long_and_where_the_pdf_goes():
    quick = README[README.index("## 快速开始") : README.index("## 谁来用")]
    assert "约需 2 分钟" in quick and "当前文件夹" in quick and "诊断报告.pdf" in quick
    assert "maturity examples" in quick


def test_the_examples_levels_in_the_readme_are_the_levels_they_score():
    """The README introduces each bundled example with its level (and, where it says so, its national grade)."""
    named = re.findall(r"`examples/([a-z-]+-example\.yaml)`\s*（([^）]*)）", README)
    assert {name for name, _ in named} == {p.name for p in data_dir("examples").glob("*-example.yaml")}
    for name, blurb in named:
        ev = api.evaluate_file(data_dir("examples") / name)
        assert re.search(r"L\d\+?", blurb)[0] == ev.assessment.level.label, (name, blurb)
        grade = re.search(r"全国评测估算(\S\S)", blurb)
        if grade:
            assert ev.grade is not None and grade[1] == ev.grade.grade.label, (name, blurb)
