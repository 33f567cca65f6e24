"""The batch ledger: one JSON line per scored enterprise in ``OUTDIR/.maturity-batch/ledger.jsonl``.

It is what ``--resume`` reads and what the summary is written from. Only a small index is held in memory
per enterprise (input order, byte offset of its line, answers file, PDF); whole records are read back from
the file when they are needed, so the main process does not grow with every enterprise scored.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from maturity.batch.records import EnterpriseRecord
from maturity.writing import remove_quietly

LEDGER_DIR = ".maturity-batch"  # inside OUTDIR: the ledger, staged answers files, scratch files
LEDGER = "ledger.jsonl"


@dataclass(slots=True)
class Entry:
    order: tuple[int, int]  # (file index, row) -> output order
    offset: int  # where its line starts in the ledger file
    file: str  # answers file, relative to OUTDIR
    pdf: str  # report, relative to OUTDIR ("" if none)


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.index: dict[str, Entry] = {}
        self._out: IO[bytes] | None = None
        self._in: IO[bytes] | None = None

    def load(self) -> None:
        """Index an existing ledger. A line cut short by an interruption is dropped from the file, so the
        next line appended starts on a line of its own."""
        if not self.path.exists():
            return
        offset = 0
        with open(self.path, "rb") as fh:
            for line in fh:
                if not line.endswith(b"\n"):
                    break  # the unfinished last line of an interrupted run
                try:
                    e = json.loads(line)
                except ValueError:
                    e = None
                if isinstance(e, dict) and isinstance(e.get("key"), str):
                    record = e.get("record") or {}
                    order = tuple(e.get("order") or (0, 0))
                    self.index[e["key"]] = Entry(
                        (int(order[0]), int(order[1])),
                        offset,
                        str(e.get("file") or ""),
                        str(record.get("pdf") or ""),
                    )
                offset += len(line)
        if offset != self.path.stat().st_size:
            with open(self.path, "r+b") as fh:
                fh.truncate(offset)

    def append(self, key: str, order: tuple[int, int], file: str, record: EnterpriseRecord) -> None:
        if self._out is None:
            self._out = open(self.path, "ab")  # noqa: SIM115 - closed in close()
        offset = self._out.tell()
        line = json.dumps(
            {"key": key, "order": list(order), "file": file, "record": record.to_json()}, ensure_ascii=False
        )
        self._out.write(line.encode("utf-8") + b"\n")
        self.index[key] = Entry(order, offset, file, record.pdf)

    def flush(self) -> None:
        if self._out is not None:
            self._out.flush()

    def record(self, entry: Entry) -> EnterpriseRecord:
        """The full record of one indexed enterprise, read back from the file."""
        self.flush()
        if self._in is None:
            self._in = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        self._in.seek(entry.offset)
        return EnterpriseRecord.from_json(json.loads(self._in.readline())["record"])

    def ordered(self, keys: set[str]) -> list[str]:
        """The given keys in input order."""
        return sorted(keys, key=lambda k: self.index[k].order)

    def rewrite(self, keys: list[str], update: Callable[[str, EnterpriseRecord], None] | None = None) -> None:
        """Keep only ``keys``, in that order (``update`` may change each record on the way), atomically."""
        tmp = self.path.with_suffix(".tmp")
        index: dict[str, Entry] = {}
        try:
            with open(tmp, "wb") as out:
                for key in keys:
                    entry = self.index[key]
                    record = self.record(entry)
                    if update is not None:
                        update(key, record)
                    offset = out.tell()
                    line = json.dumps(
                        {
                            "key": key,
                            "order": list(entry.order),
                            "file": entry.file,
                            "record": record.to_json(),
                        },
                        ensure_ascii=False,
                    )
                    out.write(line.encode("utf-8") + b"\n")
                    index[key] = Entry(entry.order, offset, entry.file, record.pdf)
            self.close()
            os.replace(tmp, self.path)
        except BaseException:
            remove_quietly(tmp)  # the old ledger is untouched: --resume still works from it
            raise
        self.index = index

    def records(self) -> Iterator[EnterpriseRecord]:
        """Every record, in file order (input order after :meth:`rewrite`), streamed."""
        self.flush()
        with open(self.path, "rb") as fh:
            for line in fh:
                yield EnterpriseRecord.from_json(json.loads(line)["record"])

    def close(self) -> None:
        for fh in (self._out, self._in):
            if fh is not None:
                fh.close()
        self._out = self._in = None
