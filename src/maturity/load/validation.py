"""Turn pydantic validation errors into located, Chinese :class:`Issue` objects."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from maturity.errors import Issue
from maturity.load.yamlio import Loaded

_MESSAGES: dict[str, str] = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段（是否拼写错误？）",
    "string_type": "应为文本",
    "string_too_short": "不能为空",
    "string_too_long": "文本过长（最多 {max_length} 个字符）",
    "string_pattern_mismatch": "格式不符（应匹配 {pattern}）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "model_attributes_type": "应为键值映射",
    "literal_error": "取值应为 {expected} 之一",
    "greater_than_equal": "应 ≥ {ge}",
    "less_than_equal": "应 ≤ {le}",
    "greater_than": "应 > {gt}",
    "less_than": "应 < {lt}",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "datetime_type": "应为日期时间（如 2026-11-20T09:30:00+08:00）",
    "datetime_parsing": "应为日期时间（如 2026-11-20T09:30:00+08:00）",
    "datetime_from_date_parsing": "应为日期时间（如 2026-11-20T09:30:00+08:00）",
}


def _message(err: dict[str, Any]) -> str:
    etype = err["type"]
    if etype == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"])).removeprefix("Value error, ")
    if etype == "condition_shape":
        return err["msg"]
    template = _MESSAGES.get(etype)
    if template is None:
        return err["msg"]
    try:
        return template.format(**err.get("ctx", {}))
    except (KeyError, IndexError):
        return template


def _clean_loc(loc: tuple) -> tuple:
    # Drop pydantic's union/discriminator tags (e.g. 'all', 'function-after[...]') that are not data keys.
    out = []
    for part in loc:
        if isinstance(part, str) and (
            part.startswith("function-") or part in ("str", "float", "bool", "list[str]", "none", "int")
        ):
            continue
        out.append(part)
    return tuple(out)


def _short(value: Any) -> str:
    if isinstance(value, (dict, list)):
        text = repr(value)
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def issues_from(exc: ValidationError, loaded: Loaded) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[tuple] = set()
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]))
        # Discriminated conditions repeat their tag in loc (…, 'when', 'all', 'all', 0): collapse doubles.
        dedup: list = []
        for part in loc:
            if dedup and dedup[-1] == part and isinstance(part, str):
                continue
            dedup.append(part)
        loc = tuple(dedup)
        line, col = loaded.locate(loc)
        field = ".".join(str(p) for p in loc) or "(整个文件)"
        message = _message(dict(err))
        if err["type"] == "missing" and loc and loc[-1] == "source":
            message = _missing_source(loaded.data, loc[:-1])
        key = (field, message)
        if key in seen:
            continue
        seen.add(key)
        value = "" if err["type"] == "missing" else _short(err.get("input", ""))
        issues.append(Issue(str(loaded.path), message, line=line, col=col, field=field, value=value))
    return issues


_ITEM_NAMES = {
    "questions": "题目",
    "levels": "等级",
    "solutions": "方案",
    "gates": "门槛",
    "policies": "政策",
}


def _missing_source(data: Any, loc: tuple) -> str:
    """The message for a question, level or solution without its ``source`` ("题目 RD-03 没有注明来源…")."""
    item = data
    for part in loc:
        try:
            item = item[part]
        except (KeyError, IndexError, TypeError):
            item = None
            break
    name = _ITEM_NAMES.get(str(loc[0]), "此项") if loc else "此项"
    ident = item.get("id") if isinstance(item, dict) else None
    who = f"{name} {ident}" if ident else name
    return f"{who} 没有注明来源（source）：请填写 sources 中声明的一项的 id，每道题、每个等级描述和每个方案都要有出处"


def not_a_mapping(data: Any) -> str:
    """Why a file whose content is not a mapping cannot be read, in words, with the fix."""
    if data is None:
        kind = "文件是空的"
    elif isinstance(data, str):
        kind = "文件里只有一段文字"
    elif isinstance(data, list):
        kind = "文件内容是一个列表"
    elif isinstance(data, bool):
        kind = "文件内容只是一个是/否值"
    elif isinstance(data, int | float):
        kind = "文件内容只是一个数字"
    else:
        kind = "文件内容不是“名称: 值”的结构"
    return (
        f"{kind}，不是答卷、问卷或规则的格式。这类文件应由“名称: 值”组成（YAML 键值映射或 JSON 对象），"
        "答卷例如以 questionnaire: light-industry 开头；可用 maturity examples 复制示例答卷对照"
    )


def validate_model(model: type[BaseModel], loaded: Loaded) -> tuple[Any, list[Issue]]:
    if not isinstance(loaded.data, dict):
        return None, [Issue(str(loaded.path), not_a_mapping(loaded.data), line=1, col=1)]
    try:
        return model.model_validate(loaded.data), []
    except ValidationError as exc:
        return None, issues_from(exc, loaded)
