"""Writing files users keep: atomically (temp file + rename), and never over an existing file without --force.

Every OS-level failure while writing (read-only disk, disk full, no permission, a folder where a file should
be, a file locked by another program) becomes an :class:`~maturity.errors.OutputError` through
:func:`output_errors`, the one place that conversion is made.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from maturity.errors import OutputError, OutputExistsError


@contextmanager
def output_errors(path: Path | str | None = None) -> Iterator[None]:
    """Turn an OSError raised inside into an OutputError naming the path (the error's own, else ``path``)."""
    try:
        yield
    except OutputError:
        raise
    except OSError as e:
        if e.errno == errno.ENOMEM:
            raise  # the machine, not the output location
        raise OutputError.from_os(e, path) from None
    except Exception as e:  # XlsxWriter wraps the OSError of its final write
        cause = next((c for c in (e.__context__, *e.args) if isinstance(c, OSError)), None)
        if cause is None or type(e).__module__.split(".")[0] != "xlsxwriter":
            raise
        raise OutputError.from_os(cause, path) from None


def refuse_overwrite(paths: Iterable[Path | str | None], *, force: bool) -> None:
    """The one overwrite guard: raise OutputExistsError for the first path that exists (unless ``force``)."""
    if force:
        return
    for p in paths:
        if p is not None and Path(p).exists():
            raise OutputExistsError(Path(p))


def check_writable(paths: Iterable[Path | str | None], *, force: bool) -> None:
    """Before long work (rendering a PDF): the overwrite guard, and the failures a write is certain to hit, so
    the user hears of them at once instead of after the render: a folder where the file should be, a file
    where a folder should be, a folder that cannot be written to (read-only disk, no permission)."""
    given = [Path(p) for p in paths if p is not None]
    for path in given:
        if path.is_dir():  # before the overwrite guard: --force would not help
            raise OutputError.from_os(IsADirectoryError(errno.EISDIR, "Is a directory", str(path)))
    refuse_overwrite(given, force=force)
    for path in given:
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # the write creates the missing folders below the nearest one that exists
        if folder.exists() and not folder.is_dir():
            raise OutputError.from_os(NotADirectoryError(errno.ENOTDIR, "Not a directory", str(folder)))
        if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
            code = errno.EROFS if _read_only(folder) else errno.EACCES
            raise OutputError.from_os(OSError(code, os.strerror(code), str(folder)))


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows)
        return False


def atomic_write_text(path: Path, text: str, *, force: bool = True) -> None:
    """Write ``text`` to ``path`` via a temp file + rename, so readers never see half a file."""
    atomic_write_bytes(path, text.encode("utf-8"), force=force)


def atomic_write_bytes(path: Path, data: bytes, *, force: bool = True, fsync: bool = True) -> None:
    """Temp file in the same folder, then rename: a reader sees the old file or the new one, never half.

    ``fsync=False`` skips flushing to disk (thousands of small batch files, where --resume covers a crash).
    An OS failure becomes an OutputError; the temp file is removed on every exit path.
    """
    path = Path(path)
    refuse_overwrite([path], force=force)
    with output_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            # mkstemp creates 0600; give the file the mode a plain open() would (or keep the old file's).
            try:
                mode = path.stat().st_mode & 0o7777
            except FileNotFoundError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.chmod(tmp, mode)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                if fsync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            remove_quietly(tmp)
            raise


def remove_quietly(path: Path | str) -> None:
    """Delete a temporary file if it is there; never raises (used on the way out of a failure)."""
    try:
        os.unlink(path)
    except OSError:
        pass
