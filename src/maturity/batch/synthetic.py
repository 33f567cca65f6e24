"""Synthetic enterprises for demos, tests and benchmarks.

Filled answer sheets as a consultant's team would type them, generated from the questionnaire, and plain
random answer documents (:func:`synthetic_answers`).

Used by the tests and the benchmarks. In a sheet row every value is what a person would type in the
sheet (option labels, "甲、乙" for multi-choice, plain numbers); ``expected`` holds the canonical answers
the tool must read back.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from maturity.batch.sheet import NA_LABEL, Column, applies, template_columns
from maturity.models.questionnaire import Questionnaire


@dataclass
class SynthRow:
    name: str
    sub_sector: str
    cells: dict[str, Any]  # header -> typed value
    expected: dict[str, Any] = field(default_factory=dict)  # qid -> canonical value, or ("na", justification)


_headers: tuple[Questionnaire, dict[tuple[str, str], str]] | None = None  # the last questionnaire's, reused


def _headers_of(q: Questionnaire) -> dict[tuple[str, str], str]:
    """(kind, key) -> header of every template column; made once for a run of rows of the same questionnaire."""
    global _headers
    if _headers is None or _headers[0] is not q:
        _headers = (q, {(c.kind, c.key): c.header for c in template_columns(q)})
    return _headers[1]


def make_row(q: Questionnaire, rng: random.Random, i: int, *, na_rate: float = 0.1) -> SynthRow:
    sub = rng.choice(q.sub_sectors)
    size = rng.choice(q.size_bands) if q.size_bands else None
    name = f"测试企业{i:05d}（{sub.name}）"
    cells: dict[str, Any] = {"企业名称": name, "子行业": sub.name}
    if size is not None:
        cells["企业规模"] = size.name
    cells["所在地区"] = rng.choice(["江西省赣州市南康区", "浙江省宁波市", "广东省佛山市顺德区"])
    row = SynthRow(name, sub.id, cells)
    cols = _headers_of(q)
    for x in q.questions:
        if not applies(x, q, sub.id):
            continue
        header = cols[("question", x.id)]
        if x.allow_na and rng.random() < na_rate:
            just = f"理由{i}"
            cells[header] = NA_LABEL
            cells[cols[("justification", x.id)]] = just
            row.expected[x.id] = ("na", just)
            continue
        opts = q.options_of(x)
        if x.kind in ("single", "yesno"):
            o = rng.choice(opts)
            cells[header] = o.label
            row.expected[x.id] = o.value
        elif x.kind == "multi":
            plain = [o for o in opts if not o.exclusive]
            excl = [o for o in opts if o.exclusive]
            if excl and rng.random() < 0.15:
                chosen = [excl[0]]
            else:
                chosen = rng.sample(plain, k=rng.randint(1, min(3, len(plain))))
            cells[header] = "、".join(o.label for o in chosen)
            order = {o.value: k for k, o in enumerate(opts)}
            values = [
                o.value for o in chosen
            ]  # a ranked question keeps the order given (the owner's priorities)
            row.expected[x.id] = values if x.ranked else sorted(values, key=order.__getitem__)
        elif x.kind == "number":
            lo = x.min if x.min is not None else 0.0
            hi = x.max if x.max is not None else lo + 1000
            v = round(rng.uniform(lo, hi), 1)
            if rng.random() < 0.5:
                v = float(int(v))
            cells[header] = int(v) if v.is_integer() else v
            row.expected[x.id] = float(v)
        else:
            text = rng.choice(["已上线设备管理模块", "计划明年实施", "无"])
            cells[header] = text
            row.expected[x.id] = text
    return row


def headers(q: Questionnaire) -> list[Column]:
    return template_columns(q)


def fill_xlsx(template: bytes | str, rows: list[SynthRow], out: str) -> None:
    """Fill the template's 答卷 sheet with openpyxl (as a script would) and save to ``out``."""
    import io

    from openpyxl import load_workbook

    src = io.BytesIO(template) if isinstance(template, bytes) else template
    wb = load_workbook(src)
    ws = wb["答卷"]
    index = {c.value: c.column for c in ws[1] if c.value}
    for r, row in enumerate(rows, 2):
        for header, value in row.cells.items():
            ws.cell(row=r, column=index[header], value=value)
    wb.save(out)


