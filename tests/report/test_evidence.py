"""Evidence (佐证) recorded with an answer is kept through scoring and shown in the consultant's appendix."""

from __future__ import annotations

from pathlib import Path

from maturity import api, pipeline
from maturity.interview.store import answers_data

EXAMPLE = Path(__file__).parents[2] / "examples" / "furniture-example.yaml"


def test_evidence_reaches_the_results_the_appendix_and_the_saved_file():
    la = api.load_answers(EXAMPLE)
    assert la.answers.answers["DB-05"].evidence == "信息化现状清单2026.xlsx"
    ev = pipeline.evaluate(la)
    by_id = {x.id: x for x in ev.assessment.questions}
    assert by_id["DB-05"].evidence == "信息化现状清单2026.xlsx" and by_id["RD-01"].evidence == ""
    html = pipeline.report_html(ev, appendix=True)
    assert "佐证：信息化现状清单2026.xlsx" in html
    assert answers_data(la.answers)["answers"]["DB-05"]["evidence"] == "信息化现状清单2026.xlsx"
