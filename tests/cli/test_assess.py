"""`maturity assess` driven through its input (CliRunner feeds stdin; --interactive since it is no TTY)."""

from __future__ import annotations

import os
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
    assert re.search("最重要的[一两三]项下一步", res.output)
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
    script = (
        ["", str(n_opts + 1), "不存在的选项", lines[0]]
        + lines[1:number_at]
        + ["很多", f"{number_q.max + 1:g}", "５０％", "q"]
    )
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
    script = ["", p[0], "0", "99", p[1], p[2], p[3], "91350100M000100Y4X", "91350100M000100Y43", "", "", "q"]
    res = run(cli, "-o", out, lines=script)
    assert res.exit_code == 0, res.output
    assert "企业名称不能为空" in res.output
    assert f"请输入 1–{len(q.sub_sectors)} 之间的编号" in res.output
    assert "统一社会信用代码无效：校验位不符" in res.output
    ent = store.read(out).enterprise
    assert ent.credit_code == "91350100M000100Y43" and ent.sub_sector == PROFILE["sub_sector"]


def test_na_requires_a_justification(cli, q, tmp_path):
    """On the full questionnaire (the N/A questions of a furniture maker are full-depth ones)."""
    out = tmp_path / "a.yaml"
    lines, asked, _ = walk(q, depth="full")
    first = q.question_map[asked[0]]
    assert not first.allow_na and first.kind != "yesno"
    at = next(i for i, qid in enumerate(asked) if q.question_map[qid].allow_na)
    # "n" where N/A is not allowed; then at the first N/A question: empty reason, cancel, and a real reason
    script = ["n", *lines[:at], "n", "", "c", "n", "本厂只做批量订单，不接定制", "q"]
    res = run(cli, "-o", out, "--full", lines=profile_lines(q) + script)
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
    assert "继续答题：已答 5/" in res2.output
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
    assert re.search("最重要的[一两三]项下一步", res.output)


def test_resume_and_answers_together_is_an_error(cli, example):
    res = cli("assess", "--answers", example, "--resume", example)
    assert res.exit_code == 1 and "不能同时使用" in res.output


