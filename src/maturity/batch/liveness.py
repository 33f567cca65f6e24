"""Is a process (pid + start time) still running? Used by the batch lock and by workers watching their parent.

A pid alone is not enough: after a crash the number may have been given to another process. On Linux the
start time (clock ticks since boot, field 22 of /proc/<pid>/stat) identifies the process; elsewhere the pid
is checked alone (``os.kill(pid, 0)`` on macOS/BSD, ``OpenProcess`` on Windows, where ``os.kill`` would
terminate the process). psutil is deliberately not used.
"""

from __future__ import annotations

import os
import sys


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (Linux), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return int(fields[19])  # field 22 overall; fields[0] is field 3 (state)
    except (OSError, IndexError, ValueError):
        return None


def _state(pid: int) -> bytes | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def alive(pid: int, started: int | None = None) -> bool:
    """True if ``pid`` runs and (when both are known) started at ``started``; a zombie counts as dead."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_alive(pid)
    if os.path.isdir("/proc/self"):
        state = _state(pid)
        if state is None or state in (b"Z", b"X"):
            return False
        return started is None or start_time(pid) in (None, started)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _windows_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return False
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
