"""Worker processes end when the batch's main process dies, so no orphan keeps rendering or idling.

Called from each pool worker's initializer. A daemon thread polls every half second: on POSIX the worker's
parent pid changing (the worker was re-parented) or the main process no longer running ends the worker with
``os._exit``; on Windows the thread waits on the main process's handle. On Linux the kernel is also asked
(``prctl(PR_SET_PDEATHSIG, SIGKILL)``) to kill the worker the moment its parent exits.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from maturity.batch import liveness

POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


def exit_with_parent(main_pid: int, main_start: int | None) -> None:
    """Arrange for this (worker) process to exit when ``main_pid`` is gone."""
    parent = os.getppid()
    if sys.platform == "win32":  # pragma: no cover - Windows only
        threading.Thread(target=_wait_windows, args=(main_pid,), daemon=True, name="parent-watch").start()
        return
    if sys.platform.startswith("linux") and parent == main_pid:
        _pdeathsig()
    if not _parent_alive(parent, main_pid, main_start):  # died before the watch was set up
        os._exit(1)
    threading.Thread(
        target=_poll, args=(parent, main_pid, main_start), daemon=True, name="parent-watch"
    ).start()


def _parent_alive(parent: int, main_pid: int, main_start: int | None) -> bool:
    return os.getppid() == parent and liveness.alive(main_pid, main_start)


def _poll(parent: int, main_pid: int, main_start: int | None) -> None:
    import time

    while _parent_alive(parent, main_pid, main_start):
        time.sleep(POLL_SECONDS)
    os._exit(1)


def _pdeathsig() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the polling thread still covers it


def _wait_windows(main_pid: int) -> None:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x00100000, False, main_pid)  # SYNCHRONIZE
    if handle:
        kernel32.WaitForSingleObject(handle, 0xFFFFFFFF)  # INFINITE
    os._exit(1)
