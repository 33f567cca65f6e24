"""The data cache and the libyaml fast path: same data, same marks, every error still at file:line:col."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from maturity.errors import DataValidationError
from maturity.load import cache, loader, yamlio
from maturity.load.catalog import load_catalog
from maturity.resources import data_root

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((data_root() / "questionnaires").glob("*.yaml")) + sorted(
    (data_root() / "scoring_rules").glob("*.yaml")
)
ALL_YAML = (
    BUNDLED + sorted((data_root() / "examples").glob("*.yaml")) + sorted((ROOT / "tests").rglob("*.yaml"))
)


def _entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "maturity" / "data").glob("*.json"))


# ---- the libyaml composer gives what the pure-Python one gives -------------------------------
@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("path", ALL_YAML, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_fast_path_gives_the_same_data_and_marks(path):
    try:
        slow = yamlio.load(path)
    except Exception as e:  # a deliberately broken test input: the fast path must fail the same way
        with pytest.raises(type(e)) as info:
            yamlio.load(path, fast=True)
        if isinstance(e, DataValidationError):
            assert [(i.message, i.line, i.col) for i in info.value.issues] == [
                (i.message, i.line, i.col) for i in e.issues
            ]
        return
    fast = yamlio.load(path, fast=True)
    assert fast.data == slow.data
    assert fast.marks == slow.marks


@pytest.mark.parametrize(
    "text, line, col",
    [
        ("a: 1\nb: [1, 2\nc: 3\n", 3, 2),  # syntax error
        ("a: 1\na: 2\n", 2, 1),  # duplicate key
        ("a: !!python/name:os.system x\n", 1, 4),  # unsafe tag
    ],
)
def test_fast_path_errors_are_the_pure_loaders(write, text, line, col):
    p = write("bad.yaml", text)
    with pytest.raises(DataValidationError) as slow:
        yamlio.load(p)
    with pytest.raises(DataValidationError) as fast:
        yamlio.load(p, fast=True)
    assert [(i.file, i.message, i.line, i.col) for i in fast.value.issues] == [
        (i.file, i.message, i.line, i.col) for i in slow.value.issues
    ]
    assert (fast.value.issues[0].line, fast.value.issues[0].col) == (line, col)


# ---- the cache ------------------------------------------------------------------------------------
def test_second_load_comes_from_the_cache_with_the_same_data(cache_dir):
    path = data_root() / "questionnaires" / "light-industry.yaml"
    first = cache.load(path)
    assert first.located and first.marks
    assert len(_entries(cache_dir)) == 1
    second = cache.load(path)
    assert not second.located and second.marks == {}
    assert second.data == yamlio.load(path).data


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_file_is_cacheable(cache_dir, path):
    cache.load(path)
    assert cache.entry_path(path).is_file()
    assert cache.load(path).data == yamlio.load(path).data


def test_models_from_the_cache_equal_models_from_the_files(cache_dir):
    q_path = data_root() / "questionnaires" / "light-industry.yaml"
    r_path = data_root() / "scoring_rules" / "light-industry.rules.yaml"
    c_path = data_root() / "scoring_rules" / "light-industry.catalog.yaml"
    fresh = loader.load_questionnaire(q_path), None, None
    fresh = fresh[0], loader.load_rules(r_path, fresh[0]), load_catalog(c_path, fresh[0])
    assert all(cache.entry_path(p).is_file() for p in (q_path, r_path, c_path))
    q = loader.load_questionnaire(q_path)
    assert (q, loader.load_rules(r_path, q), load_catalog(c_path, q)) == fresh


def test_cache_is_invalidated_when_a_data_file_changes(cache_dir, data_copy):
    path = data_copy / "questionnaires" / "light-industry.yaml"
    q = loader.load_questionnaire(path)
    text = path.read_text(encoding="utf-8")
    assert f"title: {q.title}" in text
    path.write_text(text.replace(f"title: {q.title}", "title: 改过的问卷标题", 1), encoding="utf-8")
    assert loader.load_questionnaire(path).title == "改过的问卷标题"
    assert len(_entries(cache_dir)) == 1  # the entry was replaced, not joined by a second one
    assert json.loads(_entries(cache_dir)[0].read_text(encoding="utf-8"))["data"]["title"] == "改过的问卷标题"


def test_bundled_scheme_follows_an_edited_data_folder(cache_dir, data_copy, monkeypatch):
    """Through the public facade: point the bundled data at an edited copy, get the edited data."""
    from maturity import api, resources

    original = loader.load_questionnaire(
        data_copy / "questionnaires" / "light-industry.yaml"
    )  # fills the cache
    path = data_copy / "questionnaires" / "light-industry.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(f"title: {original.title}", "title: 新标题", 1),
        encoding="utf-8",
    )
    monkeypatch.setattr(resources, "data_root", lambda: data_copy)
    for f in (api.bundled_questionnaire, api.scheme):
        f.cache_clear()
    try:
        assert api.scheme("light-industry").questionnaire.title == "新标题"
    finally:
        for f in (api.bundled_questionnaire, api.scheme):
            f.cache_clear()


@pytest.mark.slow
def test_an_edit_that_breaks_the_file_is_reported_with_line_and_col(cache_dir, data_copy):
    path = data_copy / "questionnaires" / "light-industry.yaml"
    loader.load_questionnaire(path)  # cached while valid
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.startswith("version:"))
    lines[n] = "version: not-a-version\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        loader.load_questionnaire(path)
    issue = info.value.issues[0]
    assert (issue.file, issue.line, issue.col) == (str(path), n + 1, 1)
    _, uncached = loader.check_questionnaire(yamlio.load(path))
    assert [(i.message, i.line, i.col) for i in info.value.issues] == [
        (i.message, i.line, i.col) for i in uncached
    ]


def test_cross_file_errors_after_a_cache_hit_still_carry_line_and_col(cache_dir, data_copy):
    """The rules file is unchanged (its data comes from the cache, without marks) but the questionnaire it
    must match did change: the error is found on cached data and located by reading the file again."""
    q_path = data_copy / "questionnaires" / "light-industry.yaml"
    r_path = data_copy / "scoring_rules" / "light-industry.rules.yaml"
    q = loader.load_questionnaire(q_path)
    loader.load_rules(r_path, q)
    assert not cache.load(r_path).located  # the next read is a hit
    other = q.model_copy(update={"version": "9.9.9"})
    with pytest.raises(DataValidationError) as info:
        loader.load_rules(r_path, other)
    issue = next(i for i in info.value.issues if i.field == "questionnaire_version")
    expected = next(
        n
        for n, line in enumerate(r_path.read_text(encoding="utf-8").splitlines(), 1)
        if line.startswith("questionnaire_version:")
    )
    assert (issue.file, issue.line, issue.col) == (str(r_path), expected, 1)


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b'{"key": "0", "data": {}}',
        b'{"data": {"title": "planted"}}',
    ],
)
def test_a_corrupt_or_stale_entry_is_ignored_and_rewritten(cache_dir, garbage):
    path = data_root() / "questionnaires" / "miit-2024.yaml"
    entry = cache.entry_path(path)
    entry.parent.mkdir(parents=True)
    entry.write_bytes(garbage)
    loaded = cache.load(path)
    assert loaded.located  # parsed from the file, not taken from the bad entry
    assert loaded.data == yamlio.load(path).data
    assert json.loads(entry.read_bytes())["data"] == loaded.data  # and the entry is good again
    assert not cache.load(path).located


def test_an_unwritable_cache_dir_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("MATURITY_CACHE_DIR", str(blocker))
    path = data_root() / "questionnaires" / "miit-2024.yaml"
    for _ in range(2):
        loaded = cache.load(path)
        assert loaded.located and loaded.data == yamlio.load(path).data
    assert blocker.read_text(encoding="utf-8").startswith("a file")
    assert loader.load_questionnaire(path).id == "miit-2024"


def test_a_read_only_cache_is_still_read(cache_dir, monkeypatch):
    path = data_root() / "questionnaires" / "miit-2024.yaml"
    cache.load(path)
    before = {p: p.read_bytes() for p in _entries(cache_dir)}

    def refuse(*a, **k):
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(cache.tempfile, "mkstemp", refuse)
    assert not cache.load(path).located  # hit
    other = data_root() / "questionnaires" / "light-industry.yaml"
    assert cache.load(other).located  # miss: parsed, nothing written, no error
    assert {p: p.read_bytes() for p in _entries(cache_dir)} == before


def test_no_cache_when_turned_off(cache_dir, monkeypatch):
    monkeypatch.setenv("MATURITY_NO_CACHE", "1")
    path = data_root() / "questionnaires" / "miit-2024.yaml"
    assert cache.load(path).located and cache.load(path).located
    assert not cache_dir.exists()


def test_data_json_would_change_is_not_cached(cache_dir, write):
    p = write("dated.yaml", "id: x\nwhen: 2024-05-01\n1: integer key\n")
    assert cache.load(p).located
    assert not cache.entry_path(p).exists()
    assert cache.load(p).data == {"id": "x", "when": yamlio.load(p).data["when"], 1: "integer key"}


def test_cache_key_covers_the_package_and_parser_versions(cache_dir, monkeypatch):
    path = data_root() / "questionnaires" / "miit-2024.yaml"
    cache.load(path)
    assert not cache.load(path).located
    import maturity

    monkeypatch.setattr(maturity, "__version__", maturity.__version__ + ".post1")
    assert cache.load(path).located


def test_answers_errors_keep_file_line_col(write):
    """Users' own files never go through the cache; their errors are located as before."""
    from maturity import api

    p = write(
        "answers.yaml",
        "questionnaire: light-industry\nquestionnaire_version: 1.0.0\nenterprise:\n"
        "  name: 测试\n  sub_sector: furniture\n  bogus: 1\nanswers: {}\n",
    )
    with pytest.raises(DataValidationError) as info:
        api.load_answers(p)
    issue = next(i for i in info.value.issues if i.field == "enterprise.bogus")
    assert (issue.file, issue.line, issue.col) == (str(p), 6, 3)


