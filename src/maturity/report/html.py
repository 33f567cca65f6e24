"""Jinja2 rendering of the report HTML.

Autoescape is on and undefined names are errors. The loader searches a user ``--templates`` folder first and
the bundled ``report_templates/`` second, so a user folder overrides file by file (e.g. only report.css).

A template pack may come from a third party, so templates are rendered in Jinja's immutable sandbox (no
attribute starting with ``_``, no calls that change data, ``range`` bounded) and every file is resolved to
its real path: a file (or symlink) that leads outside the template folders is refused with a RenderError.
"""

from __future__ import annotations

import os
from dataclasses import asdict, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

from maturity.errors import RenderError
from maturity.report.fonts import FAMILY, FontChoice
from maturity.resources import data_dir

MAIN_TEMPLATE = "report.html"
STYLESHEET = "report.css"


def bundled_templates() -> Path:
    return data_dir("report_templates")


def search_path(templates: Path | None) -> tuple[Path, ...]:
    bundled = bundled_templates().resolve()
    if templates is None:
        return (bundled,)
    user = Path(templates).expanduser().resolve()
    if not user.is_dir():
        raise RenderError(f"模板文件夹不存在：{templates}")
    return (user, bundled) if user != bundled else (bundled,)


def contained(name: str, paths: tuple[Path, ...]) -> Path | None:
    """The template file ``name`` in the first folder that has it, resolved; None if no folder has it.

    Raises RenderError when the file found resolves (through a symlink, or "..") outside its folder.
    """
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    for root in paths:
        candidate = root.joinpath(*parts)
        if not (candidate.is_file() or candidate.is_symlink()):
            continue
        real = Path(os.path.realpath(candidate))
        base = Path(os.path.realpath(root))
        if ".." in parts or not real.is_relative_to(base):
            raise RenderError(
                f"模板 {name} 指向模板文件夹之外（{real}），已拒绝",
                hint="模板文件夹中的文件和链接只能指向该文件夹之内；请把所需文件复制到模板文件夹中。",
            )
        if real.is_file():
            return real
    return None


def _loader(paths: tuple[Path, ...]) -> Any:
    import jinja2

    class ContainedLoader(jinja2.FileSystemLoader):
        """FileSystemLoader that never follows a path out of the template folders."""

        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            real = contained(template, paths)
            if real is None:
                raise jinja2.TemplateNotFound(template)
            mtime = real.stat().st_mtime
            text = real.read_text(encoding="utf-8")
            return text, str(real), lambda: real.is_file() and real.stat().st_mtime == mtime

    return ContainedLoader([str(p) for p in paths])


@cache
def environment(paths: tuple[Path, ...]) -> Any:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from maturity.report.context import num, zh

    env = ImmutableSandboxedEnvironment(
        loader=_loader(paths),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["zh"] = zh
    env.filters["num"] = num
    env.globals["FONT_FAMILY"] = FAMILY
    return env


def find_file(name: str, paths: tuple[Path, ...]) -> Path:
    found = contained(name, paths)
    if found is not None:
        return found
    raise RenderError(f"模板文件夹中找不到 {name}（查找位置：{'、'.join(str(p) for p in paths)}）")


def font_face_css(font: FontChoice) -> str:
    """@font-face rules binding the ReportCJK family to the chosen files (regular, and bold if any)."""
    rules = [
        f'@font-face{{font-family:"{FAMILY}";font-weight:400;font-style:normal;'
        f'src:url("{font.regular.as_uri()}")}}'
    ]
    bold = font.bold or font.regular
    rules.append(
        f'@font-face{{font-family:"{FAMILY}";font-weight:700;font-style:normal;src:url("{bold.as_uri()}")}}'
    )
    return "\n".join(rules) + "\n"


def render_html(ctx: Any, paths: tuple[Path, ...], *, inline_css: str = "") -> str:
    """The report HTML. ``inline_css`` (for a standalone --html file) is placed in a <style> element."""
    import jinja2
    from jinja2.exceptions import SecurityError
    from markupsafe import Markup

    env = environment(paths)
    values = {k: getattr(ctx, k) for k in ctx.__dataclass_fields__} if is_dataclass(ctx) else dict(ctx)
    values["radar_svg"] = Markup(values.get("radar_svg", ""))
    values["ladder_svg"] = Markup(values.get("ladder_svg", ""))
    values["inline_css"] = Markup(inline_css)
    try:
        template = env.get_template(MAIN_TEMPLATE)
        html = template.render(**values)
        if "glossary" in values and not values["glossary"]:
            # the glossary lists exactly the abbreviations the rendered text uses: a second, cheap Jinja pass
            from maturity.report.words import glossary_for

            values["glossary"] = glossary_for(_text_of(html))
            if values["glossary"]:
                html = template.render(**values)
        return html
    except jinja2.TemplateNotFound as e:
        raise RenderError(f"找不到模板 {e.name}") from None
    except jinja2.TemplateSyntaxError as e:
        raise RenderError(f"模板语法错误：{e.filename}:{e.lineno}：{e.message}") from None
    except SecurityError as e:
        raise RenderError(
            f"模板试图执行不安全的操作，已拒绝：{e}",
            hint="自定义模板在沙箱中渲染，不能访问以下划线开头的属性或调用修改数据的方法。",
        ) from None
    except jinja2.UndefinedError as e:
        raise RenderError(f"模板引用了不存在的数据：{e.message}") from None


def _text_of(html: str) -> str:
    import re
    from html import unescape

    body = re.sub(r"<style\b.*?</style>", " ", html, flags=re.S | re.I)
    return unescape(re.sub(r"<[^>]*>", " ", body))


def context_dict(ctx: Any) -> dict[str, Any]:
    return asdict(ctx)
