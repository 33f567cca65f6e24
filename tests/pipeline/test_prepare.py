"""The background warm-up of the interview: loading ahead must never change or break what the end shows."""

from __future__ import annotations

import threading

import pytest

from maturity import pipeline
from maturity.errors import InputError, RenderError
from maturity.load import bundled
from maturity.resources import example_path


def test_two_threads_loading_at_once_share_one_scheme():
    """The interview's warm-up thread and the main thread may ask for the same bundled data at the same
    moment; both get the one object (no second, silently different copy)."""
    bundled.scheme.cache_clear()
    bundled.bundled_questionnaire.cache_clear()
    got: list[object] = []
    start = threading.Barrier(2)

    def load() -> None:
        start.wait()
        got.append(bundled.scheme("light-industry"))

    threads = [threading.Thread(target=load) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 2 and got[0] is got[1]
    assert got[0] is bundled.scheme("light-industry")


def test_prepare_never_raises_and_the_render_still_reports_the_problem(tmp_path):
    """A warm-up is best effort: an unknown questionnaire or a missing template folder is left to the real
    evaluation or render, which names it."""
    pipeline.prepare("no-such-questionnaire", report=True, templates=tmp_path / "missing")
    with pytest.raises(InputError):
        bundled.scheme("no-such-questionnaire")
    ev = pipeline.evaluate_file(example_path())
    with pytest.raises(RenderError, match="模板文件夹不存在"):
        pipeline.write_report(ev, tmp_path / "r.pdf", templates=tmp_path / "missing")
    assert not (tmp_path / "r.pdf").exists()
