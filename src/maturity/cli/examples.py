"""`maturity examples`: the bundled example answers files, listed and copied (they live inside the installed
package, where nobody would look for them)."""

from __future__ import annotations

from pathlib import Path

import typer

from maturity.cli import app
from maturity.cli.console import err, out, user_errors

_DESCRIPTION = "# 示例答卷："


def bundled_examples() -> list[Path]:
    from maturity.resources import data_dir

    return sorted(data_dir("examples").glob("*.yaml"))


def description(path: Path) -> str:
    """The example's one-line Chinese description: its first `# 示例答卷：` header line."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            if line.startswith(_DESCRIPTION):
                return line[len(_DESCRIPTION) :].strip()
    return ""


def find_example(name: str) -> Path | None:
    """An example by file name, with or without `.yaml` / `-example` (`furniture` = `furniture-example.yaml`)."""
    stem = Path(name).name.removesuffix(".yaml").removesuffix(".yml")
    for p in bundled_examples():
        if stem in (p.stem, p.stem.removesuffix("-example")):
            return p
    return None


@app.command(rich_help_panel="数据与环境")
@user_errors
def examples(
    name: str = typer.Argument(
        None,
        help="要复制的示例名称，如 furniture；不给则列出全部示例。",
        show_default=False,
        metavar="示例名称",
    ),
    output: Path = typer.Option(
        Path("."), "--output", "-o", help="复制到此文件夹（或文件路径）；默认当前文件夹。", show_default=False
    ),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件。"),
) -> None:
    """列出内置示例答卷，或复制一份到当前文件夹，用来试用 score、report 等命令。"""
    from rich.table import Table

    from maturity.cli.cjkwrap import prose
    from maturity.errors import InputError
    from maturity.writing import atomic_write_bytes

    if name is None:
        table = Table(title="内置示例答卷（企业和数据均为虚构）", title_justify="left")
        table.add_column("名称", no_wrap=True)
        table.add_column("说明")
        for p in bundled_examples():
            table.add_row(p.stem.removesuffix("-example"), prose(description(p)))
        out.print(table)
        first = bundled_examples()[0].stem.removesuffix("-example")
        out.print(
            f"复制一份到当前文件夹：maturity examples {first}；然后 maturity score {first}-example.yaml"
        )
        return
    src = find_example(name)
    if src is None:
        names = "、".join(p.stem.removesuffix("-example") for p in bundled_examples())
        raise InputError(
            f"没有名为 {name} 的示例；内置示例：{names}", hint="运行 maturity examples 查看全部示例。"
        )
    dst = output / src.name if output.is_dir() else output
    atomic_write_bytes(dst, src.read_bytes(), force=force, fsync=False)
    err.print(f"已复制示例答卷：{dst}", markup=False)
    out.print(f"试一试：maturity score {dst}", markup=False, soft_wrap=True)
