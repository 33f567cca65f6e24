"""Rich consoles and the one place user errors are shown."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from maturity.errors import DataValidationError, Issue, MaturityError

if TYPE_CHECKING:
    from rich.console import Console


class _LazyConsole:
    """A rich Console made on first use, so that importing the CLI (and `--help`) does not load rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    @property
    def real(self) -> Console:
        """The rich Console itself, for APIs that need one (e.g. `Progress(console=err.real)`)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


out: Console = _LazyConsole(highlight=False, soft_wrap=False)  # type: ignore[assignment]
err: Console = _LazyConsole(stderr=True, highlight=False)  # type: ignore[assignment]

F = TypeVar("F", bound=Callable[..., Any])


def _rel(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return rel if not rel.startswith("..") else path


def print_issues(issues: list[Issue], console: Console | None = None) -> None:
    """One issue per entry, compiler style: `file:line:col  field = value` then the problem, indented."""
    from rich.text import Text

    console = console or err
    for i in issues:
        where = Text(
            _rel(i.location)
            if i.line is None
            else f"{_rel(i.file)}:{i.line}" + (f":{i.col}" if i.col is not None else ""),
            style="bold cyan",
        )
        if i.field:
            where.append(f"  {i.field}", style="magenta")
        if i.value:
            where.append(f" = {i.value}")
        console.print(where, soft_wrap=True)
        label = "提示：" if i.severity == "warning" else ""
        console.print(
            Text(f"    {label}{i.message}", style="yellow" if i.severity == "warning" else "red"),
            soft_wrap=True,
        )


def show_error(e: MaturityError) -> None:
    from rich.panel import Panel
    from rich.text import Text

    if isinstance(e, DataValidationError):
        print_issues(e.issues)
        err.print(Text(f"{e.title}：{e.message}", style="bold red"))
        if e.hint:
            err.print(e.hint, markup=False)
        return
    body = Text(e.message)
    if e.hint:
        body.append("\n" + e.hint, style="dim")
    err.print(
        Panel(body, title=f"[bold red]{e.title}[/]", title_align="left", border_style="red", expand=False)
    )


def user_errors(fn: F) -> F:
    """Show a MaturityError as a message and exit with its code; let anything else (a bug) raise."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import typer

        try:
            return fn(*args, **kwargs)
        except MaturityError as e:
            show_error(e)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            err.print("\n已中断。")
            raise typer.Exit(130) from None
        except BrokenPipeError:  # `maturity score … | head`
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]
