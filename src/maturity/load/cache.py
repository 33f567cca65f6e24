"""A per-user cache of parsed data files (questionnaires, rules, catalogs, crosswalks), so a fresh
process does not re-parse YAML it has parsed before.

What is cached is the plain data the YAML parser produced (JSON: dicts, lists, strings, numbers), never
a pickle or anything executable; every load still runs the full schema validation and the cross-file
checks on it. An entry is used only when the file's text (sha256), this package's version and the
YAML parser's version are what they were when it was written, so any edit invalidates it. A cache hit
has no line:col marks: when validation reports anything, the caller reads the file again with marks
(:func:`maturity.load.yamlio.load`), so every issue is still located.

Location: ``$MATURITY_CACHE_DIR/maturity/data``, else ``$XDG_CACHE_HOME/maturity/data``, else
``~/.cache/maturity/data``; ``MATURITY_NO_CACHE=1`` turns it off. A missing, unreadable, corrupt or
unwritable cache is never an error: the file is parsed as if there were no cache. Writes are atomic
(temp file + rename), one entry per source file (a changed file replaces its entry).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from maturity.load import yamlio

FORMAT = "1"  # bump when the entry layout or what is stored changes


def cache_home() -> Path:
    """The per-user cache folder shared by the data and font caches."""
    base = (
        os.environ.get("MATURITY_CACHE_DIR")
        or os.environ.get("XDG_CACHE_HOME")
        or str(Path.home() / ".cache")
    )
    return Path(base) / "maturity"


def enabled() -> bool:
    return os.environ.get("MATURITY_NO_CACHE", "") in ("", "0")


def _versions() -> str:
    import yaml

    from maturity import __version__

    return f"{FORMAT}|maturity {__version__}|pyyaml {yaml.__version__}"


def entry_path(path: Path) -> Path:
    name = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return cache_home() / "data" / f"{name}.json"


def _key(raw: bytes) -> str:
    """sha256 of the versions and the file's decoded text."""
    return hashlib.sha256(_versions().encode() + b"\0" + raw).hexdigest()


def load(path: str | Path) -> yamlio.Loaded:
    """The file's data: from the cache if its text is unchanged, else parsed (and the cache refreshed).

    On a hit ``Loaded.located`` is False (no marks); see the module docstring.
    """
    path = Path(path)
    if not enabled():
        return yamlio.load(path, fast=True)
    text = yamlio.read_text(path)  # the usual errors for a missing, huge or undecodable file
    key = _key(text.encode("utf-8", "surrogatepass"))
    entry = entry_path(path)
    data = _read_entry(entry, key)
    if data is not _MISS:
        return yamlio.Loaded(path, data, {}, located=False)
    loaded = yamlio.parse(path, text, fast=True)  # the very text that was hashed
    _write_entry(entry, key, loaded.data)
    return loaded


_MISS = object()


def _read_entry(entry: Path, key: str) -> Any:
    try:
        with open(entry, "rb") as fh:
            doc = json.loads(fh.read())
    except (OSError, ValueError, RecursionError):
        return _MISS  # absent, unreadable or corrupt: parse the file instead (and rewrite the entry)
    if not isinstance(doc, dict) or doc.get("key") != key or "data" not in doc:
        return _MISS
    return doc["data"]


def _write_entry(entry: Path, key: str, data: Any) -> None:
    try:
        text = json.dumps({"key": key, "data": data}, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return  # not plain JSON data (e.g. a YAML date): do not cache this file
    if json.loads(text)["data"] != data:
        return  # JSON would change it (non-string keys, tuples...): do not cache this file
    write_entry(entry, text)


def write_entry(entry: Path, text: str) -> None:
    """Write a cache entry atomically (temp file + rename), or not at all: a read-only or full disk only
    means working without a cache. Shared by the data, model and font caches."""
    tmp = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=entry.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, entry)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
