"""`maturity score` fits one screen: at most 40 lines at 100 columns, with level, score, bars, national grade
and three next steps (issue 13)."""

from __future__ import annotations

import pytest

from maturity.cli.console import out
from maturity.resources import data_dir

EXAMPLES = sorted(data_dir("examples").glob("*-example.yaml"))


@pytest.fixture
def narrow():
    console = out.real
    before = console.width
    console.width = 100
    yield
    console.width = before


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_score_fits_one_screen(cli, narrow, example):
    from maturity import pipeline

    res = cli("score", example)
    assert res.exit_code == 0
    lines = res.stdout.rstrip("\n").splitlines()
    assert len(lines) <= 40, "\n".join(lines)
    assert max(len(line) for line in lines) <= 100
    ev = pipeline.evaluate_file(example)
    text = res.stdout
    assert ev.assessment.level.label in text and f"{ev.assessment.score:g}" in text and "█" in text
    assert "全国评测" in text and ev.grade.grade.label in text
    for step in ev.next_steps[:3]:
        assert step.title in text
    assert "maturity explain" in text and "maturity plan" in text and "maturity report" in text


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_what_is_missing_for_the_next_level_is_shown_whole_on_a_narrow_terminal(cli, columns, example):
    """The first gap to the next level and to the next national grade ("差 0.9", "差 0.02") wraps onto a second
    line at 80 columns instead of being cut off before its figure; so does the note on the ladder's status."""
    import re

    from maturity import pipeline

    ev = pipeline.evaluate_file(example)
    columns(80)
    res = cli("score", example)
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    flat = re.sub(r"\s", "", res.stdout)
    assert re.sub(r"\s", "", ev.assessment.blockers[0].text) in flat
    assert re.sub(r"\s", "", ev.grade.blockers[0].text) in flat
    # and the note saying what the level is not (an official rating) is not cut off either
    assert "不是任何政府部门或评定机构的官方评定结果" in flat


def test_unanswered_questions_are_named_before_the_result(cli, tmp_path):
    """A blank question the interview would have asked is named by its short label (and the code the file uses),
    on stderr, and the score is still shown."""
    import yaml

    from maturity.load import bundled

    data = yaml.safe_load(EXAMPLES[0].read_text("utf-8"))
    q = bundled.scheme(data["questionnaire"]).questionnaire
    blank = next(x for x in q.questions if x.required and x.show_if is not None and x.id in data["answers"])
    del data["answers"][blank.id]
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    res = cli("score", path)
    assert res.exit_code == 0 and "综合得分" in res.stdout
    assert f"1 道必答题未作答，按 0 分计：{blank.short}（{blank.id}）" in res.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_score_lists_what_the_next_level_still_needs(cli, narrow, example):
    from maturity import pipeline
    from maturity.cli.views import SUMMARY_GAPS

    res = cli("score", example)
    flat = "".join(res.stdout.split())
    a = pipeline.evaluate_file(example).assessment
    assert a.blockers and f"升到{a.next_level.label}（{a.next_level.name}）还缺：" in flat
    for b in a.blockers[:SUMMARY_GAPS]:
        assert "".join(b.text.split()) in flat, b.text
    assert ("见maturityexplain" in flat) == (len(a.blockers) > SUMMARY_GAPS)


def test_gaps_beyond_the_screen_are_counted_and_pointed_to_explain(cli, narrow, monkeypatch):
    from maturity import pipeline
    from maturity.cli import views

    monkeypatch.setattr(views, "SUMMARY_GAPS", 1)
    example = EXAMPLES[0]
    blockers = pipeline.evaluate_file(example).assessment.blockers
    assert len(blockers) >= 2
    flat = "".join(cli("score", example).stdout.split())
    assert "".join(blockers[0].text.split()) in flat
    assert "".join(blockers[1].text.split()) not in flat
    assert f"另有{len(blockers) - 1}项，见maturityexplain" in flat
