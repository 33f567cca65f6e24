"""One batch run per output folder: a lock file ``OUTDIR/.maturity-batch/lock`` held for the whole run.

The file is created with O_CREAT|O_EXCL and holds the owner's pid, start time (Linux), host and input. A lock
whose process is gone (or whose pid now belongs to a process started at another time) is stale: it is taken
over, and the caller is told so. A lock held by a live process refuses the run, naming that process.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from maturity.batch import liveness
from maturity.batch.ledger import LEDGER_DIR
from maturity.errors import InputError

LOCK = "lock"


class BatchLock:
    def __init__(self, outdir: Path, input_path: Path | str = "") -> None:
        self.path = Path(outdir) / LEDGER_DIR / LOCK
        self.input = str(input_path)
        self.note = ""  # set when a stale lock was taken over
        self._held = False

    def __enter__(self) -> BatchLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _claim(self) -> bool:
        me = {
            "pid": os.getpid(),
            "start": liveness.start_time(os.getpid()),
            "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%d %H:%M:%S"),
            "input": self.input,
        }
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(me, fh, ensure_ascii=False)
        self._held = True
        return True

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(5):
            if self._claim():
                return
            owner = self._owner()
            if owner is not None and self._running(owner):
                raise InputError(
                    f"另一个批量评分正在写入输出文件夹 {self.path.parent.parent}：进程 {owner.get('pid')}"
                    f"（{owner.get('host') or '本机'}，{owner.get('since') or '开始时间未知'}开始，"
                    f"输入 {owner.get('input') or '未知'}）",
                    hint="请等它结束后再运行，或换一个输出文件夹；若确认该进程已不在运行，可删除 "
                    f"{self.path} 后重试。",
                )
            # stale: move it aside atomically (only one of several racing runs succeeds), then claim again
            aside = self.path.with_name(f"{LOCK}.stale-{os.getpid()}")
            try:
                os.replace(self.path, aside)
            except FileNotFoundError:
                continue
            os.unlink(aside)
            if owner:
                self.note = (
                    f"上次写入此文件夹的批量评分（进程 {owner.get('pid')}，{owner.get('since') or ''}开始）"
                    "已不在运行，已接管其留下的锁。"
                )
            elif owner is None:
                self.note = "输出文件夹中有一个无法识别的锁文件，已接管。"
        raise InputError(
            f"无法取得输出文件夹的锁：{self.path}", hint="请确认没有其他批量评分在写入此文件夹后重试。"
        )

    def _owner(self) -> dict | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}  # released meanwhile: not running, nothing to report
        except (OSError, ValueError):
            if time.time() - _mtime(self.path) < 5:
                return {"pid": "?", "since": "刚刚"}  # being written by a run that just started
            return None
        return data if isinstance(data, dict) else None

    @staticmethod
    def _running(owner: dict) -> bool:
        if owner.get("pid") == "?":
            return True
        if not owner:
            return False
        if owner.get("host") not in (None, socket.gethostname()):
            return True  # another machine (a shared folder): cannot be checked, so assume it runs
        pid = owner.get("pid")
        if not isinstance(pid, int):
            return False
        if pid == os.getpid():
            return False  # our own lock left by an earlier run in this process
        start = owner.get("start")
        return liveness.alive(pid, start if isinstance(start, int) else None)

    def release(self) -> None:
        if self._held:
            self._held = False
            try:
                os.unlink(self.path)
            except OSError:
                pass


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
