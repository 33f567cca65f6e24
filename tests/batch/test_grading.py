"""The batch summary's estimated national grade and its 临界 flag say what the firm's PDF says."""

from __future__ import annotations

import pytest

from maturity import pipeline
from maturity.batch.grading import Grader
from maturity.resources import data_dir

EXAMPLES = sorted(data_dir("examples").glob("*-example.yaml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_summary_grade_and_borderline_equal_the_reports(example):
    ev = pipeline.evaluate_file(example)
    assert ev.grade is not None
    row = Grader(ev.scheme).grade(ev.answers.enterprise, ev.scheme.summary(ev.answers, ev.normalized))
    assert row is not None
    assert row.label == ev.grade.grade.label
    assert row.score == pytest.approx(ev.grade.score, abs=0.1)
    assert row.borderline == ev.grade.borderline
