"""`maturity --version`: the tool and the versions of the bundled data, read from each file's header (no YAML
parser, no model validation: the command must answer as fast as `--help`)."""

from __future__ import annotations

import re
from pathlib import Path

_FIELD = re.compile(r"^(id|version|title):\s*(.+?)\s*$")


def header(path: Path) -> dict[str, str]:
    """The top-level `id`, `version` and `title` of a bundled YAML file (first occurrence, column 0)."""
    found: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            m = _FIELD.match(line)
            if m and m[1] not in found:
                found[m[1]] = m[2].strip("'\"")
            if len(found) == 3 or n > 60:
                break
    return found


def version_lines() -> list[str]:
    from maturity import __version__
    from maturity.resources import data_dir

    lines = [f"maturity {__version__}"]
    groups = [
        ("问卷", "questionnaires", "*.yaml"),
        ("评分规则", "scoring_rules", "*.rules.yaml"),
        ("方案目录", "scoring_rules", "*.catalog.yaml"),
        ("对照表", "scoring_rules", "*.crosswalk.yaml"),
    ]
    for label, folder, pattern in groups:
        items = [header(p) for p in sorted(data_dir(folder).glob(pattern))]
        text = "、".join(f"{h.get('id', '?')} {h.get('version', '?')}" for h in items)
        lines.append(f"{label}：{text or '（无）'}")
    return lines
