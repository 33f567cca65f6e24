"""join_cjk_lines: the gaps YAML folding leaves between Chinese characters are removed, nothing else."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from maturity.cjk import join_cjk_lines

# The rule as one regular expression (what the function implemented before it was made cheap to import).
_CJK = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u2014\u2018-\u201d\u2026]"
_RULE = re.compile(rf"(?<=[/、]|{_CJK})[ \t]*\n?[ \t]+(?={_CJK})|(?<={_CJK})[ \t]*\n[ \t]*(?={_CJK})")

# Both sides of every range boundary, the punctuation the rule names, whitespace it does and does not join.
ALPHABET = [
    " ",
    "\t",
    "\n",
    "\r",
    "\u3000",
    "中",
    "a",
    "/",
    "、",
    "—",
    "“",
    "…",
    "\u2e7f",
    "\u2e80",
    "\uffef",
    "\ufff0",
]


def test_examples():
    assert join_cjk_lines("部门或 评定") == "部门或评定"
    assert join_cjk_lines("第一行\n第二行") == "第一行第二行"
    assert join_cjk_lines("段落一\n\n段落二") == "段落一\n\n段落二"
    assert join_cjk_lines("ERP 系统") == "ERP 系统"
    assert join_cjk_lines("采购、 销售") == "采购、销售"


def test_report_spacing_examples():
    from maturity.report.context import zh

    assert zh(" ERP 系统 与 MES ") == "ERP系统与MES"
    assert zh("Excel and WPS") == "Excel and WPS"


def test_every_short_string_is_joined_as_the_rule_says():
    small = [" ", "\t", "\n", "中", "a", "/", "、", "—"]
    for n in range(1, 6):
        for chars in itertools.product(small, repeat=n):
            s = "".join(chars)
            assert join_cjk_lines(s) == _RULE.sub("", s), repr(s)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=30).map("".join))
def test_any_string_is_joined_as_the_rule_says(s):
    assert join_cjk_lines(s) == _RULE.sub("", s)


# zh(): the report's spacing rule, as the two regular expressions it was written with.
_WIDE = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\U00020000-\U0003ffff]"
_AFTER = re.compile(rf"(?<={_WIDE}) +")
_BEFORE = re.compile(rf" +(?={_WIDE})")
WIDE_ALPHABET = [" ", "  ", "\t", "\n", "中", "a", "1", "\u2e7f", "\u2e80", "\uf900", "\ufaff", "\ufb00"]
WIDE_ALPHABET += ["\uff00", "\ufff0", "\U00020000", "\U0003ffff", "\U00040000", "\u3000"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WIDE_ALPHABET), max_size=20).map("".join))
def test_report_spacing_follows_its_rule(s):
    from maturity.report.context import zh

    assert zh(s) == _BEFORE.sub("", _AFTER.sub("", s)).strip()


def test_catalog_prose_has_no_gap_left_by_yaml_line_folding():
    """Policies, solutions, KPIs and the catalog's notes read as written: a line folded after "、" or "，" in the
    YAML does not leave "服务商让一点、 政府补一点" on screen. Solution titles keep their spaces ("云 CAD / 三维…")."""
    from maturity.load import bundled

    catalog = bundled.catalog("light-industry")
    gaps: list[tuple[str, str]] = []

    def walk(obj, path: str) -> None:
        if isinstance(obj, str):
            if join_cjk_lines(obj) != obj and not path.endswith(".title"):
                gaps.append((path, obj[:40]))
        elif hasattr(type(obj), "model_fields"):
            for name in type(obj).model_fields:
                walk(getattr(obj, name), f"{path}.{name}")
        elif isinstance(obj, (list, tuple)):
            for i, x in enumerate(obj):
                walk(x, f"{path}[{i}]")

    walk(catalog, "catalog")
    assert not gaps, gaps[:5]
    assert any(" / " in s.title for s in catalog.solutions)  # titles as written
