"""`maturity assess` driven through its input (CliRunner feeds stdin; --interactive since it is no TTY)."""

from __future__ import annotations

import re
import shutil

import pytest

from maturity import api
from maturity.interview import store
from tests.interview.driver import PROFILE, profile_lines, questionnaire, typed_answer, walk


@pytest.fixture(scope="module")
def q():
    return questionnaire()


def run(cli, *args, lines):
    return cli("assess", "--interactive", "-q", "light-industry", *args, input="\n".join(lines) + "\n")


def shown_ids(output: str) -> list[str]:
    """Question ids in the order their screens were shown."""
    return re.findall(r"\[([A-Z]+-\d+)\]\n", output)


def test_full_run_saves_every_answer_and_shows_the_result(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    lines, asked, expected = walk(q)
    res = run(cli, "-o", out, lines=profile_lines(q) + lines + [""])
    assert res.exit_code == 0, res.output
    assert shown_ids(res.output) == asked
    n = len(expected.order())
    assert re.search(r"第 1/\d+ 题 · ", res.output)
    assert f"第 {n}/{n} 题" in res.output  # the last screen, once show_if has revealed follow-ups
    loaded = api.load_answers(out)
    got = {k: (a.value if not a.na else "NA") for k, a in loaded.answers.answers.items()}
    want = {k: a.value for k, a in expected.answers.items()}
    assert got == want
    assert loaded.answers.enterprise.name == PROFILE["name"]
    assert loaded.answers.created_at is not None and loaded.answers.updated_at >= loaded.answers.created_at
    assert not store.sidecar_path(out).exists()  # finished: no resume state left behind
    result = api.assess(loaded)
    assert f"{result.level.label} {result.level.name}" in res.output
    assert "最重要的三项下一步" in res.output
    from maturity import pipeline

    steps = pipeline.evaluate(loaded).next_steps
    assert 1 <= len(steps) <= 3
    flat = re.sub(r"[\s│]", "", res.output)
    for step in steps:
        assert re.sub(r"\s", "", step.title)[:12] in flat and re.sub(r"\s", "", step.why)[:12] in flat
    assert str(out.resolve()) in res.output


def test_back_and_skip_then_return_to_skipped(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    lines, asked, _ = walk(q)
    # Q1 answered, Q2 skipped, at Q3 go back to Q2 and skip again, answer the rest, then answer Q2 at the end.
    script = [lines[0], "s", "b", "s"] + lines[2:] + ["", lines[1], ""]
    res = run(cli, "-o", out, lines=profile_lines(q) + script)
    assert res.exit_code == 0, res.output
    seen = shown_ids(res.output)
    assert seen[:4] == [asked[0], asked[1], asked[2], asked[1]]
    assert "已跳过" in res.output and f"还有 1 道题未答：{asked[1]}" in res.output
    assert seen[-1] == asked[1]
    assert api.load_answers(out).answers.answers[asked[1]].value is not None


def test_invalid_input_is_explained_and_asked_again(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    lines, asked, _ = walk(q)
    first = q.question_map[asked[0]]
    n_opts = len(q.options_of(first))
    number_at = next(i for i, qid in enumerate(asked) if q.question_map[qid].kind == "number")
    number_q = q.question_map[asked[number_at]]
    script = ["", str(n_opts + 1), "不存在的选项", lines[0]] + lines[1:number_at] + [
        "很多", f"{number_q.max + 1:g}", "５０％", "q"]
    res = run(cli, "-o", out, lines=profile_lines(q) + script)
    assert res.exit_code == 0, res.output
    assert "请输入答案；不确定可输入 s 跳过" in res.output
    assert f"“{n_opts + 1}”不是有效的选项编号，请输入 1–{n_opts} 之间的编号" in res.output
    assert "“不存在的选项”不是有效的选项编号" in res.output
    assert "“很多”不是数字" in res.output
    assert f"应不大于 {number_q.max:g}" in res.output
    answers = api.load_answers(out).answers.answers
    assert answers[number_q.id].value == 50.0  # full-width digits and % accepted
    assert shown_ids(res.output).count(asked[0]) == 1  # re-asked in place, not re-shown


def test_profile_checks_credit_code_and_choices(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    p = profile_lines(q)
    script = ["", p[0], "0", "99", p[1], p[2], p[3], "91350100M000100Y4X", "91350100M000100Y43", "q"]
    res = run(cli, "-o", out, lines=script)
    assert res.exit_code == 0, res.output
    assert "企业名称不能为空" in res.output
    assert f"请输入 1–{len(q.sub_sectors)} 之间的编号" in res.output
    assert "统一社会信用代码无效：校验位不符" in res.output
    ent = store.read(out).enterprise
    assert ent.credit_code == "91350100M000100Y43" and ent.sub_sector == PROFILE["sub_sector"]


def test_na_requires_a_justification(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    lines, asked, _ = walk(q)
    first = q.question_map[asked[0]]
    assert not first.allow_na and first.kind != "yesno"
    at = next(i for i, qid in enumerate(asked) if q.question_map[qid].allow_na)
    # "n" where N/A is not allowed; then at the first N/A question: empty reason, cancel, and a real reason
    script = ["n", *lines[:at], "n", "", "c", "n", "本厂只做批量订单，不接定制", "q"]
    res = run(cli, "-o", out, lines=profile_lines(q) + script)
    assert res.exit_code == 0, res.output
    assert "本题不能选“不适用”" in res.output
    assert "选择“不适用”须说明理由" in res.output
    assert "已记为不适用：本厂只做批量订单，不接定制" in res.output
    ans = api.load_answers(out).answers.answers[asked[at]]
    assert ans.na and ans.justification == "本厂只做批量订单，不接定制"
    assert store.load_state(out)["position"] == asked[at + 1]


def test_quit_then_resume_continues_where_it_stopped(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    lines, asked, _ = walk(q)
    res = run(cli, "-o", out, lines=profile_lines(q) + lines[:5] + ["q"])
    assert res.exit_code == 0 and "maturity assess --resume" in res.output
    assert list(store.read(out).answers) == asked[:5]
    res2 = cli("assess", "--interactive", "--resume", out, input="\n".join(lines[5:] + [""]) + "\n")
    assert res2.exit_code == 0, res2.output
    assert "继续答题：计分题已答 5/" in res2.output
    assert shown_ids(res2.output)[0] == asked[5]
    assert list(store.read(out).answers) == asked


def test_end_of_input_saves_and_exits_cleanly(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    lines, asked, _ = walk(q)
    res = run(cli, "-o", out, lines=profile_lines(q) + lines[:3])
    assert res.exit_code == 0
    assert "输入已结束，答卷已保存" in res.output
    assert list(store.read(out).answers) == asked[:3]
    assert store.load_state(out)["position"] == asked[3]


def test_existing_file_is_never_overwritten_without_confirmation(cli, q, tmp_path):
    out = tmp_path / "mine.yaml"
    out.write_text("这是别的文件\n", encoding="utf-8")
    res = run(cli, "-o", out, lines=["2", "no"])  # overwrite? -> not confirmed
    assert res.exit_code == 1 and "未覆盖" in res.output
    assert out.read_text(encoding="utf-8") == "这是别的文件\n"
    lines, asked, _ = walk(q)
    res = run(cli, "-o", out, lines=["", *profile_lines(q), lines[0], "q"])  # Enter = save under a new name
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8") == "这是别的文件\n"
    alt = tmp_path / "mine-2.yaml"
    assert list(store.read(alt).answers) == [asked[0]]
    res = run(cli, "-o", out, lines=["2", "yes", *profile_lines(q), "q"])  # confirmed overwrite
    assert res.exit_code == 0 and store.read(out).enterprise.name == PROFILE["name"]


def test_existing_answers_file_can_be_continued(cli, q, tmp_path, example):
    out = tmp_path / "ex.yaml"
    shutil.copy(example, out)
    before = store.read(out)
    res = run(cli, "-o", out, lines=["1", "r", ""])  # continue; nothing open -> review, finish
    assert res.exit_code == 0, res.output
    assert "企业名称" not in res.output  # the profile comes from the file
    after = store.read(out)
    assert {k: v.value for k, v in after.answers.items()} == {k: v.value for k, v in before.answers.items()}


def test_force_overwrites_without_asking(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    out.write_text("旧内容\n", encoding="utf-8")
    res = run(cli, "-o", out, "--force", lines=[*profile_lines(q), "q"])
    assert res.exit_code == 0
    assert store.read(out).enterprise.name == PROFILE["name"]


def test_no_tty_says_so_and_does_not_hang(runner, tmp_path):
    from maturity.cli import app

    res = runner.invoke(app, ["assess", "-o", str(tmp_path / "a.yaml")], input="1\n")
    assert res.exit_code == 2
    assert "标准输入不是终端" in res.output and "--answers" in res.output
    assert not (tmp_path / "a.yaml").exists()


def test_answers_scores_a_filled_file_without_questions(cli, example):
    res = cli("assess", "--answers", example)
    assert res.exit_code == 0, res.output
    result = api.assess_file(example)
    assert f"{result.level.label} {result.level.name}" in res.output
    assert f"{result.score:g}" in res.output
    assert "最重要的三项下一步" in res.output


def test_resume_and_answers_together_is_an_error(cli, example):
    res = cli("assess", "--answers", example, "--resume", example)
    assert res.exit_code == 1 and "不能同时使用" in res.output


def test_english_messages(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    res = cli("assess", "--interactive", "--lang", "en", "-q", "light-industry", "-o", out,
              input="\n".join([*profile_lines(q), "?", "q"]) + "\n")
    assert res.exit_code == 0, res.output
    assert "Enterprise name:" in res.output and "Question 1/" in res.output
    assert "b=back" in res.output and "Continue with: maturity assess --resume" in res.output
    assert "请选择" not in res.output


def test_review_lists_answers_and_jumps_back(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    lines, asked, _ = walk(q)
    first = q.question_map[asked[0]]
    other = typed_answer(q, first, 1)
    # answer 3, review, jump to #1, change it, back in review press Enter -> continue at question 4
    res = run(cli, "-o", out, lines=profile_lines(q) + lines[:3] + ["r", "1", other, "", "q"])
    assert res.exit_code == 0, res.output
    assert "答案回顾（计分题已答 3/" in res.output
    assert shown_ids(res.output) == [*asked[:4], asked[0], asked[3]]
    assert store.read(out).answers[asked[0]].value == q.options_of(first)[int(other) - 1].value


def test_review_from_the_finish_screen_then_finish(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    lines, asked, _ = walk(q)
    first = q.question_map[asked[0]]
    other = typed_answer(q, first, 1)
    assert other != lines[0]
    # all answered -> finish screen: review, change #1, Enter in the review finishes
    res = run(cli, "-o", out, lines=profile_lines(q) + lines + ["r", "1", other, ""])
    assert res.exit_code == 0, res.output
    assert "输入序号修改该题；回车 = 完成并查看结果" in res.output
    assert shown_ids(res.output) == [*asked, asked[0]]
    assert "最重要的三项下一步" in res.output
    assert store.read(out).answers[asked[0]].value == q.options_of(first)[int(other) - 1].value
    assert not store.sidecar_path(out).exists()


def test_programme_profile_asked_and_saved(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    lines, _, _ = walk(q)
    programme = ["y", "火星", "江西", "4", "1", "家具产业园", "1", "3", "很多", "120人", "2", "2", "某服务商",
                 "2025-3-18"]
    res = run(cli, "-o", out, lines=profile_lines(q, programme=programme) + lines + [""])
    assert res.exit_code == 0, res.output
    assert "未知省份“火星”" in res.output and "请填写整数人数" in res.output  # asked again, in Chinese
    ent = api.load_answers(out).answers.enterprise
    assert (ent.province, ent.city, ent.county, ent.region_code) == ("江西省", "九江市", "濂溪区", "360402")
    assert (ent.park, ent.scale, ent.sme_tier, ent.employees) == ("家具产业园", "above", "specialised", 120)
    assert (ent.revenue_band, ent.mode, ent.service_provider) == ("300-2000", "onsite", "某服务商")
    assert ent.assessed_on.isoformat() == "2025-03-18"
