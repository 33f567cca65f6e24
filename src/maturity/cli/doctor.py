"""`maturity doctor`: check what the PDF report needs (Chinese fonts, Pango, HarfBuzz subsetting) and say how to fix it."""

from __future__ import annotations

import typer

from maturity.cli import app
from maturity.cli.console import err, out, user_errors


@app.command(rich_help_panel="数据与环境")
@user_errors
def doctor(
    font: str = typer.Option(
        None, "--font", help="检查指定的字体文件或字体名称，而不是内置字体。", show_default=False
    ),
) -> None:
    """检查生成 PDF 报告的环境：中文字体及其覆盖范围、Pango 版本、HarfBuzz 子集化库。"""
    from rich.markup import escape

    from maturity.errors import MaturityError, RenderError
    from maturity.report import fonts

    problems = 0
    try:
        choice = fonts.resolve_font(font)
        out.print(f"[green]✓[/] 字体：{escape(str(choice.origin))}")
        out.print(f"    常规：{choice.regular}", markup=False)
        out.print(f"    粗体：{choice.bold or '无（标题将以常规字重显示）'}", markup=False)
        have = fonts.font_codepoints(choice.regular)
        gb = fonts.repertoire()
        hanzi = [c for c in gb if 0x4E00 <= c <= 0x9FFF]
        missing = [c for c in hanzi if c not in have]
        mark = "[green]✓[/]" if not missing else "[yellow]![/]"
        out.print(
            f"{mark} 覆盖 GB 2312 汉字 {len(hanzi) - len(missing)}/{len(hanzi)} 个"
            + ("；另含扩展 B 区字符“𠮷”" if 0x20BB7 in have else "；不含扩展 B 区字符（如“𠮷”）")
        )
        if missing:
            problems += 1
    except MaturityError as e:
        problems += 1
        out.print(f"[red]✗[/] 字体：{escape(e.message)}")
        if e.hint:
            out.print(f"    {e.hint}", markup=False)
    if fonts.harfbuzz_subset_available():
        out.print("[green]✓[/] HarfBuzz 子集化库（libharfbuzz-subset）可用：中文字体子集化快 8–15 倍")
    else:
        problems += 1
        out.print(
            "[red]✗[/] 找不到 HarfBuzz 子集化库 libharfbuzz-subset.so.0：每份报告会慢到 6–11 秒，PDF 也更大。\n"
            "    修复：sudo apt-get install -y libharfbuzz-subset0（Debian/Ubuntu）；macOS：brew install harfbuzz"
        )
    try:
        from maturity.report.pdf import _weasyprint

        wp = _weasyprint()
        from weasyprint.text import ffi

        v = ffi.pango.pango_version()
        pango = f"{v // 10000}.{v // 100 % 100}.{v % 100}"
        ok = v >= 14400
        out.print(
            f"{'[green]✓[/]' if ok else '[red]✗[/]'} WeasyPrint {wp.__version__}，Pango {pango}"
            + ("" if ok else "（需要 1.44 或更高版本）")
        )
        if ffi.harfbuzz_subset is None and fonts.harfbuzz_subset_available():
            out.print("[yellow]![/] WeasyPrint 未加载 HarfBuzz 子集化库，将退回较慢的 fontTools 子集化。")
        problems += 0 if ok else 1
    except RenderError as e:
        problems += 1
        out.print(f"[red]✗[/] PDF 引擎：{escape(e.message)}")
        out.print(f"    {e.hint}", markup=False)
    if problems:
        err.print(f"[red]发现 {problems} 个问题[/]，请按上面的提示修复。")
        raise typer.Exit(1)
    out.print("[green]环境正常[/]，可以生成 PDF 报告。")
