"""The data shipped with the tool: questionnaires, their rules, catalogs and crosswalks, each loaded once."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from maturity.errors import InputError
from maturity.resources import data_dir

if TYPE_CHECKING:
    from maturity.engine.scoring import Scheme
    from maturity.models.catalog import Catalog
    from maturity.models.crosswalk import Crosswalk
    from maturity.models.questionnaire import Questionnaire

F = TypeVar("F", bound=Callable[..., Any])
_LOCK = threading.RLock()  # one lock for all: the loaders call each other; a warm-up thread may be loading


def _once(fn: F) -> F:
    """``functools.cache`` that computes each value once even when two threads ask at the same time (the
    interview loads the end screen's data in the background), so every caller gets the same object."""
    cached = functools.cache(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Any:
        with _LOCK:
            return cached(*args)

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


DEFAULT_QUESTIONNAIRE = "light-industry"
NATIONAL_SCHEME = "miit-2024"


@dataclass(frozen=True)
class BundledQuestionnaire:
    id: str
    version: str
    title: str
    path: Path
    rules_path: Path
    questions: int


def known_ids() -> list[str]:
    return [p.stem for p in sorted(data_dir("questionnaires").glob("*.yaml"))]


def exists(qid: str) -> bool:
    return (data_dir("questionnaires") / f"{qid}.yaml").is_file()


def questionnaire_path(qid: str) -> Path:
    path = data_dir("questionnaires") / f"{qid}.yaml"
    if not path.is_file():
        raise InputError(f"没有名为 {qid} 的问卷；内置问卷：{'、'.join(known_ids())}")
    return path


def rules_path(qid: str) -> Path:
    return data_dir("scoring_rules") / f"{qid}.rules.yaml"


def crosswalk_path(source_id: str, target_id: str) -> Path:
    return data_dir("scoring_rules") / f"{source_id}--{target_id}.crosswalk.yaml"


def list_bundled() -> list[BundledQuestionnaire]:
    out = []
    for path in sorted(data_dir("questionnaires").glob("*.yaml")):
        q = bundled_questionnaire(path.stem)
        out.append(
            BundledQuestionnaire(
                q.id, q.version, q.title, path, rules_path(q.id), sum(1 for x in q.questions if x.scored)
            )
        )
    return out


@dataclass(frozen=True)
class MenuEntry:
    id: str
    title: str
    questions: int


def menu() -> list[MenuEntry]:
    """Id, title and number of questions of each bundled questionnaire, for the interview's first prompt:
    read from each file's plain data (the data cache, else libyaml) without building the models, so the
    prompt appears before the questionnaire is validated. Values are those of the validated model (the
    title stripped and its folded lines joined as :class:`~maturity.models.base.ContentModel` does); a file
    whose plain data does not give them is loaded and checked as usual, which reports its errors."""
    from maturity.load import cache

    out = []
    for path in sorted(data_dir("questionnaires").glob("*.yaml")):
        data = cache.load(path).data
        plain = data if isinstance(data, dict) else {}
        title, questions = plain.get("title"), plain.get("questions")
        if plain.get("id") != path.stem or not isinstance(title, str) or not isinstance(questions, list):
            q = bundled_questionnaire(path.stem)
            out.append(MenuEntry(q.id, q.title, len(q.questions)))
            continue
        if "\n" in title or " " in title:
            from maturity.cjk import join_cjk_lines

            title = join_cjk_lines(title)
        out.append(MenuEntry(path.stem, title.strip(), len(questions)))
    return out


@_once
def bundled_questionnaire(qid: str) -> Questionnaire:
    """A bundled questionnaire by id, loaded and checked once per process."""
    from maturity.load import loader
    from maturity.load.model_cache import cached
    from maturity.models.questionnaire import Questionnaire

    path = questionnaire_path(qid)
    return cached("questionnaire", (path,), lambda: loader.load_questionnaire(path), Questionnaire)


@_once
def scheme(qid: str = DEFAULT_QUESTIONNAIRE) -> Scheme:
    """The compiled questionnaire + rules for a bundled questionnaire id (once per process)."""
    from maturity.engine.scoring import Scheme
    from maturity.load import loader
    from maturity.load.model_cache import cached
    from maturity.models.rules import Rules

    q = bundled_questionnaire(qid)
    path = rules_path(qid)
    rules = cached("rules", (path, questionnaire_path(qid)), lambda: loader.load_rules(path, q), Rules)
    return Scheme(q, rules)


@_once
def catalog(qid: str) -> Catalog | None:
    """The 小快轻准 catalog shipped for a bundled questionnaire (once per process), or None."""
    from maturity.load.catalog import catalog_path, load_catalog
    from maturity.load.model_cache import cached
    from maturity.models.catalog import Catalog

    q = scheme(qid).questionnaire
    path = catalog_path(q.id)
    if not path.is_file():
        return None
    return cached("catalog", (path, questionnaire_path(qid)), lambda: load_catalog(path, q), Catalog)


def has_crosswalk(source_id: str, target_id: str) -> bool:
    return crosswalk_path(source_id, target_id).is_file()


@_once
def crosswalk(source_id: str, target_id: str) -> Crosswalk:
    path = crosswalk_path(source_id, target_id)
    if not path.is_file():
        raise InputError(f"问卷 {source_id} 没有到 {target_id} 的对照表（{path.name}）")
    from maturity.load import loader
    from maturity.load.model_cache import cached
    from maturity.models.crosswalk import Crosswalk

    src, dst = scheme(source_id).questionnaire, scheme(target_id).questionnaire
    return cached(
        "crosswalk",
        (path, questionnaire_path(source_id), questionnaire_path(target_id)),
        lambda: loader.load_crosswalk(path, src, dst),
        Crosswalk,
    )