@pytest.mark.slow
def test_score_does_not_import_the_report_or_spreadsheet_engines(example, tmp_path):
    code = (
        "import sys\nfrom maturity.cli import app\n"
        "try:\n    app(['score', sys.argv[1]], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('weasyprint', 'jinja2', 'openpyxl', 'xlsxwriter', 'fontTools') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    env = {"MATURITY_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    res = subprocess.run(
        [sys.executable, "-c", code, str(example)], capture_output=True, text=True, env=env, check=True
    )
    assert "HEAVY []" in res.stdout, res.stdout[-500:]


ANSWER_LIKE = sorted((ROOT / "tests" / "corpus" / "files").glob("*")) + sorted(
    (data_root() / "examples").glob("*.yaml")
)


@pytest.mark.parametrize("path", ANSWER_LIKE, ids=lambda p: p.name)
def test_answers_read_by_libyaml_report_what_the_pure_loader_reports(path, monkeypatch):
    """Answers files are parsed by libyaml when it can; every outcome (the answers, or each issue with its
    file:line:col and message) is the one the pure-Python loader gives."""
    from maturity import api

    def outcome():
        try:
            loaded = api.load_answers(path)
        except Exception as e:
            issues = getattr(e, "issues", [])
            return type(e).__name__, str(e), [(i.file, i.line, i.col, i.field, i.message) for i in issues]
        return loaded.answers, loaded.normalized.keys(), loaded.warnings

    fast = outcome()
    monkeypatch.setattr(yamlio, "_load_yaml_c", lambda path, text: None)  # the pure loader only
    assert outcome() == fast
