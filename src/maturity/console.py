"""Rich consoles and the one place user errors are shown."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from maturity.errors import DataValidationError, Issue, MaturityError

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])


def issues_table(issues: list[Issue], title: str = "") -> Table:
    table = Table(title=title or None, show_lines=False, expand=False, title_justify="left")
    table.add_column("位置", style="cyan", no_wrap=True)
    table.add_column("字段", style="magenta", overflow="fold")
    table.add_column("取值", overflow="fold", max_width=24)
    table.add_column("问题", overflow="fold")
    for i in issues:
        problem = Text(i.message, style="yellow" if i.severity == "warning" else "")
        if i.severity == "warning":
            problem = Text("提示：" + i.message, style="yellow")
        table.add_row(i.location, i.field, Text(i.value), problem)
    return table


def show_error(e: MaturityError) -> None:
    if isinstance(e, DataValidationError):
        err.print(issues_table(e.issues, title=f"[bold red]{e.title}[/]：{e.message}"))
        if e.hint:
            err.print(e.hint)
        return
    body = Text(e.message)
    if e.hint:
        body.append("\n" + e.hint, style="dim")
    err.print(Panel(body, title=f"[bold red]{e.title}[/]", title_align="left", border_style="red", expand=False))


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
