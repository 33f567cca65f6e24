"""A batch sheet made from a 1.x template (no 2.0.0 columns) is refused as a whole, saying why and what to do."""

from __future__ import annotations

import csv
import io

from maturity.batch import sheet
from maturity.load import bundled


def _old_template_csv() -> bytes:
    q = bundled.bundled_questionnaire("light-industry")
    text = sheet.csv_template(q).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    keep = [i for i, h in enumerate(rows[0]) if not h.startswith("AI-")]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    for r in rows:
        w.writerow([r[i] for i in keep if i < len(r)])
    return out.getvalue().encode("utf-8-sig")


def test_old_template_is_refused_with_the_new_columns_named(tmp_path, cli):
    path = tmp_path / "old.csv"
    path.write_bytes(_old_template_csv())
    res = cli("batch", path, "-o", tmp_path / "out", "--jobs", "1", "--no-recommend")
    assert res.exit_code != 0
    said = " ".join(res.output.split())
    assert "AI-01" in said and "旧版" in said and "maturity template" in said
    assert "Traceback" not in res.output
