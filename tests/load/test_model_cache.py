"""The cache of validated bundled models: the same models as loading and checking the files, rebuilt from
plain JSON naming only our own classes, and never used once a source, a file it is checked against or the
code changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from maturity.load import bundled, loader, model_cache
from maturity.load.catalog import load_catalog
from maturity.models.catalog import Catalog
from maturity.models.crosswalk import Crosswalk
from maturity.models.questionnaire import Questionnaire
from maturity.models.rules import Rules
from maturity.resources import data_root


@pytest.fixture
def fresh_bundled(monkeypatch):
    """Bundled loaders that load again (and, with ``point``, from another data folder)."""
    from maturity import resources

    funcs = (bundled.bundled_questionnaire, bundled.scheme, bundled.catalog, bundled.crosswalk)

    def clear() -> None:
        for f in funcs:
            f.cache_clear()

    def point(root: Path) -> None:
        monkeypatch.setattr(resources, "data_root", lambda: root)
        clear()

    clear()
    yield point
    monkeypatch.undo()
    clear()


@contextmanager
def _loads_counted() -> Iterator[list[str]]:
    """The kinds of model actually loaded and checked from files (not taken from the cache) inside."""
    kinds: list[str] = []
    real = model_cache.cached

    def spy(kind, sources, build, cls):
        def counted():
            kinds.append(kind)
            return build()

        return real(kind, sources, counted, cls)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(model_cache, "cached", spy)
        yield kinds


def _entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "maturity" / "models").glob("*.json"))


def _files(root: Path) -> dict[str, Path]:
    return {
        "q": root / "questionnaires" / "light-industry.yaml",
        "national": root / "questionnaires" / "miit-2024.yaml",
        "rules": root / "scoring_rules" / "light-industry.rules.yaml",
        "catalog": root / "scoring_rules" / "light-industry.catalog.yaml",
        "crosswalk": root / "scoring_rules" / "light-industry--miit-2024.crosswalk.yaml",
    }


def test_every_bundled_model_from_the_cache_equals_the_checked_files(cache_dir, fresh_bundled):
    fresh_bundled(data_root())
    first = (
        bundled.scheme("light-industry"),
        bundled.catalog("light-industry"),
        bundled.crosswalk("light-industry", "miit-2024"),
    )
    assert len(_entries(cache_dir)) == 6  # two questionnaires, two rules, the catalog, the crosswalk
    fresh_bundled(data_root())
    with _loads_counted() as calls:
        again = (
            bundled.scheme("light-industry"),
            bundled.catalog("light-industry"),
            bundled.crosswalk("light-industry", "miit-2024"),
        )
    assert calls == []  # nothing loaded or checked: every model came from the cache
    f = _files(data_root())
    q = loader.load_questionnaire(f["q"])
    expected = {
        "questionnaire": q,
        "rules": loader.load_rules(f["rules"], q),
        "catalog": load_catalog(f["catalog"], q),
        "crosswalk": loader.load_crosswalk(f["crosswalk"], q, loader.load_questionnaire(f["national"])),
    }
    got = {
        "questionnaire": again[0].questionnaire,
        "rules": again[0].rules,
        "catalog": again[1],
        "crosswalk": again[2],
    }
    for kind, model in got.items():
        assert model is not None and model == expected[kind], kind
        assert model.model_fields_set == expected[kind].model_fields_set, kind
        assert model.model_dump() == expected[kind].model_dump(), kind
    assert again[0].questionnaire is not first[0].questionnaire  # really rebuilt, not the same object


@pytest.mark.parametrize("edited", ["q", "rules", "catalog", "crosswalk"])
def test_an_edit_to_a_source_or_to_a_file_it_is_checked_against_invalidates(
    cache_dir, data_copy, fresh_bundled, edited
):
    fresh_bundled(data_copy)
    bundled.crosswalk("light-industry", "miit-2024")
    bundled.catalog("light-industry")
    path = _files(data_copy)[edited]
    text = path.read_text(encoding="utf-8")
    if edited == "q":
        q = bundled.bundled_questionnaire("light-industry")
        text = text.replace(f"title: {q.title}", "title: 改过的问卷标题", 1)
    else:
        text = text.rstrip("\n") + "\n# an edited comment\n"
    path.write_text(text, encoding="utf-8")
    fresh_bundled(data_copy)
    with _loads_counted() as kinds:
        bundled.crosswalk("light-industry", "miit-2024")
        bundled.catalog("light-industry")
    rebuilt = {"q": {"questionnaire", "rules", "catalog", "crosswalk"}, "rules": {"rules"}}
    assert set(kinds) == rebuilt.get(edited, {edited})  # what depends on the edited file, and only that
    if edited == "q":
        assert bundled.bundled_questionnaire("light-industry").title == "改过的问卷标题"


def test_a_change_of_code_invalidates(cache_dir, fresh_bundled, monkeypatch):
    fresh_bundled(data_root())
    bundled.bundled_questionnaire("light-industry")
    source = (data_root() / "questionnaires" / "light-industry.yaml",)
    key = model_cache._key("questionnaire", source)
    monkeypatch.setattr(model_cache, "_code_fingerprint", lambda: "models/questionnaire.py:1:2")
    assert model_cache._key("questionnaire", source) != key


def test_the_code_fingerprint_covers_what_shapes_a_validated_model():
    """The modules whose change alters what validation produces: the models, their loaders and checks, and
    cjk.py, which re-joins folded Chinese prose inside the models."""
    model_cache._code_fingerprint.cache_clear()
    names = {part.split(":")[0] for part in model_cache._code_fingerprint().split(";")}
    assert {"/cjk.py", "models/base.py", "models/catalog.py", "load/loader.py", "data/divisions.py"} <= names


@pytest.mark.parametrize(
    "planted",
    [
        b"not json",
        b"[]",
        b'{"key": "0", "model": {}}',
        '{KEY, "model": {"$m": "pydantic.main.BaseModel", "$s": [], "f": {}}}',
        '{KEY, "model": {"$m": "os.system", "$s": [], "f": {}}}',
        '{KEY, "model": {"$m": "maturity.models.rules.Rules", "$s": [], "f": {}}}',
        '{KEY, "model": {"$d": {}}}',
        '{KEY, "model": {"$m": "maturity.models.questionnaire.Questionnaire", "$s": [], "f": {}}}',
    ],
)
def test_a_corrupt_stale_or_planted_entry_is_ignored_and_rewritten(cache_dir, fresh_bundled, planted):
    """An entry naming anything but our own model of the expected class is not used; the file is loaded
    and checked instead, and the entry written again."""
    fresh_bundled(data_root())
    source = data_root() / "questionnaires" / "miit-2024.yaml"
    entry = model_cache._entry_path("questionnaire", (source,))
    entry.parent.mkdir(parents=True)
    if isinstance(planted, str):
        key = model_cache._key("questionnaire", (source,))
        planted = planted.replace("KEY", f'"key": "{key}"').encode()
    entry.write_bytes(planted)
    q = bundled.bundled_questionnaire("miit-2024")
    assert q == loader.load_questionnaire(source)
    assert json.loads(entry.read_bytes())["model"]["$m"] == "maturity.models.questionnaire.Questionnaire"


def test_an_unwritable_cache_is_no_error(tmp_path, monkeypatch, fresh_bundled):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("MATURITY_CACHE_DIR", str(blocker))
    fresh_bundled(data_root())
    assert bundled.scheme("miit-2024").questionnaire.id == "miit-2024"
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_turned_off_with_the_data_cache(cache_dir, monkeypatch, fresh_bundled):
    monkeypatch.setenv("MATURITY_NO_CACHE", "1")
    fresh_bundled(data_root())
    bundled.scheme("miit-2024")
    assert not (cache_dir / "maturity" / "models").exists()


@pytest.mark.parametrize("value", [(1, 2), {1: "a"}, {"a"}, Path("x")])
def test_values_json_would_not_give_back_are_refused(value):
    with pytest.raises(model_cache._Unsupported):
        model_cache.encode(value)


def test_a_model_the_round_trip_would_change_is_not_cached(cache_dir, monkeypatch, fresh_bundled):
    """The entry is written only when rebuilding it gives the validated model back."""
    fresh_bundled(data_root())
    monkeypatch.setattr(model_cache, "decode", lambda data: None)
    bundled.scheme("miit-2024")
    assert _entries(cache_dir) == []


def test_the_classes_cached_are_the_models_loaded():
    assert {Questionnaire, Rules, Catalog, Crosswalk} <= set(model_cache._registry().values())


def test_a_broken_edit_after_a_cached_model_is_an_error_at_its_line_and_col(
    cache_dir, data_copy, fresh_bundled
):
    """A cached model never hides an error: the edited file is loaded and checked, and the rules, which are
    unchanged but checked against it, report at their own file:line:col."""
    from maturity.errors import DataValidationError

    fresh_bundled(data_copy)
    bundled.scheme("light-industry")  # questionnaire and rules cached while valid
    path = _files(data_copy)["q"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.startswith("version:"))
    lines[n] = "version: 9.9.9\n"  # valid alone; the rules now name another questionnaire version
    path.write_text("".join(lines), encoding="utf-8")
    fresh_bundled(data_copy)
    with pytest.raises(DataValidationError) as info:
        bundled.scheme("light-industry")
    issue = info.value.issues[0]
    rules = _files(data_copy)["rules"]
    assert issue.file == str(rules) and "9.9.9" in issue.message
    rule_lines = rules.read_text(encoding="utf-8").splitlines()
    assert rule_lines[issue.line - 1].startswith("questionnaire_version:") and issue.col == 1