def write_csv(q: Questionnaire, rows: list[SynthRow], encoding: str = "utf-8-sig") -> bytes:
    import csv
    import io

    cols = [c.header for c in template_columns(q)]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(cols)
    for row in rows:
        w.writerow(["" if row.cells.get(h) is None else row.cells[h] for h in cols])
    return buf.getvalue().encode(encoding)


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
        docs.append(_document(questionnaire, f"企业{i:05d}", rng.choice(subs), answers))
    return docs


def _document(
    questionnaire: Questionnaire, name: str, sub_sector: str, answers: dict[str, Any]
) -> dict[str, Any]:
    """An answers document (as an answers file holds it) of one synthetic firm."""
    return {
        "questionnaire": questionnaire.id,
        "questionnaire_version": questionnaire.version,
        "enterprise": {"name": name, "sub_sector": sub_sector},
        "answers": answers,
    }


def _latent_position(rng: random.Random, theta: float, n: int, spread: float) -> int:
    """An option index in 0..n-1 around ``theta`` (0 = worst, 1 = best), with Gaussian noise."""
    pos = theta * (n - 1) + rng.gauss(0.0, spread * (n - 1))
    return max(0, min(n - 1, round(pos)))


def latent_answers(
    questionnaire: Questionnaire,
    thetas: list[float],
    seed: int = 7,
    *,
    spread: float = 0.18,
    prefix: str = "企业",
) -> list[dict[str, Any]]:
    """Answer documents of firms with a latent maturity ``theta`` in [0, 1] each.

    Unlike :func:`synthetic_answers` (every option equally likely), the answers of one firm hang together: each
    scored question is answered around the same relative position of its option list (``theta`` × the number of
    steps, plus noise of ``spread`` steps per step), a multi-choice option is ticked with probability ``theta``
    (noisy), and a number falls into the band at that position. Used to see how a ladder spreads a population
    (scripts/ladder_calibration.py) and by the ladder tests.
    """
    rng = random.Random(seed)
    subs = [s.id for s in questionnaire.sub_sectors] or ["x"]
    docs = []
    for i, theta in enumerate(thetas):
        answers: dict[str, Any] = {}
        for x in questionnaire.questions:
            opts = questionnaire.options_of(x)
            if x.kind in ("single", "yesno"):
                if not x.scored:
                    answers[x.id] = opts[0].value
                    continue
                ranked = sorted(range(len(opts)), key=lambda k: (opts[k].score, k))
                answers[x.id] = opts[ranked[_latent_position(rng, theta, len(opts), spread)]].value
            elif x.kind == "multi":
                normal = [o.value for o in opts if not o.exclusive]
                excl = [o.value for o in opts if o.exclusive]
                p = max(0.0, min(1.0, theta + rng.gauss(0.0, spread)))
                chosen = [v for v in normal if rng.random() < p]
                if not x.scored:
                    chosen = chosen[:3]
                answers[x.id] = chosen or (excl[:1] if excl else normal[:1])
            elif x.kind == "number" and x.bands:
                k = _latent_position(rng, theta, len(x.bands), spread)
                lo = x.bands[k - 1].max if k > 0 else (x.min or 0.0)
                hi = x.bands[k].max
                if x.max is not None:
                    hi = min(hi, x.max)
                answers[x.id] = round(max(lo, hi - rng.uniform(0.0, (hi - lo) * 0.8)), 1)
            elif x.kind == "number":
                answers[x.id] = round(rng.uniform(x.min or 0, x.max or 100), 1)
        docs.append(_document(questionnaire, f"{prefix}{i:05d}", rng.choice(subs), answers))
    return docs
