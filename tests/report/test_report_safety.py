"""Third-party templates cannot run code or read files outside their folder; metadata and writes are clean."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from maturity import pipeline
from maturity.errors import OutputError, RenderError
from maturity.report import build_html, render_report
from maturity.report.pdf import clean_metadata, clean_text
from maturity.resources import example_path


@pytest.fixture(scope="module")
def example_assessment():
    return pipeline.evaluate_file(example_path())


def _pack(tmp_path: Path, **files: str) -> Path:
    tpl = tmp_path / "tpl"
    tpl.mkdir(exist_ok=True)
    for name, text in files.items():
        (tpl / name).write_text(text, encoding="utf-8")
    return tpl


@pytest.mark.parametrize(
    "expr",
    [
        "cycler.__init__.__globals__.os.popen('id').read()",
        "lipsum.__globals__['os'].system('id')",
        "''.__class__.__mro__[1].__subclasses__()",
        "enterprise.__class__.__init__.__globals__",
    ],
)
def test_code_execution_in_a_template_is_refused(tmp_path, example_assessment, expr):
    tpl = _pack(tmp_path, **{"_cover.html": "<p>{{ " + expr + " }}</p>"})
    with pytest.raises(RenderError, match="不安全") as e:
        build_html(example_assessment, templates=tpl)
    assert "uid=" not in str(e.value)


def test_data_changing_calls_are_refused(tmp_path, example_assessment):
    tpl = _pack(tmp_path, **{"_cover.html": "{% set x = [] %}{{ x.append(1) }}"})
    with pytest.raises(RenderError, match="不安全"):
        build_html(example_assessment, templates=tpl)


def test_symlink_out_of_the_template_folder_is_refused(tmp_path, example_assessment):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE", encoding="utf-8")
    tpl = _pack(tmp_path, **{"_cover.html": '<p>{% include "leak.html" %}</p>'})
    (tpl / "leak.html").symlink_to(secret)
    with pytest.raises(RenderError, match="模板文件夹之外") as e:
        build_html(example_assessment, templates=tpl)
    assert "TOP-SECRET-LINE" not in str(e.value)


def test_symlinked_template_and_stylesheet_are_refused(tmp_path, example_assessment):
    secret = tmp_path / "secret.css"
    secret.write_text("/* TOP-SECRET */", encoding="utf-8")
    tpl = _pack(tmp_path)
    (tpl / "report.css").symlink_to(secret)
    with pytest.raises(RenderError, match=r"report\.css"):
        build_html(example_assessment, templates=tpl, standalone=True)
    (tpl / "report.css").unlink()
    (tpl / "report.html").symlink_to("/etc/passwd")
    with pytest.raises(RenderError, match=r"report\.html"):
        build_html(example_assessment, templates=tpl)


def test_symlink_inside_the_folder_is_followed(tmp_path, example_assessment):
    tpl = _pack(tmp_path, **{"cover-real.html": "<section><p>内部链接封面</p></section>"})
    (tpl / "_cover.html").symlink_to(tpl / "cover-real.html")
    assert "内部链接封面" in build_html(example_assessment, templates=tpl)


def test_include_with_dot_dot_is_not_found(tmp_path, example_assessment):
    (tmp_path / "outside.html").write_text("OUTSIDE", encoding="utf-8")
    tpl = _pack(tmp_path, **{"_cover.html": '{% include "../outside.html" %}'})
    with pytest.raises(RenderError):
        build_html(example_assessment, templates=tpl)


def test_metadata_is_cleaned_of_control_characters():
    class Meta:
        def __init__(self) -> None:
            self.title = "甲企业\n有限公司\r\x00报告"
            self.authors = ["张三\t李四"]
            self.keywords = ["数字化\n成熟度"]
            self.description = "\x1b[31m描述"

    m = Meta()
    clean_metadata(m)
    assert m.title == "甲企业 有限公司 报告"
    assert m.authors == ["张三 李四"] and m.keywords == ["数字化 成熟度"] and m.description == "[31m描述"
    assert clean_text("  a\u2028b  ") == "a b"


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
@pytest.mark.slow
def test_newline_in_enterprise_name_does_not_reach_the_pdf_title(tmp_path):
    data = yaml.safe_load(example_path().read_text(encoding="utf-8"))
    data["enterprise"]["name"] = "换行\n测试企业"
    p = tmp_path / "a.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "r.pdf"
    render_report(pipeline.evaluate_file(p), out)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    title = next(line for line in info.splitlines() if line.startswith("Title:"))
    assert "换行 测试企业" in title


# ---- report output on a failing disk -------------------------------------------------------------
@pytest.mark.parametrize(
    "code,word", [(errno.ENOSPC, "磁盘已满"), (errno.EROFS, "只读"), (errno.EACCES, "没有写入权限")]
)
def test_report_write_failure_is_a_clean_error_and_leaves_nothing(
    tmp_path, monkeypatch, example_assessment, code, word
):
    from maturity.report import pdf

    out = tmp_path / "r.pdf"
    out.write_bytes(b"old report")

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    # the disk fails at the final rename; what is rendered does not matter here (the PDF itself is checked
    # in test_report.py), so the one-second layout is left out
    monkeypatch.setattr(pdf, "html_to_pdf", lambda *a, **k: pdf.PdfResult(b"%PDF-1.7 new report", 1, [], []))
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OutputError, match=word) as e:
        render_report(example_assessment, out, force=True)
    assert str(out) in e.value.message and e.value.hint
    assert out.read_bytes() == b"old report"  # nothing already written is damaged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]  # the temp file is gone


def test_report_to_a_folder_path_is_a_clean_cli_error(tmp_path, cli, monkeypatch):
    """Said before the render starts: nothing is laid out for an output that cannot be written."""
    from maturity.report import pdf

    def no_render(*a, **k):
        raise AssertionError("rendered although the output is a folder")

    monkeypatch.setattr(pdf, "html_to_pdf", no_render)
    (tmp_path / "r.pdf").mkdir()
    res = cli("report", example_path(), "-o", tmp_path / "r.pdf", "--force")
    assert res.exit_code == 1
    assert "是一个文件夹" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("where", ["file-as-folder", "read-only-folder"])
def test_an_output_that_cannot_be_written_is_refused_before_the_render(tmp_path, monkeypatch, where):
    from maturity.errors import OutputError
    from maturity.pipeline import evaluate_file, write_report
    from maturity.report import pdf

    def no_render(*a, **k):
        raise AssertionError("rendered although the output cannot be written")

    monkeypatch.setattr(pdf, "html_to_pdf", no_render)
    if where == "file-as-folder":
        (tmp_path / "报告").write_text("a file", encoding="utf-8")
        out, word = tmp_path / "报告" / "2026" / "r.pdf", "是文件而不是文件夹"
    else:
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode)
        )
        out, word = tmp_path / "r.pdf", "没有写入权限"
    with pytest.raises(OutputError, match=word):
        write_report(evaluate_file(example_path()), out)
    assert not out.exists()
