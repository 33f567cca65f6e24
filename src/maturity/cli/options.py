"""Arguments and options several commands share."""

from __future__ import annotations

from enum import Enum

import typer


class Format(str, Enum):
    table = "table"
    json = "json"


ANSWERS_ARG = typer.Argument(..., help="答卷文件（YAML 或 JSON），例如 examples/furniture-example.yaml。",
                             show_default=False)
