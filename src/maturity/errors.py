"""One error tree for every mistake a user can make.

The CLI catches :class:`MaturityError` only and turns it into a message and an
exit status; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Issue:
    """One problem found in one input file, pointing at the place to fix."""

    file: str
    message: str
    line: int | None = None
    col: int | None = None
    field: str = ""
    value: str = ""
    severity: str = "error"  # or "warning": reported, but does not fail validation

    @property
    def location(self) -> str:
        if self.line is None:
            return self.file
        if self.col is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.col}"

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.col or 0, self.field)


class MaturityError(Exception):
    """Base of every error caused by the user's input or environment."""

    exit_code = 1
    title = "错误"

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(MaturityError):
    """A file is missing, unreadable, or names something that does not exist."""

    title = "输入错误"


class DataValidationError(MaturityError):
    """One or more files failed validation; carries every issue found."""

    title = "校验未通过"

    def __init__(self, issues: list[Issue], message: str = "") -> None:
        self.issues = sorted(issues, key=Issue.sort_key)
        files = sorted({i.file for i in self.issues})
        msg = message or f"发现 {len(self.issues)} 处问题（涉及 {len(files)} 个文件）"
        super().__init__(msg)


class VersionMismatchError(InputError):
    """Answers were given against a questionnaire version this tool cannot score."""

    title = "问卷版本不符"


class OutputExistsError(MaturityError):
    """Refusing to overwrite a file the user owns."""

    title = "文件已存在"

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"输出文件已存在：{path}",
            hint="如需覆盖，请加 --force；或换一个输出路径。",
        )
        self.path = path


# errno -> (what happened, how to fix it); the message names the path in front of these
_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.EROFS: (
        "所在磁盘或文件夹是只读的",
        "请换一个可写的输出位置（如本机的文档文件夹），或请管理员开放写入。",
    ),
    errno.ENOSPC: ("磁盘已满", "请清理磁盘空间或换一个输出位置；批量评分可在腾出空间后加 --resume 继续。"),
    errno.EDQUOT: ("超出磁盘配额", "请清理空间或请管理员提高配额；批量评分可加 --resume 继续。"),
    errno.EACCES: ("没有写入权限", "请换一个有写入权限的输出位置，或检查文件夹的权限设置。"),
    errno.EPERM: ("没有写入权限", "请换一个有写入权限的输出位置，或检查文件夹的权限设置。"),
    errno.EISDIR: ("这是一个文件夹，不能作为输出文件", "请在文件夹后写上文件名，例如 报告/企业.pdf。"),
    errno.ENOTDIR: ("路径中有一段是文件而不是文件夹", "请检查输出路径，或换一个输出位置。"),
    errno.EBUSY: ("文件正被其他程序占用", "请关闭正在使用该文件的程序（如 Excel、WPS、PDF 阅读器）后重试。"),
    errno.ETXTBSY: ("文件正被其他程序占用", "请关闭正在使用该文件的程序后重试。"),
    errno.ENAMETOOLONG: ("路径或文件名太长", "请换一个更短的输出路径。"),
    errno.EEXIST: ("同名文件或文件夹已存在", "请换一个输出路径。"),
}
_WINDOWS_LOCKED = (
    32,
    33,
)  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION (a file open in Excel, or on a share)


class OutputError(MaturityError):
    """Writing the output failed in the operating system (read-only, disk full, no permission, ...)."""

    title = "无法写入"

    def __init__(self, message: str, *, hint: str = "", path: str = "") -> None:
        super().__init__(message, hint=hint)
        self.path = path

    @classmethod
    def from_os(cls, e: OSError, path: Path | str | None = None) -> OutputError:
        """Built from the OSError: the path it names (else ``path``) and the reason by errno, in Chinese."""
        where = str(e.filename if e.filename is not None else (path or ""))
        if getattr(e, "winerror", None) in _WINDOWS_LOCKED:
            reason, hint = _OS_REASONS[errno.EBUSY]
        else:
            reason, hint = _OS_REASONS.get(
                e.errno or 0, (f"系统错误：{e.strerror or e}", "请检查输出位置是否可用，或换一个输出位置。")
            )
        return cls(f"无法写入 {where}：{reason}", hint=hint, path=where)


class WorkerLostError(MaturityError):
    """A worker process of a batch ended abruptly (killed, or out of memory)."""

    title = "处理中断"


class RenderError(MaturityError):
    """The report could not be produced (template, font or PDF engine problem)."""

    exit_code = 3
    title = "报告生成失败"


class ClusterError(MaturityError):
    """`maturity batch --cluster` cannot use the cluster (extra missing, scheduler unreachable, workers unfit)."""

    title = "集群不可用"


@dataclass
class IssueCollector:
    """Accumulates issues so that a file's problems are reported all at once."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues: list[Issue]) -> None:
        self.issues.extend(issues)

    def raise_if_any(self) -> None:
        errors = [i for i in self.issues if i.severity == "error"]
        if errors:
            raise DataValidationError(self.issues)
