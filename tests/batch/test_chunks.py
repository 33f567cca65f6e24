"""How a batch cuts its rows into scoring tasks (runner.chunk_size)."""

from __future__ import annotations

from maturity.batch.runner import MIN_CHUNK, chunk_size


def plan(total: int, full: int, slots: int, known: bool = True) -> list[int]:
    """The task sizes a batch of ``total`` rows is cut into (as the runner reads it)."""
    sizes, sent = [], 0
    while sent < total:
        size = min(chunk_size(full, slots, sent, total if known else None), total - sent)
        sizes.append(size)
        sent += size
    return sizes


def test_every_worker_starts_after_a_few_rows_then_tasks_grow_to_full():
    sizes = plan(10_000, 200, 2)
    assert sizes[0] == sizes[1] == MIN_CHUNK  # not 200 rows read before the second worker has anything
    ramp = sizes[: sizes.index(200)]
    assert ramp == sorted(ramp) and len(ramp) < 15
    assert max(sizes) == 200 and sum(sizes) == 10_000


def test_the_last_tasks_shrink_so_workers_finish_together():
    sizes = plan(10_000, 200, 2)
    tail = sizes[-6:]
    assert tail == sorted(tail, reverse=True) and tail[-1] <= MIN_CHUNK
    assert len(sizes) < 10_000 / 200 + 40  # still a few hundred rows per task over most of the input


def test_unknown_length_no_taper_and_small_chunks_respected():
    assert plan(1000, 200, 2, known=False)[-2] == 200
    assert set(plan(50, 2, 2)) == {2}  # a tiny configured chunk (tests) is kept
    assert chunk_size(32, 4, 5_000, 100) == MIN_CHUNK  # an estimate short of the real count
