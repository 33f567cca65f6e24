"""Arguments and options several commands share."""

from __future__ import annotations

from enum import Enum

import typer


class Format(str, Enum):
    table = "table"
    json = "json"


ANSWERS_ARG = typer.Argument(..., help="答卷文件（YAML 或 JSON）；没有答卷时可用 maturity examples 复制示例答卷。",
                             show_default=False, metavar="答卷文件")
