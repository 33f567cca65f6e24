"""Validated bundled models kept between processes, so a fresh process skips pydantic's schema build and
the cross-file checks for data it has already checked.

The per-file data cache (:mod:`maturity.load.cache`) saves the YAML parse; this one saves what comes after:
building the validators of ``Questionnaire``, ``Rules``, ``Catalog`` and ``Crosswalk`` (about 40 ms on every
start) and re-running the checks. What is stored is plain JSON: for each model its class name (only classes
of :mod:`maturity.models` are ever built), the fields that were set and their values; it is rebuilt with
``model_construct`` (or the same assignments it makes), which runs no validator and no code from the file.
Never pickle.

An entry is written only when rebuilding it gives a model equal to the validated one, and it is used only
when its key matches: this package's version and code (its top-level modules and every module of models/,
load/, engine/ and data/: size and mtime), pydantic's version, and the bytes of each source file (the file and the files it was checked
against). Any edit invalidates it. A missing, corrupt, foreign or unwritable entry is never an error: the
files are loaded and checked as if there were no cache. The checks guard against accidents (a cut file,
another version, another layout), not against someone who can write to your cache folder: they could as
well change the installed package; what they cannot do through an entry is run code. Same folder and switch as the data cache
(``MATURITY_NO_CACHE=1`` turns both off).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from maturity.load import cache

FORMAT = "1"  # bump when the entry layout changes
M = TypeVar("M", bound=BaseModel)


class _Unsupported(Exception):
    """A value JSON cannot carry unchanged: the model is not cached."""


def cached(kind: str, sources: tuple[Path, ...], build: Callable[[], M], cls: type[M]) -> M:
    """The model ``build()`` gives for ``sources`` (the file first, then what it is checked against): from
    the cache when every source and this code are unchanged, else built (and the entry refreshed)."""
    if not cache.enabled():
        return build()
    try:
        key = _key(kind, sources)
    except OSError:
        return build()  # an unreadable source: let the loader report it
    entry = _entry_path(kind, sources)
    model = _read(entry, key, cls)
    if model is not None:
        return model
    model = build()
    _write(entry, key, model)
    return model


def _key(kind: str, sources: tuple[Path, ...]) -> str:
    import pydantic

    from maturity import __version__

    h = hashlib.sha256(f"{FORMAT}|{kind}|maturity {__version__}|pydantic {pydantic.VERSION}".encode())
    h.update(_code_fingerprint().encode())
    for src in sources:
        h.update(b"\0" + src.name.encode("utf-8", "surrogatepass") + b"\0")
        h.update(src.read_bytes())
    return h.hexdigest()


# What defines, loads or checks the models: the package's own top-level modules (cjk.py re-joins the
# authored prose, errors.py, resources.py) and these folders.
_CODE_FOLDERS = ("", "models", "load", "engine", "data")


@functools.cache
def _code_fingerprint() -> str:
    """Size and mtime of every module that defines, loads or checks the models (a code change, even without
    a version bump, must not reuse what older code validated)."""
    root = Path(__file__).resolve().parent.parent
    parts = []
    for sub in _CODE_FOLDERS:
        for path in sorted((root / sub).glob("*.*")):
            if path.suffix in (".py", ".tsv"):
                st = path.stat()
                parts.append(f"{sub}/{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def _entry_path(kind: str, sources: tuple[Path, ...]) -> Path:
    where = "\0".join([kind, *(str(p.resolve()) for p in sources)])
    name = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return cache.cache_home() / "models" / f"{name}.json"


def _read(entry: Path, key: str, cls: type[M]) -> M | None:
    try:
        with open(entry, "rb") as fh:
            doc = json.loads(fh.read())
        if not isinstance(doc, dict) or doc.get("key") != key:
            return None
        model = decode(doc["model"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, _Unsupported):
        return None  # absent, unreadable, corrupt or foreign: load the files instead
    return model if type(model) is cls else None


def _write(entry: Path, key: str, model: BaseModel) -> None:
    try:
        text = json.dumps({"key": key, "model": encode(model)}, ensure_ascii=False, separators=(",", ":"))
        if decode(json.loads(text)["model"]) != model:
            return  # JSON would change it: do not cache this model
    except (_Unsupported, TypeError, ValueError, RecursionError):
        return
    cache.write_entry(entry, text)


# ---- encoding --------------------------------------------------------------------------------
_PLAIN = (str, int, float, bool, type(None))
_set = object.__setattr__


def encode(value: Any) -> Any:
    """JSON data for a model tree: ``{"$m": class, "$s": fields set, "f": fields}`` per model,
    ``{"$d": {...}}`` per dict (string keys only), lists as lists, plain scalars as they are."""
    return _encode(value, _registry())


def _encode(value: Any, registry: dict[str, type[BaseModel]]) -> Any:
    if isinstance(value, BaseModel):
        cls = type(value)
        name = _name(cls)
        if registry.get(name) is not cls:
            raise _Unsupported(cls)
        return {
            "$m": name,
            "$s": sorted(value.model_fields_set),
            "f": {k: _encode(getattr(value, k), registry) for k in cls.model_fields},
        }
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise _Unsupported("non-string key")
        return {"$d": {k: _encode(v, registry) for k, v in value.items()}}
    if isinstance(value, list):
        return [_encode(v, registry) for v in value]
    if isinstance(value, _PLAIN):
        return value
    raise _Unsupported(type(value))  # tuples, sets, enums, dates...: JSON would not give them back


def decode(data: Any) -> Any:
    """The model tree :func:`encode` gave; only classes of maturity.models are built (KeyError otherwise)."""
    registry = _registry()

    def build(d: Any) -> Any:
        if isinstance(d, list):
            return [build(v) for v in d]
        if isinstance(d, dict):
            if "$d" in d:
                return {k: build(v) for k, v in d["$d"].items()}
            cls = registry[d["$m"]]
            if d["f"].keys() != cls.model_fields.keys():
                raise _Unsupported(cls)  # encode writes every field: a cut or foreign entry
            fields = {k: build(v) for k, v in d["f"].items()}
            if cls.__private_attributes__ or cls.model_config.get("extra") == "allow":
                return cls.model_construct(_fields_set=set(d["$s"]), **fields)
            # what model_construct does when every field is given, at half the cost (the entry was written
            # only after this very rebuild compared equal, and its key names this pydantic version)
            m = cls.__new__(cls)
            _set(m, "__dict__", fields)
            _set(m, "__pydantic_fields_set__", set(d["$s"]))
            _set(m, "__pydantic_extra__", None)
            _set(m, "__pydantic_private__", None)
            return m
        return d

    return build(data)


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _registry() -> dict[str, type[BaseModel]]:
    """Every model class defined in maturity.models (the only classes a cache entry may name)."""
    out: dict[str, type[BaseModel]] = {}
    todo = list(BaseModel.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("maturity.models."):
            out[_name(cls)] = cls
    return out
