"""The `maturity` command line. Thin: parse arguments, call maturity.pipeline (or a loader), print.

Heavy modules (pydantic models, yaml, weasyprint, openpyxl) are imported inside the
commands so that ``maturity --help`` stays fast.
"""

from __future__ import annotations

import typer

from maturity import __version__

app = typer.Typer(
    name="maturity",
    help="轻工业中小企业数字化成熟度自评估（依据《轻工业数字化转型实施方案》，L1–L7+ 为本工具自定义等级，非官方评定）。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: renders in any console and starts twice as fast as rich help
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _chinese_help_option() -> None:
    """Say "显示帮助并退出。" for -h/--help like every other option (click's text is English and fixed)."""
    try:
        from typer._click.core import Command
    except ImportError:  # another typer layout: keep click's English text
        return
    original = Command.get_help_option

    def get_help_option(self, ctx):  # type: ignore[no-untyped-def,unused-ignore]
        option = original(self, ctx)
        if option is not None:
            option.help = "显示帮助并退出。"
        return option

    Command.get_help_option = get_help_option  # type: ignore[method-assign]


_chinese_help_option()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"maturity {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本号并退出。"),
) -> None:
    """轻工业中小企业数字化成熟度自评估。"""


# Importing the command modules registers their commands on `app`.
from maturity.cli import assess, batch, cohort, compare, core, doctor, plan, report  # noqa: E402,F401

# Help lists commands in the order a user meets them, not in import order.
_ORDER = ["assess", "score", "explain", "plan", "report", "compare", "template", "batch", "cohort",
          "validate", "questionnaires", "schema", "doctor"]
app.registered_commands.sort(key=lambda c: _ORDER.index(str(c.name or getattr(c.callback, "__name__", ""))))


def main() -> None:
    app()
