"""Small helpers shared by the benchmark scripts (timing, RSS, synthetic answers)."""

from __future__ import annotations

import random
import resource
import statistics
import subprocess
import sys
import time
from typing import Any


def median_time(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def command_times(cmd: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out.append(time.perf_counter() - t)
    return out


def peak_rss_mb() -> float:
    """Peak RSS of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_answers(questionnaire, n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Plausible random answer documents (dicts, as read from YAML) for a questionnaire."""
    rng = random.Random(seed)
    subs = [s.id for s in questionnaire.sub_sectors] or ["x"]
    docs = []
    for i in range(n):
        answers: dict[str, Any] = {}
        for x in questionnaire.questions:
            opts = questionnaire.options_of(x)
            if x.kind in ("single", "yesno"):
                answers[x.id] = rng.choice(opts).value
            elif x.kind == "multi":
                normal = [o.value for o in opts if not o.exclusive]
                answers[x.id] = rng.sample(normal, rng.randint(1, len(normal)))
            elif x.kind == "number":
                answers[x.id] = round(rng.uniform(x.min or 0, x.max or 100), 1)
        docs.append({
            "questionnaire": questionnaire.id, "questionnaire_version": questionnaire.version,
            "enterprise": {"name": f"企业{i:05d}", "sub_sector": rng.choice(subs)}, "answers": answers,
        })
    return docs


def row(name: str, value: str, baseline: str, ratio: str, target: str, ok: bool | None) -> tuple:
    verdict = "—" if ok is None else ("达标" if ok else "未达标")
    return (name, value, baseline, ratio, target, verdict)


def print_table(title: str, rows: list[tuple]) -> None:
    print(f"\n## {title}")
    print("| 指标 | 数值 | 基线（同次测得） | 比值 | 目标 | 结论 |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    sys.stdout.flush()
