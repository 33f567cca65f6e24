"""The PDF diagnosis report: content, fonts, safety, goldens.

PDF renders cost about a second each, so the rendered example is shared per module. Set
MATURITY_UPDATE_GOLDEN=1 to rewrite tests/report/golden/ after an intended template change.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from maturity import api, pipeline
from maturity.advice.next_steps import next_steps
from maturity.errors import OutputExistsError, RenderError
from maturity.models.evaluation import Evaluation, Previous
from maturity.report import build_html, render_report
from maturity.resources import example_path

GOLDEN = Path(__file__).parent / "golden"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")


def run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="session")
def example_assessment():
    return api.assess_file(example_path())


@pytest.fixture(scope="session")
def example_evaluation() -> Evaluation:
    return pipeline.evaluate_file(example_path())


def bare(ev: Evaluation, **sections) -> Evaluation:
    """The evaluation without its optional sections (plan, national grade), plus those given."""
    from dataclasses import replace

    plain = replace(ev, plan=None, grade=None, next_steps=next_steps(ev.assessment, None))
    return replace(plain, **sections)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """The bundled example rendered once through the CLI (PDF + standalone HTML)."""
    from typer.testing import CliRunner

    from maturity.cli import app

    d = tmp_path_factory.mktemp("report")
    res = CliRunner().invoke(
        app,
        ["report", str(example_path()), "-o", str(d / "r.pdf"), "--html", str(d / "r.html")],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    return d / "r.pdf", d / "r.html", res.output


def _answers_with(tmp_path: Path, **enterprise) -> Path:
    data = yaml.safe_load(example_path().read_text(encoding="utf-8"))
    data["enterprise"].update(enterprise)
    p = tmp_path / "answers.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


# ---- start-up -------------------------------------------------------------------------------
def test_cli_import_does_not_load_weasyprint():
    code = (
        "import sys, maturity.cli; assert 'weasyprint' not in sys.modules, 'weasyprint imported'; "
        "assert 'maturity.report.pdf' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- the bundled example --------------------------------------------------------------------
@pytest.mark.slow
@needs_poppler
def test_example_pdf_has_embedded_cjk_subset_font_only(rendered):
    pdf, _, _ = rendered
    lines = run("pdffonts", str(pdf)).splitlines()[2:]
    names = [ln.split()[0] for ln in lines]
    assert any(re.fullmatch(r"[A-Z]{6}\+ReportCJK", n) for n in names), names
    assert any(re.fullmatch(r"[A-Z]{6}\+ReportCJK-Bold", n) for n in names), "no real bold face embedded"
    for ln in lines:
        assert " yes yes yes " in ln, ln  # embedded, subset, ToUnicode
    assert not any("DejaVu" in n for n in names), "some text fell back to a non-CJK font"


@pytest.mark.slow
@needs_poppler
def test_example_pdf_text_pages_size(rendered, example_assessment):
    pdf, _, output = rendered
    text = run("pdftotext", "-layout", str(pdf), "-")
    flat = re.sub(r"\s+", "", text)
    a = example_assessment
    assert re.sub(r"\s+", "", a.enterprise.name) in flat
    assert a.level.label in text and a.level.name in flat
    scenarios = [d.name for d in a.dimensions if d.kind == "scenario"]
    assert len(scenarios) == 5
    for name in scenarios:
        assert name in flat, name
    assert "不是官方评定" in flat or "不是任何政府部门" in flat
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdf))).group(1))
    assert 8 <= pages <= 40
    assert re.search(rf"共\s*{pages}\s*页", text)  # 第 N 页 / 共 M 页 footer
    assert pdf.stat().st_size <= 400 * 1024
    assert f"{pages} 页" in output


@pytest.mark.slow
@needs_poppler
def test_pdf_metadata_and_outline(rendered, example_assessment):
    pdf, _, _ = rendered
    info = run("pdfinfo", str(pdf))
    assert example_assessment.enterprise.name in info
    assert "数字化成熟度" in info  # keywords / title
    import zlib

    raw = pdf.read_bytes()
    streams = []
    for m in re.finditer(rb"/Length (\d+)>>\s*stream\r?\n", raw):
        try:
            streams.append(zlib.decompress(raw[m.end() : m.end() + int(m.group(1))]))
        except zlib.error:
            continue
    everything = raw + b"".join(streams)
    assert b"/Outlines" in everything  # bookmarks from the h1/h2 headings
    assert b"/Lang (zh-CN)" in everything


def test_html_has_lang_and_svg_font(example_evaluation):
    html = build_html(example_evaluation)
    assert re.search(r'<html lang="zh-CN">', html)
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert len(svgs) >= 2
    assert all('font-family="ReportCJK"' in s for s in svgs)


# ---- goldens --------------------------------------------------------------------------------
def _normalise(html: str) -> str:
    html = re.sub(
        r'<meta name="generator" content="[^"]*">', '<meta name="generator" content="maturity">', html
    )
    html = re.sub(r"本报告由maturity [^<]*离线生成", "本报告由maturity离线生成", html)
    html = re.sub(r">\s+<", ">\n<", html)
    return "\n".join(line.strip() for line in html.splitlines() if line.strip()) + "\n"


def test_html_golden(example_evaluation):
    from dataclasses import replace
    from datetime import datetime

    ev = bare(example_evaluation)
    ev = replace(ev, provenance=replace(ev.provenance, assessed_on=datetime(2026, 11, 20)))
    html = _normalise(build_html(ev))
    golden = GOLDEN / "furniture-example.html"
    if os.environ.get("MATURITY_UPDATE_GOLDEN") or not golden.exists():
        if not os.environ.get("MATURITY_UPDATE_GOLDEN"):
            pytest.fail(f"golden {golden} missing; run with MATURITY_UPDATE_GOLDEN=1 to create it")
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8"), (
        "rendered HTML differs; MATURITY_UPDATE_GOLDEN=1 to accept"
    )


# ---- fonts ----------------------------------------------------------------------------------
def test_missing_font_file_is_clear_error_and_no_pdf(tmp_path, cli):
    out = tmp_path / "r.pdf"
    res = cli("report", example_path(), "-o", out, "--font", tmp_path / "gone" / "NoSuchFont.otf")
    assert res.exit_code == 3
    assert "字体文件不存在" in res.output + (res.stderr if hasattr(res, "stderr") else "")
    assert not out.exists()


def test_bundled_font_removed_is_clear_error_and_no_pdf(tmp_path, monkeypatch, example_evaluation):
    from maturity.report import fonts

    monkeypatch.setattr(fonts, "_package_font", lambda module, filename: None)
    out = tmp_path / "r.pdf"
    with pytest.raises(RenderError) as e:
        render_report(example_evaluation, out)
    assert "找不到报告使用的中文字体" in e.value.message
    assert "pip install" in e.value.hint
    assert not out.exists()


@pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Sans not installed")
def test_font_without_chinese_names_missing_characters(tmp_path, example_evaluation):
    out = tmp_path / "r.pdf"
    with pytest.raises(RenderError) as e:
        render_report(example_evaluation, out, font=DEJAVU)
    assert "缺少报告中的" in e.value.message
    assert "“、”(U+3001)" in e.value.message and "等 " in e.value.message
    assert not out.exists()


@pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Sans not installed")
def test_notdef_warnings_become_an_error():
    from maturity.report.fonts import FontChoice
    from maturity.report.html import search_path
    from maturity.report.pdf import html_to_pdf

    choice = FontChoice(DEJAVU, None, "test")
    html = '<html lang="zh-CN"><body><p>\U00020bb7</p></body></html>'  # Ext-B, in no installed fallback font
    with pytest.raises(RenderError) as e:
        html_to_pdf(html, choice, search_path(None), check_fonts=False)
    assert "\U00020bb7" in e.value.message


def test_rare_character_in_name_is_covered_by_bundled_font(tmp_path):
    a = pipeline.evaluate_file(_answers_with(tmp_path, name="𠮷野家具有限公司"))
    html = build_html(a)
    from maturity.report.fonts import check_coverage, resolve_font
    from maturity.report.html import search_path
    from maturity.report.pdf import visible_text

    check_coverage(visible_text(html, search_path(None)), resolve_font())  # does not raise


# ---- safety ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_markup_in_name_and_note_is_text_and_nothing_fetched(tmp_path):
    p = _answers_with(tmp_path, name="<script>alert(1)</script>家具厂")
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    first = next(iter(data["answers"]))
    val = data["answers"][first]
    data["answers"][first] = {
        **(val if isinstance(val, dict) else {"value": val}),
        "note": '<img src="file:///etc/passwd"><img src="http://example.com/x.png">',
    }
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    a = pipeline.evaluate_file(p)
    html = build_html(a, appendix=True)  # the dossier shows every note
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<img src="file:///etc/passwd">' not in html and "&lt;img src=" in html
    res = render_report(a, tmp_path / "r.pdf", appendix=True)
    assert res.refused == []  # the note is text, so nothing was even requested
    if shutil.which("pdftotext"):
        assert "<script>alert(1)</script>" in run("pdftotext", str(tmp_path / "r.pdf"), "-")


@pytest.mark.slow
def test_user_template_cannot_fetch_local_files_or_network(tmp_path, example_evaluation):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "_prepare.html").write_text(
        '<section><h1>自定义</h1><img src="file:///etc/passwd"><img src="http://example.com/logo.png">'
        '<img src="../secret.png"><p>用户模板</p></section>',
        encoding="utf-8",
    )
    (tmp_path / "secret.png").write_bytes(b"not really")
    res = render_report(example_evaluation, tmp_path / "r.pdf", templates=tpl)
    assert "file:///etc/passwd" in res.refused
    assert "http://example.com/logo.png" in res.refused
    assert any(u.endswith("/secret.png") for u in res.refused)
    assert (tmp_path / "r.pdf").is_file()


def test_fetcher_allows_only_template_folder_and_fonts(tmp_path):
    from maturity.report.pdf import make_fetcher

    root = tmp_path / "tpl"
    root.mkdir()
    (root / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    font = tmp_path / "f.otf"
    font.write_bytes(b"OTTO")
    f = make_fetcher((root,), (font,))
    assert f.fetch((root / "logo.svg").as_uri()).read().startswith(b"<svg")
    assert f.fetch(font.as_uri()).read() == b"OTTO"
    for url in (
        "file:///etc/passwd",
        (root / ".." / "f2.txt").as_uri(),
        "http://example.com/",
        "https://x.y/z",
    ):
        with pytest.raises(ValueError):
            f.fetch(url)
    assert len(f.refused) == 4


def test_user_templates_override_file_by_file(tmp_path, example_evaluation):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "_cover.html").write_text(
        '<section class="cover"><p>咨询公司专用封面{{ enterprise.name }}</p></section>', encoding="utf-8"
    )
    html = build_html(example_evaluation, templates=tpl)
    assert "咨询公司专用封面" + example_evaluation.assessment.enterprise.name in html
    assert "一页摘要" in html  # the other partials still come from the bundled folder


def test_undefined_template_variable_is_an_error(tmp_path, example_evaluation):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "_cover.html").write_text("<p>{{ no_such_field }}</p>", encoding="utf-8")
    with pytest.raises(RenderError, match="no_such_field"):
        build_html(example_evaluation, templates=tpl)


def test_existing_output_needs_force(tmp_path, cli, example_evaluation):
    out = tmp_path / "r.pdf"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputExistsError):
        render_report(example_evaluation, out)
    assert out.read_bytes() == b"keep me"
    res = cli("report", example_path(), "-o", out)
    assert res.exit_code != 0 and out.read_bytes() == b"keep me"


@pytest.mark.slow
def test_force_overwrites_atomically(tmp_path, example_evaluation):
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")
    res = render_report(example_evaluation, out, force=True)
    assert out.read_bytes().startswith(b"%PDF-") and res.size == out.stat().st_size
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]  # no temp files left behind


# ---- optional sections ----------------------------------------------------------------------
def test_optional_sections_absent_by_default(example_evaluation):
    html = build_html(bare(example_evaluation))
    for title in ("提升路线图", "与上次评估相比", "同行对比", "全国中小企业数字化水平评测对照"):
        assert title not in html


def test_optional_sections_render_when_given(tmp_path, example_assessment, example_evaluation):
    from maturity.report.context import PeerContext

    prev_file = _answers_with(tmp_path)
    data = yaml.safe_load(prev_file.read_text(encoding="utf-8"))
    first = next(iter(data["answers"]))
    data["answers"].pop(first)
    prev_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    previous = api.assess_file(prev_file)
    la = api.load_answers(example_path())
    grade = api.grade_estimate(la, example_assessment)
    peer = PeerContext(
        cohort="赣州家具企业",
        size=12,
        median_score=40.0,
        percentile=75,
        dimension_medians={d.id: 40.0 for d in example_assessment.dimensions},
    )
    html = build_html(bare(example_evaluation, previous=Previous(previous, None), peer=peer, grade=grade))
    first_text = next(x.text for x in example_assessment.questions if x.id == first)
    assert "与上次评估相比" in html and first_text.replace(" ", "")[:12] in html.replace(" ", "")
    assert first not in html  # question codes only in the dossier
    assert "同行对比" in html and "赣州家具企业" in html
    assert grade is not None  # light-industry ships a crosswalk to miit-2024
    assert "全国中小企业数字化水平评测对照" in html and grade.grade.label in html


def test_plan_section_when_plan_given(example_assessment, example_evaluation):
    la = api.load_answers(example_path())
    plan = api.plan_for(la, example_assessment)
    assert plan is not None  # the light-industry questionnaire ships a catalog
    html = build_html(bare(example_evaluation, plan=plan))
    assert "提升路线图" in html
    first = plan.horizons[0].items[0]
    assert first.title in html
    assert "因为：" in html
