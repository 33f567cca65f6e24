"""Scoring throughput in-process vs parsing the same answers (targets: ≥ 20,000/s; ≤ 5× parse)."""

from __future__ import annotations

import time

import yaml
from _common import print_table, row, synthetic_answers

from maturity import api
from maturity.models.answers import AnswersFile


def main(n: int = 2000) -> list[tuple]:
    sch = api.scheme("light-industry")
    docs = synthetic_answers(sch.questionnaire, n)
    texts = [yaml.safe_dump(d, allow_unicode=True) for d in docs]

    t = time.perf_counter()
    parsed = [AnswersFile.model_validate(yaml.safe_load(tx)) for tx in texts]
    parse_s = time.perf_counter() - t

    t = time.perf_counter()
    normalized = [sch.normalize(a) for a in parsed]
    norm_s = time.perf_counter() - t

    t = time.perf_counter()
    for a, na in zip(parsed, normalized, strict=True):
        sch.quick(a, na)
    quick_s = time.perf_counter() - t

    t = time.perf_counter()
    for a, na in zip(parsed, normalized, strict=True):
        sch.assess(a, na)
    full_s = time.perf_counter() - t

    rows = [
        row(
            "评分（仅分数与等级，quick）",
            f"{n / quick_s:,.0f} 份/秒",
            "—",
            "—",
            "≥ 20,000 份/秒",
            n / quick_s >= 20000,
        ),
        row("评分（完整结果含解释，assess）", f"{n / full_s:,.0f} 份/秒", "—", "—", "—", None),
        row(
            "评分耗时 / 解析耗时（quick + 规范化）",
            f"{(quick_s + norm_s) * 1000 / n:.3f} ms/份",
            f"YAML 解析 + 模型校验：{parse_s * 1000 / n:.3f} ms/份",
            f"{(quick_s + norm_s) / parse_s:.2f}×",
            "≤ 5×",
            (quick_s + norm_s) / parse_s <= 5,
        ),
        row(
            "评分耗时 / 解析耗时（完整 assess + 规范化）",
            f"{(full_s + norm_s) * 1000 / n:.3f} ms/份",
            f"{parse_s * 1000 / n:.3f} ms/份",
            f"{(full_s + norm_s) / parse_s:.2f}×",
            "≤ 5×",
            (full_s + norm_s) / parse_s <= 5,
        ),
    ]
    return rows


if __name__ == "__main__":
    print_table("评分吞吐", main())
