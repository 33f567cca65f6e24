"""Safe loading: positions, duplicate keys, tabs, Python tags, encodings, garbage."""

from __future__ import annotations

import pytest

from maturity.errors import DataValidationError, InputError
from maturity.load.yamlio import load
from maturity.writing import atomic_write_text


def test_positions_of_nested_values(write):
    p = write("a.yaml", "top:\n  list:\n    - x\n    - {k: v}\n")
    loaded = load(p)
    assert loaded.locate(("top", "list", 1, "k")) == (4, 8)
    assert loaded.locate(("top", "list", 0)) == (3, 7)
    # unknown deeper paths fall back to the nearest known parent
    assert loaded.locate(("top", "list", 1, "missing")) == (4, 7)


def test_duplicate_keys_are_errors_with_both_lines(write):
    p = write("d.yaml", "a: 1\nb: 2\na: 3\n")
    with pytest.raises(DataValidationError) as e:
        load(p)
    issue = e.value.issues[0]
    assert issue.line == 3 and "重复" in issue.message and "第 1 行" in issue.message


def test_tab_indentation_is_explained(write):
    p = write("t.yaml", "a:\n\tb: 1\n")
    with pytest.raises(DataValidationError) as e:
        load(p)
    assert e.value.issues[0].line == 2 and "制表符" in e.value.issues[0].message


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['echo hi']", "!!python/name:os.system"])
def test_python_tags_are_refused(write, tag):
    p = write("evil.yaml", f"a: {tag}\n")
    with pytest.raises(DataValidationError) as e:
        load(p)
    assert "不允许的 YAML 标签" in e.value.issues[0].message
    assert e.value.issues[0].line == 1


def test_syntax_error_has_line_and_column(write):
    p = write("s.yaml", "a: [1, 2\nb: 3\n")
    with pytest.raises(DataValidationError) as e:
        load(p)
    assert e.value.issues[0].line is not None and "YAML 语法错误" in e.value.issues[0].message


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="找不到文件"):
        load(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="文件夹"):
        load(tmp_path)


def test_binary_garbage_is_refused(write):
    p = write("g.yaml", bytes(range(256)) * 4)
    with pytest.raises(InputError, match="不是文本文件"):
        load(p)


def test_non_utf8_names_the_line(write):
    p = write("gbk.yaml", "a: 1\nname: 家具\n".encode("gb18030"))
    with pytest.raises(DataValidationError) as e:
        load(p)
    assert e.value.issues[0].line == 2 and "UTF-8" in e.value.issues[0].message


def test_bom_and_utf16_are_read(write):
    assert load(write("bom.yaml", "\ufeffa: 家具\n".encode())).data == {"a": "家具"}
    assert load(write("u16.yaml", "a: 家具\n".encode("utf-16"))).data == {"a": "家具"}


def test_json_errors_have_positions(write):
    with pytest.raises(DataValidationError) as e:
        load(write("x.json", '{"a": 1,\n "b": }'))
    assert e.value.issues[0].line == 2


def test_huge_file_is_refused_before_parsing(write):
    p = write("big.yaml", "a: " + "x" * (11 * 1024 * 1024))
    with pytest.raises(InputError, match="文件过大"):
        load(p)


def test_atomic_write_never_overwrites_without_force(tmp_path):
    p = tmp_path / "out.txt"
    atomic_write_text(p, "one", force=False)
    from maturity.errors import OutputExistsError

    with pytest.raises(OutputExistsError):
        atomic_write_text(p, "two", force=False)
    assert p.read_text() == "one"
    atomic_write_text(p, "two", force=True)
    assert p.read_text() == "two"
    assert [x.name for x in tmp_path.iterdir()] == ["out.txt"]  # no temp files left behind


def test_atomic_write_gives_normal_permissions(tmp_path):
    import os
    import stat

    umask = os.umask(0o022)
    try:
        p = tmp_path / "answers.yaml"
        atomic_write_text(p, "x")
        assert stat.S_IMODE(p.stat().st_mode) == 0o644
        p.chmod(0o600)
        atomic_write_text(p, "y")  # an existing file keeps the mode its owner gave it
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    finally:
        os.umask(umask)


@pytest.mark.parametrize("depth", [150, 3000])
def test_deep_nesting_is_refused_with_where_it_gets_too_deep(write, depth):
    """A few kilobytes of ``[[[[…`` used to keep the pure-Python scanner busy for seconds."""
    p = write("deep.yaml", "name: x\nanswers: " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(DataValidationError) as e:
        load(p)
    (issue,) = e.value.issues
    assert "嵌套层数过深" in issue.message and issue.line == 2 and issue.col > 100


def test_ordinary_nesting_is_read(write):
    p = write("ok.yaml", "a: " + "[" * 40 + "1" + "]" * 40 + "\n")
    assert load(p).data["a"] is not None
