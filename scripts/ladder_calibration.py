"""How the L1–L7+ ladder spreads a population of synthetic firms, beside the estimated MIIT 2024 grade.

    .venv/bin/python scripts/ladder_calibration.py                      # the bundled rules
    .venv/bin/python scripts/ladder_calibration.py --rules old.rules.yaml --n 3000

Firms are drawn with a latent maturity (see maturity.batch.synthetic.latent_answers) whose distribution is
chosen so that the *estimated national grade* of the population (the bundled crosswalk onto 《中小企业数字化水平
评测指标（2024年版）》) is roughly the published national structure used in docs/ladder.md. The script prints the
share of firms per level and the cross table level × estimated grade. Nothing is timed.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from maturity.batch.synthetic import latent_answers
from maturity.engine.crosswalk import derive_from_state
from maturity.engine.scoring import Scheme
from maturity.load import bundled, loader
from maturity.models.answers import AnswersFile

GRADES = ["G0", "G1", "G2", "G3", "G4"]
GRADE_NAMES = {"G0": "无等级", "G1": "一级", "G2": "二级", "G3": "三级", "G4": "四级"}


def thetas(n: int, seed: int) -> list[float]:
    """Latent maturity of a national-like SME population: most firms low, a thin top."""
    rng = random.Random(seed)
    return [rng.betavariate(1.4, 2.4) for _ in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", type=Path, help="rules file to compare (default: the bundled rules)")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()

    q = bundled.bundled_questionnaire("light-industry")
    rules = loader.load_rules(args.rules, q) if args.rules else bundled.scheme("light-industry").rules
    sch = Scheme(q, rules)
    national = bundled.scheme("miit-2024")
    cw = bundled.crosswalk("light-industry", "miit-2024")

    levels: Counter[str] = Counter()
    grades: Counter[str] = Counter()
    cross: Counter[tuple[str, str]] = Counter()
    for doc in latent_answers(q, thetas(args.n, args.seed), seed=args.seed):
        a = AnswersFile.model_validate(doc)
        summary = sch.summary(a)
        derived = derive_from_state(cw, summary.state, national.questionnaire, a.enterprise)
        grade = national.quick(derived.answers).level_id
        levels[summary.level.id] += 1
        grades[grade] += 1
        cross[(summary.level.id, grade)] += 1

    n = args.n
    print(f"rules: {args.rules or 'bundled'}  firms: {n}  seed: {args.seed}")
    print("estimated national grade: " + "  ".join(f"{GRADE_NAMES[g]} {grades[g] / n:.1%}" for g in GRADES))
    ids = [lv.id for lv in sch.levels]
    print("level:  " + "  ".join(f"{sch.level_label[i]} {levels[i] / n:.1%}" for i in ids))
    print("level \\ grade  " + "".join(f"{GRADE_NAMES[g]:>8}" for g in GRADES))
    for i in ids:
        print(f"{sch.level_label[i]:<14}" + "".join(f"{cross[(i, g)]:>9}" for g in GRADES))


if __name__ == "__main__":
    main()