def test_english_messages(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    res = cli(
        "assess",
        "--interactive",
        "--lang",
        "en",
        "-q",
        "light-industry",
        "-o",
        out,
        input="\n".join([*profile_lines(q), "?", "q"]) + "\n",
    )
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
    assert "答案回顾（已答 3/" in res.output
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
    assert re.search("最重要的[一两三]项下一步", res.output)
    assert store.read(out).answers[asked[0]].value == q.options_of(first)[int(other) - 1].value
    assert not store.sidecar_path(out).exists()


def test_quit_prints_a_resume_command_with_every_option_given(cli, q, tmp_path):
    """Issue 19 item 6: the printed command keeps --pdf, --lang, --force (shell-quoted)."""
    import shlex

    out = tmp_path / "my answers.yaml"
    pdf = tmp_path / "报告 1.pdf"
    lines, _, _ = walk(q)
    res = run(
        cli, "-o", out, "--pdf", pdf, "--lang", "en", "--force", lines=profile_lines(q) + [lines[0], "q"]
    )
    assert res.exit_code == 0, res.output
    command = re.search(r"Continue with: (maturity assess .+)", res.output)[1]
    words = shlex.split(command)
    assert words[2:4] == ["--resume", str(out)]
    assert words[words.index("--pdf") + 1] == str(pdf)
    assert words[words.index("--lang") + 1] == "en" and "--force" in words


@pytest.mark.slow
def test_one_question_count_everywhere(cli, q, tmp_path):
    """Issue 19 item 7: the progress line, the review, the finish line and the resume line all count the same
    thing, the questions on this enterprise's path; when a follow-up appears the screen says so."""
    out = tmp_path / "a.yaml"
    lines, _, final = walk(q)
    res = run(cli, "-o", out, lines=profile_lines(q) + lines[:5] + ["r", "", "q"])
    totals = {int(t) for t in re.findall(r"第 \d+/(\d+) 题", res.output)}
    review = re.search(r"答案回顾（已答 (\d+)/(\d+) 题）", res.output)
    assert review and int(review[1]) == 5 and len(totals) == 1 and int(review[2]) in totals
    res2 = cli("assess", "--interactive", "--resume", out, input="\n".join(lines[5:]) + "\n\n")
    assert res2.exit_code == 0, res2.output
    resumed = re.search(r"继续答题：已答 5/(\d+) 题", res2.output)
    n = len(final.order())
    assert resumed and int(resumed[1]) in totals
    shown = [int(t) for t in re.findall(r"第 \d+/(\d+) 题", res2.output)]
    assert shown[-1] == n
    assert f"全部 {n} 道题已答完" in res2.output or f"共 {n} 道题" in res2.output
    if max(totals | set(shown)) != min(totals | set(shown)):  # the path grew: each change is announced
        assert "道追问" in res2.output
    assert "计分题" not in res.output + res2.output


def test_menu_counts_all_questions_and_says_only_applicable_ones_are_asked(cli):
    res = cli("assess", "--interactive", input="\n")
    for b in api.list_bundled():
        count = len(api.bundled_questionnaire(b.id).questions)
        assert f"{b.id}，共{count}道题，只问适用于本企业的题目" in re.sub(r"\s", "", res.output)
        assert re.sub(r"\s", "", b.title) in re.sub(r"\s", "", res.output)


def test_menu_read_without_models_shows_what_the_models_hold(tmp_path, monkeypatch):
    """The first prompt is printed from the files' plain data (cached or not), before any questionnaire is
    validated: ids, titles (stripped, folded lines joined) and question counts are the validated ones."""
    from maturity.load import bundled

    want = [(b.id, b.title, len(api.bundled_questionnaire(b.id).questions)) for b in api.list_bundled()]
    for cache_dir in ("cold", "cold", "off"):  # empty cache, then filled, then no cache at all
        monkeypatch.setenv("MATURITY_CACHE_DIR", str(tmp_path / cache_dir))
        monkeypatch.setenv("MATURITY_NO_CACHE", "1" if cache_dir == "off" else "")
        assert [(m.id, m.title, m.questions) for m in bundled.menu()] == want


def test_answered_column_does_not_count_follow_ups_never_asked(cli, example_copy):
    loaded = api.load_answers(example_copy)
    result = api.assess(loaded)
    hidden = [x for x in result.questions if x.status == "hidden"]
    assert hidden, "the example leaves at least one follow-up hidden"
    for d in result.dimensions:
        on_path = [
            x
            for x in result.questions
            if x.dimension == d.id
            and x.status not in ("hidden", "not_applicable")
            and loaded.scheme.questionnaire.question_map[x.id].scored
        ]
        assert d.total == len(on_path)
    assert sum(d.total for d in result.dimensions) == result.applicable


@pytest.mark.parametrize(
    ("typed", "band", "shown"),
    [
        ("30人", "small", "从业人员 30 人"),
        ("30", "small", "从业人员 30 人"),
        ("营收1500万", "small", "营业收入 1500 万元"),
        ("15人", "micro", "从业人员 15 人"),
        ("500人 营收3亿", "medium", "营业收入 30000 万元"),
    ],
)
def test_size_from_staff_or_revenue_with_a_confirmation(cli, q, tmp_path, typed, band, shown):
    """Issue 19 item 8: "30人" or revenue is understood, mapped to a band of the national standard, confirmed."""
    out = tmp_path / "a.yaml"
    p = profile_lines(q)
    res = run(cli, "-o", out, lines=[p[0], p[1], typed, "", p[3], "", "王经理 13800000000", "李专员", "q"])
    assert res.exit_code == 0, res.output
    assert "请输入 1–" not in res.output
    names = {b.id: b.name for b in q.size_bands}
    assert (
        shown in res.output
        and f"属于{names[band]}企业" in res.output
        and "中小企业划型标准规定" in res.output
    )
    ent = store.read(out).enterprise
    assert ent.size == band
    assert ent.contact == "王经理 13800000000" and ent.assessor == "李专员"


def test_size_bands_are_defined_on_screen(cli, q, tmp_path):
    res = run(cli, "-o", tmp_path / "a.yaml", lines=profile_lines(q) + ["q"])
    flat = re.sub(r"\s", "", res.output)
    for b in q.size_bands:
        assert re.sub(r"\s", "", f"{b.name}（{b.description}）") in flat
    assert "评估人" in res.output and "联系人" in res.output


def test_implausible_number_asks_and_never_blocks(cli, q, tmp_path):
    """Issue 19 item 8: MG-04 (digital spend as % of revenue) = 20% asks for a check; n re-asks, y keeps it."""
    out = tmp_path / "a.yaml"
    lines, asked, _ = walk(q)
    k = asked.index("MG-04")
    limit = q.question_map["MG-04"].plausible_max
    assert limit is not None
    script = profile_lines(q) + lines[:k] + ["20", "n", "20", "y", "q"]
    res = run(cli, "-o", out, lines=script)
    assert res.exit_code == 0, res.output
    assert res.output.count("明显高于大多数企业") == 2 and f"通常不超过 {limit:g}%" in res.output
    assert store.read(out).answers["MG-04"].value == 20
    res2 = run(cli, "-o", tmp_path / "b.yaml", lines=profile_lines(q) + lines[:k] + [f"{limit:g}", "q"])
    assert "明显高于大多数企业" not in res2.output


def test_lang_en_says_what_it_covers_and_uses_ascii_brackets(cli, q, tmp_path):
    """Issue 19 item 11: English covers the tool's own words; the screen says the questionnaire stays Chinese."""
    lines, asked, _ = walk(q)
    k = next(i for i, qid in enumerate(asked) if q.question_map[qid].kind == "number")
    res = run(cli, "-o", tmp_path / "a.yaml", "--lang", "en", lines=profile_lines(q) + lines[:k] + ["q"])
    assert "stay in Chinese" in res.output
    hint = next(line for line in res.output.splitlines() if line.startswith("Enter a number"))
    assert "（" not in hint and "）" not in hint and "(" in hint
    assert "en只翻译本工具自己的提示" in re.sub(r"\s", "", cli("assess", "--help").stdout)


def test_programme_profile_asked_and_saved(cli, q, tmp_path):
    out = tmp_path / "a.yaml"
    lines, _, _ = walk(q)
    programme = [
        "y",
        "火星",
        "江西",
        "4",
        "1",
        "家具产业园",
        "1",
        "3",
        "很多",
        "120人",
        "2",
        "2",
        "某服务商",
        "2025-3-18",
    ]
    res = run(cli, "-o", out, lines=profile_lines(q, programme=programme) + lines + [""])
    assert res.exit_code == 0, res.output
    assert "未知省份“火星”" in res.output and "请填写整数人数" in res.output  # asked again, in Chinese
    ent = api.load_answers(out).answers.enterprise
    assert (ent.province, ent.city, ent.county, ent.region_code) == ("江西省", "九江市", "濂溪区", "360402")
    assert (ent.park, ent.scale, ent.sme_tier, ent.employees) == ("家具产业园", "above", "specialised", 120)
    assert (ent.revenue_band, ent.mode, ent.service_provider) == ("300-2000", "onsite", "某服务商")
    assert ent.assessed_on.isoformat() == "2025-03-18"


def test_first_prompt_does_not_wait_for_the_models(tmp_path):
    """The questionnaire menu is printed before the data models are imported or any questionnaire is
    validated (they are prepared in the background while the owner reads the menu), and the interview
    then goes on as usual."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import maturity.cli.assess as assess\n"
        "start = assess._prepare\n"
        "def prepare(qid):\n"  # called once the menu is printed, just before the prompt (and the thread)
        "    print('MODELS', sorted(m for m in sys.modules if m.startswith('maturity.models')), flush=True)\n"
        "    return start(qid)\n"
        "assess._prepare = prepare\n"
        "sys.argv = ['maturity', 'assess', '--interactive']\n"
        "from maturity.cli import main\n"
        "main()\n"
    )
    env = dict(os.environ, MATURITY_CACHE_DIR=str(tmp_path / "cache"))
    r = subprocess.run(
        [sys.executable, "-c", code], input="\n", capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert "MODELS []" in r.stdout
    assert "企业名称" in r.stdout  # the next prompt: the profile, from the loaded questionnaire


@pytest.mark.parametrize("where", ["existing", "folder"])
def test_a_pdf_path_that_cannot_be_written_is_said_before_the_first_question(cli, tmp_path, where):
    """Twenty minutes of answers must not end in "cannot write the PDF": said before anything is asked."""
    pdf = tmp_path / "报告.pdf"
    if where == "existing":
        pdf.write_bytes(b"an earlier report")
    else:
        pdf.mkdir()
    res = cli("assess", "--interactive", "--pdf", pdf, input="")
    assert res.exit_code != 0 and "Traceback" not in res.output
    assert ("已存在" if where == "existing" else "是一个文件夹") in res.output
    assert "请选择问卷" not in res.output and not list(tmp_path.glob("*.yaml"))


def test_review_shows_typed_text_that_looks_like_markup_as_written(cli, q, tmp_path, example):
    """A free-text answer with square brackets ("[/]", "[b]") is shown as typed on the review screen; "[/]"
    used to stop the interview with a traceback."""
    import yaml

    out = tmp_path / "ex.yaml"
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    text_q = next(x for x in q.questions if x.kind == "text" and x.id in data["answers"])
    data["answers"][text_q.id] = {"value": "[/]订单[b]交期[/b]说不准"}
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    res = run(cli, "-o", out, lines=["1", "r", ""])  # continue; nothing open -> review, finish
    assert res.exit_code == 0, res.output
    assert "[/]订单[b]交期[/b]说不准" in res.output.replace(" ", "").replace("│", "")
