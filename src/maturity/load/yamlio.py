"""Safe YAML/JSON loading that remembers where every value came from.

``load(path)`` returns the plain data plus a map from a data path (tuple of
keys and list indexes, as pydantic reports it in ``loc``) to ``(line, col)``,
both 1-based. Only ``yaml.SafeLoader`` is ever used; duplicate keys, Python
tags and undecodable bytes are user errors with a position.

``load(path, fast=True)`` composes with libyaml's C parser when PyYAML has it: the same nodes, data
and marks (tests compare them file by file), about six times faster. Anything that parser rejects or
that needs a message (syntax errors, control characters, duplicate keys, alias bombs) is read again
with the pure-Python loader, so what the user sees never depends on which parser ran.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from maturity.errors import DataValidationError, InputError, Issue

MAX_BYTES = 10 * 1024 * 1024
MAX_NODES = 200_000  # after alias expansion; the bundled questionnaire has about 5,000
MAX_DEPTH = 100  # nested mappings/lists; the bundled files nest at most about 10 deep
Marks = dict[tuple, tuple[int, int]]


@dataclass
class Loaded:
    """Data read from one file, with the positions of its values."""

    path: Path
    data: Any
    marks: Marks = field(default_factory=dict)
    located: bool = True  # False: read from the data cache without marks (re-read with load() to locate)

    def locate(self, loc: tuple) -> tuple[int | None, int | None]:
        """Best position for a pydantic ``loc``: the deepest path that has a mark."""
        loc = tuple(loc)
        while loc:
            if loc in self.marks:
                return self.marks[loc]
            loc = loc[:-1]
        return self.marks.get((), (None, None))


def missing_file(path: Path) -> InputError:
    """ "找不到文件" with where it was looked for, the closest names in that folder, and where examples come from."""
    import difflib

    folder = path.parent
    where = folder.resolve() if folder != Path() else Path.cwd()
    if not folder.is_dir():
        return InputError(
            f"找不到文件：{path}（文件夹 {where} 不存在）",
            hint="请检查路径；没有答卷时可用 maturity examples 复制示例答卷。",
        )
    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_file())
    except OSError:
        names = []
    close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.6)
    if not close:
        close = [n for n in names if n.lower().endswith((".yaml", ".yml", ".json"))][:5]
        label = "这个文件夹里的 YAML/JSON 文件："
    else:
        label = "您要找的是不是："
    hint = (label + "、".join(close) + "\n") if close else ""
    hint += "没有答卷？用 maturity examples 复制示例答卷，或用 maturity assess 逐题作答生成一份。"
    return InputError(f"找不到文件：{path}（在文件夹 {where} 中查找）", hint=hint)


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (BOM tolerated) or raise a clear InputError."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise missing_file(path) from None
    except OSError as e:
        raise InputError(f"无法读取文件：{path}（{e.strerror}）") from None
    if path.is_dir():
        raise InputError(f"需要文件，却是一个文件夹：{path}")
    if size > MAX_BYTES:
        raise InputError(
            f"文件过大：{path}（{size / 1048576:.1f} MB，上限 {MAX_BYTES // 1048576} MB）",
            hint="问卷、规则和答卷文件通常只有几十 KB，请确认选对了文件。",
        )
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" in raw[:8192]:
        hint = (
            "Excel 或 CSV 答卷表请用 maturity batch 评分。"
            if path.suffix.lower() in (".xlsx", ".xls", ".xlsm")
            else "答卷、问卷和规则都是 YAML 或 JSON 文本文件；可用 maturity examples 复制示例答卷对照。"
        )
        raise InputError(f"不是文本文件（含二进制内容）：{path}", hint=hint)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise DataValidationError(
            [
                Issue(
                    str(path),
                    "文件不是 UTF-8 编码，请用 UTF-8 保存",
                    line=line,
                    value=repr(raw[e.start : e.start + 4]),
                )
            ]
        ) from None


def load(path: str | Path, *, fast: bool = False) -> Loaded:
    """Load a YAML or JSON file with positions. Raises DataValidationError on syntax errors.

    ``fast``: try libyaml's composer first (see the module docstring); results are identical.
    """
    path = Path(path)
    return parse(path, read_text(path), fast=fast)


def parse(path: Path, text: str, *, fast: bool = False) -> Loaded:
    """:func:`load` for text already read (with :func:`read_text`) from ``path``."""
    if path.suffix.lower() == ".json":
        return _load_json(path, text)
    if fast:
        loaded = _load_yaml_c(path, text)
        if loaded is not None:
            return loaded
    return _load_yaml(path, text)


def loads(text: str, name: str = "<string>") -> Loaded:
    return _load_yaml(Path(name), text)


def _load_json(path: Path, text: str) -> Loaded:
    try:
        data = json.loads(text)
    except RecursionError:
        raise DataValidationError([Issue(str(path), "JSON 嵌套层数过深，不是有效的答卷文件")]) from None
    except json.JSONDecodeError as e:
        raise DataValidationError(
            [Issue(str(path), f"JSON 语法错误：{e.msg}", line=e.lineno, col=e.colno)]
        ) from None
    marks: Marks = {}
    try:  # JSON is (almost always) YAML; reuse the YAML composer for positions.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            _collect_marks(node, (), marks, path, [])
    except yaml.YAMLError:
        pass
    return Loaded(path, data, marks)


def _load_yaml_c(path: Path, text: str) -> Loaded | None:
    """The libyaml fast path, or None whenever the pure-Python loader should decide (and explain)."""
    if not getattr(yaml, "__with_libyaml__", False) or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    if "\t" in text and any(line.lstrip(" ").startswith("\t") for line in text.splitlines()):
        return None
    try:
        loader = yaml.CSafeLoader(text)
    except Exception:
        return None
    try:
        node = loader.get_single_node()
        marks: Marks = {}
        if node is not None:
            if _expanded_size(node, {}) > MAX_NODES:
                return None
            issues: list[Issue] = []
            _collect_marks(node, (), marks, path, issues)
            if issues:
                return None
        data = loader.construct_document(node) if node is not None else None
    except Exception:  # any syntax error, recursion, alias loop: let the pure loader report it
        return None
    finally:
        loader.dispose()
    return Loaded(path, data, marks)


def _too_deep_at(text: str) -> tuple[int, int] | None:
    """Where the text nests deeper than MAX_DEPTH (line, col), found by libyaml's C parser in milliseconds;
    None if it does not, or if libyaml is missing or finds another error (the pure loader then explains it).
    The pure-Python scanner takes seconds on a few kilobytes of ``[[[[…`` before it fails."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1, event.start_mark.column + 1
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as e:
        if "nesting depth" in (e.problem or "") and e.problem_mark is not None:
            return e.problem_mark.line + 1, e.problem_mark.column + 1
        return None
    except yaml.YAMLError:
        return None
    return None


def _load_yaml(path: Path, text: str) -> Loaded:
    if "\t" in text:
        # YAML forbids tabs for indentation; PyYAML's message is cryptic, so say it plainly.
        for n, line in enumerate(text.splitlines(), 1):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                raise DataValidationError(
                    [
                        Issue(
                            str(path),
                            "YAML 缩进不能使用制表符（Tab），请改用空格",
                            line=n,
                            col=len(line) - len(stripped) + 1,
                        )
                    ]
                )
    deep = _too_deep_at(text)
    if deep is not None:
        raise DataValidationError(
            [Issue(str(path), "YAML 嵌套层数过深，不是有效的问卷、规则或答卷文件", line=deep[0], col=deep[1])]
        )
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as e:
        at_line = text[: e.position].count("\n") + 1
        raise DataValidationError(
            [
                Issue(
                    str(path), f"文件含有不可打印的控制字符（{e.character!r}），不是有效的 YAML", line=at_line
                )
            ]
        ) from None
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise DataValidationError(
                [Issue(str(path), "YAML 嵌套层数过深，不是有效的问卷、规则或答卷文件")]
            ) from None
        issues: list[Issue] = []
        marks: Marks = {}
        if node is not None:
            try:
                size = _expanded_size(node, {})
            except _RecursiveAlias:
                raise DataValidationError(
                    [Issue(str(path), "YAML 别名引用了自身（循环引用），无法读取", line=1, col=1)]
                ) from None
            if size > MAX_NODES:
                raise DataValidationError(
                    [
                        Issue(
                            str(path),
                            f"YAML 别名（&/*）展开后超过 {MAX_NODES:,} 个节点，拒绝读取（疑似“别名炸弹”）",
                            line=1,
                            col=1,
                        )
                    ]
                )
            _collect_marks(node, (), marks, path, issues)
        if issues:
            raise DataValidationError(issues)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = e.problem or e.context or "语法错误"
        if "could not determine a constructor" in str(problem):
            found = re.search(r"'([^']+)'", str(problem))
            tag = (found.group(1) if found else "").replace("tag:yaml.org,2002:", "!!")
            problem = f"不允许的 YAML 标签 {tag}（出于安全考虑只接受普通数据）"
        raise DataValidationError(
            [
                Issue(
                    str(path),
                    f"YAML 语法错误：{problem}",
                    line=mark.line + 1 if mark else None,
                    col=mark.column + 1 if mark else None,
                )
            ]
        ) from None
    except yaml.YAMLError as e:
        raise DataValidationError([Issue(str(path), f"YAML 读取失败：{e}")]) from None
    finally:
        loader.dispose()
    return Loaded(path, data, marks)


class _RecursiveAlias(Exception):
    pass


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Node count with aliases expanded (memoised, so a billion-laughs document is cheap to measure)."""
    key = id(node)
    if key in memo:
        if memo[key] < 0:
            raise _RecursiveAlias
        return memo[key]
    memo[key] = -1  # in progress: meeting it again means the node contains itself
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(v, memo) for v in node.value)
    else:
        size = 1
    memo[key] = size
    return size


def _collect_marks(node: yaml.Node, path: tuple, marks: Marks, file: Path, issues: list[Issue]) -> None:
    marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _scalar_key(key_node)
            pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in seen:
                issues.append(
                    Issue(
                        str(file),
                        f"重复的键“{key}”（第 {seen[key]} 行已出现），后一个会覆盖前一个",
                        line=pos[0],
                        col=pos[1],
                        field=".".join(map(str, path + (key,))),
                    )
                )
            else:
                seen[key] = pos[0]
            marks[path + (key,)] = pos
            _collect_marks(value_node, path + (key,), marks, file, issues)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _collect_marks(item, path + (i,), marks, file, issues)


def _scalar_key(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        if node.tag.endswith(":int"):
            try:
                return int(node.value)
            except ValueError:
                return node.value
        return node.value
    return f"<{node.id}>"


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
