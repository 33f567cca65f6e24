"""Click's own words in Chinese: usage errors (with click's "did you mean" suggestion), help headings and the
completion options' help. One place, applied once when the CLI is imported; exit codes are click's (2 for a
usage error).

Typer ships click vendored as ``typer._click`` (older typer uses the ``click`` package). The vendored click
writes its messages as plain f-strings, so the messages are translated where they are shown (``show``) and the
help headings through typer's gettext hook (``typer.core._``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Help headings and option notes typer/click pass through gettext.
_WORDS = {
    "Usage: ": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "Aborted!": "已取消。",
}


class _Pattern:
    """A regular expression compiled when first used: these are needed only when a usage error is shown,
    and compiling them all costs every start of the CLI a few milliseconds."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return self._compiled.sub(repl, text)


# Usage-error messages, most specific first: (pattern, replacement).
_MESSAGES: list[tuple[_Pattern, str | Callable[[re.Match[str]], str]]] = [
    (_Pattern(r"Missing command\.?"), "缺少命令。"),
    (_Pattern(r"No such command (?P<name>'[^']*')\.?"), r"没有名为 \g<name> 的命令。"),
    (_Pattern(r"\s*Did you mean (?P<s>.+)\?$"), r"您要输入的是不是 \g<s>？"),
    (
        _Pattern(r"No such option: (?P<opt>\S+)(?: \(Possible options: (?P<s>[^)]*)\))?"),
        lambda m: (
            f"没有选项 {m['opt']}。" + (f"您要输入的是不是 {m['s'].replace(', ', '、')}？" if m["s"] else "")
        ),
    ),
    (
        _Pattern(r"Missing (?P<kind>argument|option|parameter) (?P<name>.+?)\.?$"),
        lambda m: f"缺少{ {'argument': '参数', 'option': '选项'}.get(m['kind'], '参数') } {m['name']}。",
    ),
    (_Pattern(r"Invalid value for (?P<name>.+?): (?P<msg>.*)$", re.S), r"\g<name> 的值无效：\g<msg>"),
    (_Pattern(r"Invalid value: (?P<msg>.*)$", re.S), r"值无效：\g<msg>"),
    (_Pattern(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)$"), r"多余的参数：\g<args>"),
    (
        _Pattern(r"Option (?P<opt>'[^']*') requires (?:an argument|(?P<n>\d+) arguments)\.?"),
        lambda m: f"选项 {m['opt']} 后面需要{'一个值' if not m['n'] else m['n'] + ' 个值'}。",
    ),
    (_Pattern(r"Option (?P<opt>'[^']*') does not take a value\.?"), r"选项 \g<opt> 不需要值。"),
    (
        _Pattern(r"(?P<v>'[^']*') is not one of (?P<c>.+)\.$"),
        lambda m: f"{m['v']} 不在可选值 {m['c'].replace(', ', '、')} 之中。",
    ),
    (
        _Pattern(r"(?P<v>'[^']*') is not a valid (?P<t>integer|float|boolean)(?: range)?\.?"),
        lambda m: (
            f"{m['v']} 不是有效的{ {'integer': '整数', 'float': '数值', 'boolean': '是/否值'}[m['t']] }。"
        ),
    ),
    (_Pattern(r"(?P<v>.+?) is not in the range (?P<r>.+)\.$"), r"\g<v> 不在 \g<r> 范围内。"),
    (
        _Pattern(r"(?P<kind>File|Directory|Path) (?P<p>'[^']*') does not exist\.?"),
        lambda m: f"{ {'File': '文件', 'Directory': '文件夹', 'Path': '路径'}[m['kind']] } {m['p']} 不存在。",
    ),
]


def translate(message: str) -> str:
    """Click's English usage message in Chinese (unknown messages are returned as they are)."""
    text = message.replace("Value error, ", "")
    for pattern, repl in _MESSAGES:
        text = pattern.sub(repl, text)
    return text


def _gettext(text: str) -> str:
    return _WORDS.get(text, text)


def _patch(click: Any, typer_core: Any) -> None:
    exceptions, formatting, core = click.exceptions, click.formatting, click.core
    echo = click.utils.echo

    def usage_show(self: Any, file: Any = None) -> None:
        if file is None:
            file = click._compat.get_text_stderr()
        color = None
        if self.ctx is not None:
            color = self.ctx.color
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                hint = f"运行 {self.ctx.command_path} {self.ctx.help_option_names[0]} 查看帮助。\n"
            echo(f"{self.ctx.get_usage()}\n{hint}", file=file, color=color)
        echo(f"错误：{translate(self.format_message())}", file=file, color=color)

    def click_show(self: Any, file: Any = None) -> None:
        if file is None:
            file = click._compat.get_text_stderr()
        echo(f"错误：{translate(self.format_message())}", file=file, color=getattr(self, "show_color", None))

    exceptions.UsageError.show = usage_show
    exceptions.ClickException.show = click_show
    # NoArgsIsHelpError shows the help text itself through its own show(): keep that.

    original_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        original_usage(self, prog, args, "用法：" if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage

    def write_heading(self: Any, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    formatting.HelpFormatter.write_heading = write_heading

    def short_help(self: Any, limit: int = 45) -> str:
        # Click cuts at spaces; Chinese has few, so it cut mid-phrase ("…填写后用..."). Show the first paragraph.
        text = self.short_help or self.help or ""
        return " ".join(text.split("\n\n")[0].split())

    core.Command.get_short_help_str = short_help
    original_help_option = core.Command.get_help_option

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original_help_option(self, ctx)
        if option is not None:
            option.help = "显示帮助并退出。"
        return option

    core.Command.get_help_option = get_help_option
    if typer_core is not None and hasattr(typer_core, "_"):
        typer_core._ = _gettext
    if hasattr(core, "_"):
        core._ = _gettext
    if hasattr(formatting, "_"):
        formatting._ = _gettext


def install() -> None:
    """Apply the Chinese texts to the click that typer uses (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    try:
        from typer import _click as click  # type: ignore[attr-defined,unused-ignore]
        from typer import core as typer_core
    except ImportError:  # typer that uses the click package
        import click  # type: ignore[no-redef]

        try:
            from typer import core as typer_core
        except ImportError:
            typer_core = None  # type: ignore[assignment]
    import importlib

    for name in ("_compat", "utils", "exceptions", "formatting", "core"):
        importlib.import_module(f"{click.__name__}.{name}")
    _patch(click, typer_core)


_installed = False

COMPLETION_HELP = {
    "--install-completion": "为当前终端安装命令补全（支持bash、zsh、fish、PowerShell），重新打开终端后生效。",
    "--show-completion": "显示当前终端的补全脚本，可复制后自行安装。",
}


def chinese_completion_options(params: tuple[Any, ...]) -> tuple[Any, ...]:
    """Typer's --install-completion/--show-completion options with Chinese help and messages."""
    for p in params:
        names = set(getattr(p, "opts", ()))
        for opt, text in COMPLETION_HELP.items():
            if opt in names:
                p.help = text
        if "--install-completion" in names:
            p.callback = _install_completion
    return params


def _install_completion(ctx: Any, param: Any, value: Any) -> Any:
    import sys

    if not value or ctx.resilient_parsing:
        return value
    from typer import _completion_shared

    shell = value if isinstance(value, str) else _completion_shared._get_shell_name()
    if shell not in ("bash", "zsh", "fish", "powershell", "pwsh"):
        print(
            f"无法为当前 shell（{shell or '未识别'}）安装补全；支持 bash、zsh、fish 和 PowerShell。",
            file=sys.stderr,
        )
        sys.exit(1)
    shell, path = _completion_shared.install(shell=shell)
    print(f"已为 {shell} 安装命令补全：{path}")
    print("重新打开终端后生效；之后输入 maturity 再按 Tab 键即可补全命令和选项。")
    sys.exit(0)
