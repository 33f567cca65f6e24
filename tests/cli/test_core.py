"""validate / score / explain / questionnaires / schema, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

BAD_QUESTIONNAIRE = """\
id: bad
version: 1.0.0
title: 有错的问卷
scheme_note: 测试
sources:
  - {id: s1, title: 来源}
levels:
  - {id: L1, rank: 1, name: 一, label: L1, description: 一, source: s1}
  - {id: L2, rank: 2, name: 二, label: L2, description: 二, source: s1}
dimensions:
  - {id: d1, name: 维度, kind: scenario, source: nowhere}
questions:
  - {id: Q1, dimension: d9, kind: single, text: 题一, source: s1,
     options: [{value: a, label: 甲, score: 100}, {value: b, label: 乙, score: 0}]}
  - {id: Q2, dimension: d1, kind: single, text: 题二, source: s2,
     options: [{value: a, label: 甲, score: 0}]}
  - {id: Q3, dimension: d1, kind: yesno, text: 题三, source: s1, show_if: {question: Q7, at_least: a}}
"""


@pytest.mark.slow
def test_validate_bundled_data_passes(cli):
    r = cli("validate")
    assert r.exit_code == 0, r.output
    assert "全部通过" in r.output


def test_validate_lists_every_mistake_with_lines(cli, write):
    p = write("bad.yaml", BAD_QUESTIONNAIRE)
    r = cli("validate", p)
    assert r.exit_code == 1
    text = r.stderr
    # five independent mistakes, each located at its own line
    for line, fragment in [(11, "nowhere"), (13, "d9"), (14, "从低到高"), (15, "s2"), (17, "Q7")]:
        assert f"bad.yaml:{line}:" in text, (line, text)
        assert fragment in text
    assert "Traceback" not in r.output


def test_validate_rules_cross_references(cli, write, data):
    rules = yaml.safe_load((data / "scoring_rules" / "light-industry.rules.yaml").read_text(encoding="utf-8"))
    rules["gates"][0]["when"] = {
        "all": [
            {"question": "NOPE-01", "at_least": "a"},
            {
                "count": {
                    "dimensions": {"kind": "scenario"},
                    "where": {"level_at_least": "L3"},
                    "at_least": 99,
                }
            },
        ]
    }
    rules["weights"]["dimensions"]["ghost"] = 3
    p = write("rules.yaml", yaml.safe_dump(rules, allow_unicode=True, sort_keys=False))
    r = cli("validate", p)
    assert r.exit_code == 1
    assert "未知题目 NOPE-01" in r.stderr
    assert "永远无法满足" in r.stderr
    assert "未知维度 ghost" in r.stderr


def test_validate_answers_file_reports_all_bad_answers(cli, example, write):
    doc = yaml.safe_load(example.read_text(encoding="utf-8"))
    qids = list(doc["answers"])
    doc["answers"]["NOT-A-QUESTION"] = "a"
    doc["enterprise"]["sub_sector"] = "spaceships"
    doc["enterprise"]["credit_code"] = "91360700MA35XXXXX0"
    p = write("answers.yaml", yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    r = cli("validate", p)
    assert r.exit_code == 1
    assert "统一社会信用代码" in r.stderr
    assert qids  # sanity: the example has answers


def test_score_json_is_stable_and_records_the_questionnaire(cli, example):
    r = cli("score", example, "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["schema_version"] == 1
    assert doc["questionnaire_id"] == "light-industry"
    assert doc["questionnaire_version"]
    assert doc["level"]["id"] in {"L1", "L2", "L3", "L4", "L5", "L6", "L7P"}
    assert 0 <= doc["score"] <= 100
    scenarios = [d for d in doc["dimensions"] if d["kind"] == "scenario"]
    assert {d["name"] for d in scenarios} == {
        "数字化研发设计",
        "柔性化生产制造",
        "数字化质量检测",
        "供应链协同管理",
        "数字化营销服务",
    }
    assert all(d["score"] is not None for d in scenarios)


def test_score_table_shows_level_and_bars(cli, example):
    r = cli("score", example)
    assert r.exit_code == 0
    assert "成熟度等级" in r.stdout and "█" in r.stdout


def test_explain_names_the_blocking_gates(cli, example):
    r = cli("explain", example)
    assert r.exit_code == 0
    doc = json.loads(cli("score", example, "--format", "json").stdout)
    blocking = [b for b in doc["blockers"] if b["kind"] == "gate"]
    assert blocking, "the example is meant to be held back by a gate"
    for b in blocking:
        assert b["text"] in r.stdout
    assert "还缺什么" in r.stdout


@pytest.mark.slow
def test_user_mistakes_get_a_message_not_a_traceback(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "maturity", "score", str(tmp_path / "missing.yaml")],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1
    assert "找不到文件" in r.stderr
    assert "Traceback" not in r.stderr


def test_wrong_questionnaire_version_is_refused_clearly(cli, example, write):
    doc = yaml.safe_load(example.read_text(encoding="utf-8"))
    doc["questionnaire_version"] = "0.9.0"
    p = write("old.yaml", yaml.safe_dump(doc, allow_unicode=True))
    r = cli("score", p)
    assert r.exit_code == 1
    assert "0.9.0" in r.stderr and "版本" in r.stderr


def test_questionnaires_lists_bundled(cli):
    r = cli("questionnaires")
    assert r.exit_code == 0
    assert "light-industry" in r.stdout and "miit-2024" in r.stdout


@pytest.mark.parametrize("kind", ["questionnaire", "rules", "answers"])
def test_schema_is_json_schema(cli, kind):
    r = cli("schema", kind)
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["type"] == "object" and "properties" in doc


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys; from maturity.cli import app; "
        "heavy = [m for m in ('weasyprint', 'openpyxl', 'xlsxwriter', 'pydantic', 'yaml', 'dask', 'distributed')"
        " if m in sys.modules]; print(heavy)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def test_interview_asks_its_first_question_before_loading_the_validation_stack(tmp_path):
    """The menu of `maturity assess` is on screen before the main thread imports pydantic's validators or any
    model (the questionnaire loads in a background thread, left out here, while the person reads the menu). Typer 0.29 coerces every option through a
    pydantic TypeAdapter, which imports them first (about 100 ms before the first prompt); hence the pin."""
    code = (
        "import builtins, sys\n"
        "def first(prompt=''):\n"
        "    heavy = [m for m in ('pydantic.main', 'pydantic.fields', 'maturity.models.questionnaire')"
        " if m in sys.modules]\n"
        "    print('AT PROMPT', heavy, flush=True)\n"
        "    raise EOFError\n"
        "builtins.input = first\n"
        "from maturity.cli import main\n"
        "import maturity.cli.assess as assess\n"
        "class Idle:\n"
        "    def join(self): pass\n"
        "assess._prepare = lambda qid: Idle()  # the background load would race with the check\n"
        "sys.argv = ['maturity', 'assess', '--interactive']\n"
        "main()\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, stdin=subprocess.DEVNULL
    )
    line = next(x for x in r.stdout.splitlines() if x.startswith("AT PROMPT"))
    assert line == "AT PROMPT []", r.stdout + r.stderr


def test_every_command_has_chinese_help(cli):
    from maturity.cli import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert len(names) >= 12
    top = cli("--help")
    for name in names:
        assert name in top.stdout
        r = cli(name, "--help")
        assert r.exit_code == 0, name
        assert "显示帮助并退出" in r.stdout, name
        summary = r.stdout.split("\n\n")[1].strip()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in summary), (name, summary)


@pytest.mark.slow
def test_answer_to_a_question_outside_the_profile_is_a_warning(cli, example, write, data):
    """A furniture maker answering a process-industry question: accepted, but told it does not count."""
    import yaml as _yaml

    from maturity import api

    q = api.scheme().questionnaire
    process_only = next(
        x
        for x in q.questions
        if x.applies_to and x.applies_to.industry_types == ["process"] and x.kind == "single"
    )
    doc = _yaml.safe_load(example.read_text(encoding="utf-8"))
    doc["answers"][process_only.id] = q.options_of(process_only)[-1].value
    p = write("extra.yaml", _yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    r = cli("validate", p)
    assert r.exit_code == 0
    assert f"{process_only.id} 不适用于“家具”企业" in r.stderr
    before = json.loads(cli("score", example, "--format", "json").stdout)["score"]
    after = json.loads(cli("score", p, "--format", "json").stdout)["score"]
    assert before == after


@pytest.mark.slow  # renders a report
def test_names_paths_and_notes_that_look_like_markup_are_printed_as_written(cli, tmp_path, example):
    """Square brackets in a folder, a file name, the enterprise's name or a note are text: `[/]` used to crash
    `validate`, `explain` and `report` (after the PDF was written) with a traceback, and `[b]…[/b]` vanished."""
    import re

    import yaml

    folder = tmp_path / "客户[/]资料"  # a folder "客户[" holding "]资料": the path reads "…客户[/]资料…"
    folder.mkdir(parents=True)
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    data["enterprise"]["name"] = "[/]示例[red]家具[/red]厂"
    first = next(iter(data["answers"]))
    value = data["answers"][first]
    data["answers"][first] = {
        **(value if isinstance(value, dict) else {"value": value}),
        "note": "见[/b]图纸",
    }
    answers = folder / "答卷[b].yaml"
    answers.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    def flat(res) -> str:
        return re.sub(r"[\s│]", "", res.stdout + res.stderr)

    for args in (
        ("validate", answers),
        ("score", answers),
        ("explain", answers),
        ("plan", answers),
        ("compare", example, answers),
        ("report", answers, "-o", folder / "报告[i].pdf", "--html", folder / "报告[i].html"),
    ):
        res = cli(*args)
        assert res.exit_code == 0, (args[0], res.stdout + res.stderr)
        out = flat(res)
        if args[0] in ("validate", "report"):
            assert "客户[/]资料" in out, (args[0], out[:300])
        if args[0] in ("score", "explain", "plan", "compare"):
            assert "[/]示例[red]家具[/red]厂" in out, (args[0], out[:300])
        if args[0] == "explain":
            assert "见[/b]图纸" in out
    assert (folder / "报告[i].pdf").read_bytes().startswith(b"%PDF")


def test_batch_lists_a_rejected_cell_that_looks_like_markup_as_written(cli, tmp_path):
    """A spreadsheet cell "[/]乱填[b]" is quoted in the rejected-rows table as it is; it used to end the batch
    with a traceback after every other firm had been scored."""
    import csv
    import io
    import random
    import re

    from maturity import api
    from maturity.batch import synthetic as synth
    from maturity.cli.batch import EXIT_ROWS_FAILED

    q = api.scheme("light-industry").questionnaire
    rng = random.Random(2)
    table = list(
        csv.reader(
            io.StringIO(synth.write_csv(q, [synth.make_row(q, rng, i) for i in range(3)]).decode("utf-8-sig"))
        )
    )
    col = next(i for i, h in enumerate(table[0]) if h.startswith("RD-01"))
    table[2][col] = "[/]乱填[b]"
    buf = io.StringIO()
    csv.writer(buf).writerows(table)
    src = tmp_path / "名单[i].csv"
    src.write_text(buf.getvalue(), encoding="utf-8-sig")
    res = cli("batch", src, "-o", tmp_path / "out", "--no-recommend", "-j", "1")
    assert res.exit_code == EXIT_ROWS_FAILED, res.stderr  # the bad row is reported, the other two are scored
    flat = re.sub(r"[\s│]", "", res.stderr)
    assert "“[/]乱填[b]”不是本题的选项" in flat and "名单[i].csv" in flat
