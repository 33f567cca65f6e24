"""One error tree for every mistake a user can make.

The CLI catches :class:`MaturityError` only and turns it into a message and an
exit status; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

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
