"""Hostile spreadsheets are refused quickly and in bounded memory (issue 20, item 1).

Each file is generated here: small on disk, up to a GiB or more unzipped. The batch runs in a subprocess
whose address space and CPU time are capped with resource limits, so building the unzipped content (or
looping over it) would end the process by MemoryError or SIGXCPU instead of the clean refusal asserted.
``unchecked_directory`` switches off the zip-directory checks, as a file whose directory lies would, so
that the checks made while streaming are tested on their own.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from tests.batch.hostile import MiB, bomb, repeat, sheet, understate_size
from tests.shared import once, shared_dir

from maturity.batch import xlsx_rows, zip_limits

SHEET = "xl/worksheets/sheet1.xml"
AS_LIMIT = 768 * MiB  # a Python process with openpyxl needs ~300 MB of address space
CPU_SECONDS = 30


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run_batch(path: Path, out: Path, *, unchecked_directory: bool = False) -> subprocess.CompletedProcess:
    setup = (
        "import maturity.batch.zip_limits as z; z.MAX_RATIO = z.MAX_PART_BYTES = z.MAX_TOTAL_BYTES = 1 << 62; "
        if unchecked_directory
        else ""
    )
    code = setup + (
        "import sys; from maturity.cli import app; "
        f"sys.argv = ['maturity', 'batch', {str(path)!r}, '-o', {str(out)!r}, '-j', '1']; app()"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, preexec_fn=_limits, timeout=300
    )


def assert_refused(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    text = " ".join(proc.stderr.split()).replace("│", "").replace(" ", "")
    for w in words:
        assert w.replace(" ", "") in text, (w, proc.stderr)


def cell_bomb(path: Path, size: int = 1024 * MiB) -> Path:
    return bomb(
        path,
        SHEET,
        sheet([b'<row r="2"><c r="A2" t="inlineStr"><is><t>'], repeat(b"a", size), [b"</t></is></c></row>"]),
    )


@pytest.fixture(scope="session")
def shared_cell_bomb(tmp_path_factory) -> Path:
    """The 1 GiB cell bomb, built once per run (about 1.5 s of deflate) for the two tests below; read only."""
    d = shared_dir(tmp_path_factory, "hostile-xlsx")
    return once(d / "cell.xlsx", cell_bomb)


@pytest.mark.slow
def test_cell_bomb_refused_by_compression_ratio(tmp_path, shared_cell_bomb):
    path = shared_cell_bomb
    assert path.stat().st_size < 8 * MiB
    assert_refused(run_batch(path, tmp_path / "out"), "cell.xlsx", SHEET, "压缩比")


@pytest.mark.slow
def test_cell_bomb_refused_while_streaming(tmp_path, shared_cell_bomb):
    path = shared_cell_bomb
    assert_refused(
        run_batch(path, tmp_path / "out", unchecked_directory=True), "cell.xlsx", SHEET, "一段文字"
    )


@pytest.mark.slow
def test_shared_string_bomb_refused_before_openpyxl_reads_it(tmp_path):
    """A 1 GiB shared string: openpyxl would build it whole; the pre-check streams the part first."""
    sst = "xl/sharedStrings.xml"
    parts = (
        [
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><si><t>'
        ],
        repeat("企".encode(), 1024 * MiB),
        [b"</t></si></sst>"],
    )
    path = bomb(tmp_path / "sst.xlsx", sst, (p for part in parts for p in part))
    assert_refused(run_batch(path, tmp_path / "out", unchecked_directory=True), "sst.xlsx", sst)


@pytest.mark.slow
def test_whitespace_inside_sheet_data_refused(tmp_path):
    path = bomb(tmp_path / "blank.xlsx", SHEET, sheet(repeat(b" \n\t", 1024 * MiB)))
    assert_refused(run_batch(path, tmp_path / "out"), "blank.xlsx", SHEET)
    assert_refused(run_batch(path, tmp_path / "out", unchecked_directory=True), "blank.xlsx", SHEET, "空白")


@pytest.mark.slow
def test_lying_directory_does_not_bypass_the_limits(tmp_path):
    """The directory claims 1 KiB for a part that unzips to 64 MiB: reading stops at the claimed size."""
    path = cell_bomb(tmp_path / "liar.xlsx", 64 * MiB)
    understate_size(path, SHEET, 1024)
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(SHEET).file_size == 1024
    assert_refused(run_batch(path, tmp_path / "out"), "liar.xlsx")


@pytest.mark.slow
def test_one_row_of_endless_cells_refused(tmp_path):
    """Millions of empty cells in one row would become millions of elements before the row ends."""
    path = bomb(
        tmp_path / "wide.xlsx", SHEET, sheet([b'<row r="2">'], repeat(b"<c/>", 64 * MiB), [b"</row>"])
    )
    assert_refused(
        run_batch(path, tmp_path / "out", unchecked_directory=True), "wide.xlsx", "第 2 行附近有一行过大"
    )


@pytest.mark.slow
def test_elements_between_rows_do_not_accumulate(tmp_path, cli, monkeypatch):
    """Junk between rows (250,000 elements, an empty row after every 10,000) is dropped as it streams,
    instead of staying in the parsed tree: the run ends normally, and when the last row is read the process
    holds no more memory blocks than before the junk (a tree keeping the junk holds one or more per element)."""
    junk_elements = 250_000
    junk = repeat(b"<x/>" * 10_000 + b"<row/>", junk_elements * 4 + junk_elements // 10_000 * 6)
    path = bomb(
        tmp_path / "junk.xlsx",
        SHEET,
        sheet(junk, [b'<row r="2"><c r="A2" t="inlineStr"><is><t>Acme</t></is></c></row>']),
    )
    for name in ("MAX_RATIO", "MAX_PART_BYTES", "MAX_TOTAL_BYTES"):  # as unchecked_directory=True does
        monkeypatch.setattr(zip_limits, name, 1 << 62)
    blocks: list[int] = []  # allocated blocks each time the batch's row stream converts a row
    convert = xlsx_rows._RowReader.row

    def counting(self, el, n):
        blocks.append(sys.getallocatedblocks())
        return convert(self, el, n)

    monkeypatch.setattr(xlsx_rows._RowReader, "row", counting)
    r = cli("batch", path, "-o", tmp_path / "out", "-j", "1")
    assert r.exit_code == 4, r.output  # the one row is read (and lacks its answers)
    assert (tmp_path / "out" / "summary.xlsx").is_file()
    assert len(blocks) >= 2 + junk_elements // 10_000, (
        "the batch did not read the sheet through the row stream"
    )
    growth = max(blocks) - blocks[0]
    assert growth < junk_elements // 10, (
        f"{growth:,} more memory blocks held after {junk_elements:,} junk elements"
    )


# ---- the guard and the cell limit on their own (in process) ------------------------------------------
def test_guard_bounds_comments_and_refuses_doctype():
    g = zip_limits.Guard("p")
    g.check(b'<?xml version="1.0"?><a><!-- <b> > < -->')
    g.check(b"<![CDATA[ <> ]]></a>")
    g = zip_limits.Guard("p")
    g.check(b"<a><!-- <x>")
    with pytest.raises(zip_limits.Refused, match="注释或 CDATA"):
        for _ in range(20):
            g.check(b"<><>" * 16384)
    with pytest.raises(zip_limits.Refused, match="DOCTYPE"):
        zip_limits.Guard("p").check(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a/>')
    with pytest.raises(zip_limits.Refused, match="处理指令"):
        zip_limits.Guard("p").check(b"<a><?pi x?></a>")
    g = zip_limits.Guard("p")  # an opener cut between two chunks is still seen
    g.check(b"<a><!-")
    with pytest.raises(zip_limits.Refused, match="DOCTYPE"):
        g.check(b"x>")


def test_a_refused_workbook_leaves_no_folder_behind_and_touches_nothing_of_the_users(tmp_path, cli):
    path = bomb(tmp_path / "dtd.xlsx", SHEET, [b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a/>'])
    fresh = tmp_path / "fresh"
    r = cli("batch", path, "-o", fresh, "-j", "1")
    assert r.exit_code == 1 and "DOCTYPE" in r.stderr
    assert not fresh.exists()  # the folder the run would have made is not left behind, empty
    own = tmp_path / "own"  # a folder of the user's, with a file in it: kept as it was
    own.mkdir()
    (own / "说明.txt").write_text("我的文件", encoding="utf-8")
    r = cli("batch", path, "-o", own, "-j", "1")
    assert r.exit_code == 1
    assert sorted(p.name for p in own.iterdir()) == ["说明.txt"]
    assert (own / "说明.txt").read_text(encoding="utf-8") == "我的文件"


def test_text_longer_than_an_excel_cell_is_a_cell_error(tmp_path):
    from tests.batch.test_xlsx_rows import stream, write_raw_xlsx

    long = "长" * (zip_limits.MAX_CELL_CHARS + 1)
    path = tmp_path / "long.xlsx"
    write_raw_xlsx(
        path,
        HEADER_AND(
            f'<row r="2"><c r="A2" t="inlineStr"><is><t>{long}</t></is></c><c r="B2" t="s"><v>0</v></c></row>'
        ),
        [f"<t>{'短' * 10}{long}</t>"],
    )
    got = stream(path)
    assert got[2] == [xlsx_rows.BadCell(xlsx_rows.TOO_LONG), xlsx_rows.BadCell(xlsx_rows.TOO_LONG)]


def HEADER_AND(rows: str) -> str:
    from tests.batch.hostile import HEADER_ROW

    return HEADER_ROW + rows
