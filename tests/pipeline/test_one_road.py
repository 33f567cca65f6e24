"""One road from answers to PDF: every command hands out the same report, and no command wires the chain."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from maturity.resources import example_path

SRC = Path(__file__).resolve().parents[2] / "src" / "maturity"
RENDERING = {"render_report", "build_context", "build_html", "html_to_pdf"}
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _text(pdf: Path) -> str:
    return re.sub(
        r"\s+",
        "",
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout,
    )


def _sections(flat: str) -> dict[str, bool]:
    return {
        "cover date": "评估日期2026年3月10日" in flat,
        "cover assessor": "评估人示例数字专员" in flat,
        "cover mode": "评估方式现场评估" in flat,
        "national grade": "全国中小企业数字化水平评测对照（估算）" in flat,
        "roadmap": "提升路线图" in flat and "因为：" in flat,
        "peer": "同行对比" in flat and "对比组" in flat,
    }


@pytest.mark.slow
@needs_poppler
def test_report_assess_and_batch_hand_out_the_same_report(cli, tmp_path):
    answers = tmp_path / "企业.yaml"
    shutil.copy(example_path(), answers)

    assert cli("report", answers, "-o", tmp_path / "report.pdf").exit_code == 0

    resumed = tmp_path / "resumed.yaml"
    shutil.copy(example_path(), resumed)
    res = cli(
        "assess", "--interactive", "--resume", resumed, "--pdf", tmp_path / "assess.pdf", input="\n\n\n"
    )
    assert res.exit_code == 0, res.output

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(example_path(), folder / "a.yaml")  # a batch is a cohort, even of one
    from maturity.batch.runner import run_batch

    result = run_batch(folder, tmp_path / "out", jobs=1, pdf=True)
    assert result.pdfs == 1 and not result.failed
    batch_pdf = next((tmp_path / "out" / "reports").glob("赣州市南康区示例家具有限公司*.pdf"))

    single, interview, batch = (
        _sections(_text(p)) for p in (tmp_path / "report.pdf", tmp_path / "assess.pdf", batch_pdf)
    )
    expected = {k: True for k in single} | {"peer": False}
    assert single == expected, single
    assert interview == expected, interview
    assert batch == expected | {"peer": True}, batch


def _imports(path: Path) -> set[str]:
    """Every name a module imports, as 'module' and 'module.name'."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("package", ["cli", "batch"])
def test_commands_render_only_through_the_pipeline(package):
    for path in sorted((SRC / package).rglob("*.py")):
        used = {
            n for n in _imports(path) if n.startswith("maturity.report") and n.rsplit(".", 1)[-1] in RENDERING
        }
        assert not used, (
            f"{path.relative_to(SRC)} renders directly ({', '.join(sorted(used))}); call maturity.pipeline"
        )


def test_report_layer_imports_nothing_above_it():
    above = ("maturity.api", "maturity.pipeline", "maturity.cli", "maturity.batch", "maturity.interview")
    for path in sorted((SRC / "report").rglob("*.py")):
        bad = {n for n in _imports(path) if n.startswith(above)}
        assert not bad, f"report/{path.name} imports {sorted(bad)}"


def test_domain_code_is_free_of_the_terminal_and_the_pdf_engine():
    for package in ("models", "load", "engine", "advice", "interview"):
        for path in sorted((SRC / package).rglob("*.py")):
            bad = {n for n in _imports(path) if n.split(".")[0] in ("typer", "rich", "weasyprint")}
            assert not bad, f"{package}/{path.name} imports {sorted(bad)}"


def test_cli_modules_import_no_circle():
    graph: dict[str, set[str]] = {}
    for path in (SRC / "cli").glob("*.py"):
        mod = f"maturity.cli.{path.stem}" if path.stem != "__init__" else "maturity.cli"
        graph[mod] = {
            n for n in _imports(path) if n in {f"maturity.cli.{p.stem}" for p in (SRC / "cli").glob("*.py")}
        }
        graph[mod] |= {
            n.rsplit(".", 1)[0]
            for n in _imports(path)
            if n.rsplit(".", 1)[0].startswith("maturity.cli.")
            and n.rsplit(".", 1)[0] in {f"maturity.cli.{p.stem}" for p in (SRC / "cli").glob("*.py")}
        }
    graph.pop("maturity.cli", None)  # the package registers its command modules; they import only its `app`
    for deps in graph.values():
        deps.discard("maturity.cli")

    def visit(node: str, trail: tuple[str, ...]) -> None:
        assert node not in trail, f"import circle: {' -> '.join((*trail, node))}"
        for nxt in graph.get(node, ()):
            visit(nxt, (*trail, node))

    for mod in graph:
        visit(mod, ())


def test_a_file_and_a_batch_row_leave_the_same_questions_unanswered(tmp_path):
    """Left blank: a question of the firm's own trade and one its earlier answer opens (the interview would have
    asked both). `score` names them and counts them 0; a batch refuses the row; both roads name the same ones."""
    import yaml

    from maturity.batch.runner import run_batch
    from maturity.load import bundled
    from maturity.load.answers import load_answers

    data = yaml.safe_load(example_path().read_text("utf-8"))
    q = bundled.scheme(data["questionnaire"]).questionnaire
    ent = data["enterprise"]
    itype = q.industry_type_of(ent["sub_sector"], ent.get("industry_type"))
    trade = next(
        x
        for x in q.questions
        if x.required
        and x.applies_to
        and x.applies_to.sub_sectors
        and x.applies_to.admits(itype, ent["sub_sector"])
        if x.id in data["answers"]
    )
    opened = next(x for x in q.questions if x.required and x.show_if is not None and x.id in data["answers"])
    for x in (trade, opened):
        del data["answers"][x.id]
    folder = tmp_path / "in"
    folder.mkdir()
    answers = folder / "firm.yaml"
    answers.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")

    loaded = load_answers(answers)
    named = {w.value for w in loaded.warnings if "未作答" in w.message}
    assert named == {trade.id, opened.id}
    assert all(w.severity == "warning" for w in loaded.warnings)

    res = run_batch(folder, tmp_path / "out", jobs=1, recommend=False)
    assert res.scored == 0 and len(res.rejects) == 1
    refused = {re.search(r"必答题 (\S+) 未作答", e.reason).group(1) for e in res.rejects[0].errors}
    assert refused == named
