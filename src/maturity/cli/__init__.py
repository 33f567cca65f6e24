"""The `maturity` command line. Thin: parse arguments, call maturity.pipeline (or a loader), print.

Heavy modules (pydantic models, yaml, weasyprint, openpyxl) are imported inside the
commands so that ``maturity --help`` stays fast.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="maturity",
    help="轻工业中小企业数字化成熟度自评估（依据《轻工业数字化转型实施方案》，L1–L7+ 为本工具自定义等级，非官方评定）。",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: renders in any console and starts twice as fast as rich help
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _chinese_click() -> None:
    """Click's usage errors, help headings and the completion options in Chinese (see cli/zh_click.py)."""
    import typer.main

    from maturity.cli import zh_click

    zh_click.install()
    completion_args = typer.main.get_install_completion_arguments
    typer.main.get_install_completion_arguments = lambda: zh_click.chinese_completion_options(
        completion_args()
    )


_chinese_click()


def _version(value: bool) -> None:
    if value:
        from maturity.cli.versions import version_lines

        typer.echo("\n".join(version_lines()))
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="显示本工具、内置问卷、评分规则和方案目录的版本并退出。",
    ),
) -> None:
    """轻工业中小企业数字化成熟度自评估。"""


# Importing the command modules registers their commands on `app`.
from maturity.cli import assess, batch, cohort, compare, core, doctor, examples, plan, report  # noqa: E402,F401

# Help lists commands in the order a user meets them, not in import order.
_ORDER = [
    "assess",
    "score",
    "explain",
    "plan",
    "report",
    "compare",
    "template",
    "batch",
    "cohort",
    "examples",
    "validate",
    "questionnaires",
    "schema",
    "doctor",
]
app.registered_commands.sort(key=lambda c: _ORDER.index(str(c.name or getattr(c.callback, "__name__", ""))))


def main() -> None:
    app()
