"""A newcomer's first hour (issue 19): examples from an installed package, Chinese usage errors, completion,
--version, plain-language file errors, terminal line breaking."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

MATURITY = str(Path(sys.executable).with_name("maturity"))


# ---- item 1: the bundled examples are reachable through the CLI ---------------------------------------
def test_examples_lists_every_bundled_example_with_its_description(cli, data):
    r = cli("examples")
    assert r.exit_code == 0, r.output
    for p in sorted((data / "examples").glob("*.yaml")):
        assert p.stem.removesuffix("-example") in r.stdout
    assert "定制家具厂" in r.stdout and "生活用纸厂" in r.stdout


def test_examples_copies_one_and_never_overwrites_without_force(cli, tmp_path, data):
    r = cli("examples", "furniture", "-o", tmp_path)
    assert r.exit_code == 0, r.output
    copied = tmp_path / "furniture-example.yaml"
    assert copied.read_bytes() == (data / "examples" / "furniture-example.yaml").read_bytes()
    assert cli("score", copied).exit_code == 0
    copied.write_text("mine", encoding="utf-8")
    again = cli("examples", "furniture", "-o", tmp_path)
    assert again.exit_code != 0 and "--force" in again.stderr
    assert copied.read_text(encoding="utf-8") == "mine"
    assert cli("examples", "furniture", "-o", tmp_path, "--force").exit_code == 0
    assert copied.read_bytes() == (data / "examples" / "furniture-example.yaml").read_bytes()


def test_examples_unknown_name_lists_the_names(cli):
    r = cli("examples", "sofa")
    assert r.exit_code == 1 and "furniture" in r.stderr and "paper" in r.stderr


def test_help_points_to_maturity_examples_not_to_a_checkout_path(cli):
    for cmd in ("score", "explain", "plan", "report"):
        text = cli(cmd, "--help").stdout
        assert "examples/furniture-example.yaml" not in text
        assert "maturity examples" in text, cmd


# ---- item 2: click's words in Chinese, suggestion kept, exit code 2 -------------------------------------
def test_unknown_command_is_chinese_with_the_suggestion(cli):
    r = cli("scroe")
    assert r.exit_code == 2
    assert "没有名为 'scroe' 的命令" in r.stderr and "'score'" in r.stderr
    for english in ("Usage:", "Error:", "No such command", "Did you mean", "Try '"):
        assert english not in r.stderr


def test_unknown_option_is_chinese_with_the_suggestion(cli, example):
    r = cli("score", example, "--formt", "json")
    assert r.exit_code == 2
    assert "没有选项 --formt" in r.stderr and "--format" in r.stderr
    assert "No such option" not in r.stderr and "Possible options" not in r.stderr


def test_option_without_its_value(cli):
    r = cli("score", "a.yaml", "--format")
    assert r.exit_code == 2 and "错误：选项 '--format' 后面需要一个值" in r.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["score"], "缺少参数"),
        (["score", "a.yaml", "b.yaml"], "多余的参数：b.yaml"),
        (["score", "a.yaml", "--format", "xml"], "的值无效"),
        (["plan", "a.yaml", "--budget", "很多"], "的值无效"),
    ],
)
def test_other_usage_errors_are_chinese(cli, args, expected):
    r = cli(*args)
    assert r.exit_code == 2
    assert expected in r.stderr and "错误：" in r.stderr and "用法：" in r.stderr
    assert not re.search(r"\b(Usage|Error|Missing|Invalid value|Got unexpected)\b", r.stderr), r.stderr


def test_help_headings_are_chinese_and_short_help_is_not_cut(cli):
    top = cli("--help").stdout
    assert "用法：" in top and "选项：" in top and "命令：" in top
    assert not re.search(r"^(Usage|Options|Commands):", top, re.M)
    flat = re.sub(r"\s+", "", top)
    assert "中填写后用maturitybatch评分。" in flat  # `template` used to end "…填写后用..."
    assert "..." not in top.replace("[参数]...", "")
    sub = cli("template", "--help").stdout
    assert "选项：" in sub and "[默认：xlsx]" in sub and "[default" not in sub
    args = cli("score", "--help").stdout
    assert "参数：" in args and "[必填]" in args


# ---- item 3: completion and --version --------------------------------------------------------------------
def test_completion_options_exist_with_chinese_help(cli):
    top = cli("--help").stdout
    assert "--install-completion" in top and "--show-completion" in top
    assert "Install completion" not in top and "bash" in top and "PowerShell" in top


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
@pytest.mark.slow
def test_completion_script_for_each_shell(shell):
    env = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1", "PATH": "/usr/bin:/bin"}
    r = subprocess.run([MATURITY, "--show-completion", shell], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "_MATURITY_COMPLETE" in r.stdout


def test_completion_completes_commands():
    env = {
        "_MATURITY_COMPLETE": "complete_bash",
        "COMP_WORDS": "maturity sc",
        "COMP_CWORD": "1",
        "PATH": "/usr/bin:/bin",
    }
    r = subprocess.run([MATURITY], capture_output=True, text=True, env=env)
    assert "score" in r.stdout and "schema" in r.stdout and "assess" not in r.stdout


def test_version_names_package_questionnaires_rules_and_catalog(cli, data):
    from maturity import __version__
    from maturity.load.bundled import bundled_questionnaire, catalog, scheme

    r = cli("--version")
    assert r.exit_code == 0
    text = r.stdout
    assert f"maturity {__version__}" in text
    q = bundled_questionnaire("light-industry")
    assert f"{q.id} {q.version}" in text
    rules = scheme("light-industry").rules
    assert f"{rules.id} {rules.version}" in text
    cat = catalog("light-industry")
    assert f"{cat.id} {cat.version}" in text


def test_version_does_not_load_yaml_or_pydantic():
    code = (
        "import sys; from maturity.cli.versions import version_lines; version_lines(); "
        "print([m for m in ('pydantic', 'yaml') if m in sys.modules])"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


# ---- item 4: file errors in plain words, with the fix ----------------------------------------------------
def test_text_file_is_explained_without_python_type_names(cli, write):
    p = write("notes.txt", "hello")
    r = cli("score", p)
    assert r.exit_code == 1
    assert "一段文字" in r.stderr and "maturity examples" in r.stderr
    assert not re.search(r"\bstr\b", r.stderr)


@pytest.mark.parametrize(("text", "words"), [("- a\n- b\n", "列表"), ("42\n", "数字"), ("", "空")])
def test_other_non_mapping_files(cli, write, text, words):
    r = cli("score", write("x.yaml", text))
    assert r.exit_code == 1 and words in r.stderr
    assert not re.search(r"\b(list|int|NoneType)\b", r.stderr)


def test_missing_file_names_the_folder_and_suggests_close_names(cli, tmp_path, example, monkeypatch):
    import shutil

    shutil.copy(example, tmp_path / "furniture-example.yaml")
    monkeypatch.chdir(tmp_path)
    r = cli("score", "furnture-example.yaml")
    assert r.exit_code == 1
    flat = re.sub(r"[\s│]", "", r.stderr)
    assert "furniture-example.yaml" in flat and str(tmp_path).replace(" ", "") in flat
    assert "maturityexamples" in flat


# ---- item 9: Chinese prose wraps like Chinese; the answers file is named -----------------------------------
def test_prose_breaks_between_chinese_characters_not_before_latin_words():
    from rich.cells import cell_len

    from maturity.cli.cjkwrap import wrap

    text = (
        "本问卷的 L1–L7+ 等级是本工具自定义的数字化成熟度阶梯，各等级参照 GB/T 39116-2020《智能制造能力成熟度"
        "模型》一至五级对齐。"
    )
    for width in range(16, 70):
        lines = wrap(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(line.rstrip() == line and len(line) > 0 for line in lines)
        for a, b in itertools.pairwise(lines):
            # no line ends early: the first unit of the next line would not have fitted after it
            unit = re.match(
                r"[A-Za-z0-9][A-Za-z0-9_./+\-–%]*(?: [A-Za-z0-9][A-Za-z0-9_./+\-–%]*)?|.", b
            ).group()
            if unit in "（《“" or b[len(unit) : len(unit) + 1] in tuple("，。、）》"):
                unit = b[: len(unit) + 1]  # punctuation stays with its neighbour
            split_pair = re.search(r"[A-Za-z0-9]$", a) and unit[0].isascii()
            assert split_pair or cell_len(a) + 1 + cell_len(unit) > width, (
                width,
                lines,
            )  # 1: a space between
        assert not any(line.startswith(("，", "。", "、", "）")) for line in lines)
        assert not any(line.endswith("GB/T") for line in lines) or width < 20


def test_score_screen_has_no_short_line_before_a_latin_word(example):
    from typer.testing import CliRunner

    from maturity.cli import app

    res = CliRunner().invoke(app, ["score", str(example)], env={"COLUMNS": "80"})
    note = res.stdout[res.stdout.index("说明：") :]
    first = note.splitlines()[0]
    assert not first.rstrip().endswith("L1–L7+"), note


def test_summary_names_the_real_answers_file_in_the_plan_hint(cli, example_copy, monkeypatch):
    monkeypatch.chdir(example_copy.parent)
    r = cli("score", example_copy.name)
    flat = re.sub(r"\s", "", r.stdout)
    assert f"maturityplan{example_copy.name}" in flat
    assert "maturityplan答卷文件" not in flat


def test_a_gap_and_its_figure_stay_on_one_line():
    """The gap ("差 0.9") is what the owner looks for: never "差" at the end of a line and "0.9）" on the next."""
    from rich.cells import cell_len

    from maturity.cli.cjkwrap import wrap

    text = "升到 L6 还缺：综合得分需达到 45（当前 44.1，差 0.9）；五个典型场景均达到 L5，且至少 3 个达到 L6……"
    for width in range(12, 80):
        lines = wrap(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(cell_len(line) <= width for line in lines)
        assert not any(line.endswith(("差", "需达到", "当前")) for line in lines), (width, lines)
