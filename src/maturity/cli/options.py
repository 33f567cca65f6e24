"""Arguments and options several commands share."""

from __future__ import annotations

from enum import Enum

import typer


class Format(str, Enum):
    table = "table"
    json = "json"


ANSWERS_ARG = typer.Argument(
    ...,
    help="答卷文件（YAML 或 JSON）；没有答卷时可用 maturity examples 复制示例答卷。",
    show_default=False,
    metavar="答卷文件",
)

APPENDIX_HELP = (
    "报告附上顾问附录：全部题目的作答（含题号、备注和不适用理由）、路线图依据、各级门槛、全国评测对照表、"
    "方法与来源。默认只生成给企业负责人看的报告（不超过约12页）。"
)
