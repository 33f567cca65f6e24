"""Figures for the report as inline SVG strings, generated in code (no plotting library).

Every ``<svg>`` root carries ``font-family`` itself: inline SVG text does not inherit the HTML font in
WeasyPrint and would otherwise fall back to a different (Japanese-form) face. All text is XML-escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from maturity.report.fonts import FAMILY

INK = "#1f2d3d"
MUTED = "#7a8794"
GRID = "#d5dbe1"
ACCENT = "#1f5fa8"
ACCENT_FILL = "#1f5fa8"
PREV = "#c0772b"
PEER = "#4c9a6a"


def _e(text: str) -> str:
    return escape(str(text), quote=True)


def _n(x: float) -> str:
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


@dataclass(frozen=True)
class RadarAxis:
    label: str
    score: float
    previous: float | None = None
    peer: float | None = None


def _svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" font-family="{FAMILY}" role="img" aria-label="{_e(title)}">'
    )


def radar_svg(
    axes: list[RadarAxis], *, title: str = "各维度得分雷达图", width: int = 520, height: int = 380
) -> str:
    """A radar (spider) chart of 0–100 scores, with optional previous and peer series."""
    n = len(axes)
    if n < 3:
        return ""
    cx, cy = width / 2, height / 2 + 4
    r = min(width, height) / 2 - 62
    parts = [_svg_open(width, height, title)]

    def point(i: int, value: float) -> tuple[float, float]:
        ang = -math.pi / 2 + 2 * math.pi * i / n
        k = max(0.0, min(100.0, value)) / 100 * r
        return cx + k * math.cos(ang), cy + k * math.sin(ang)

    for ring in (20, 40, 60, 80, 100):
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in (point(i, ring) for i in range(n)))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="{GRID}" stroke-width="0.8"/>')
        x, y = point(0, ring)
        parts.append(f'<text x="{_n(x + 3)}" y="{_n(y + 3)}" font-size="8" fill="{MUTED}">{ring}</text>')
    for i in range(n):
        x, y = point(i, 100)
        parts.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke="{GRID}" stroke-width="0.8"/>'
        )

    def series(values: list[float], color: str, fill_opacity: float, dash: str = "") -> None:
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in (point(i, v) for i, v in enumerate(values)))
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polygon points="{pts}" fill="{color}" fill-opacity="{fill_opacity}" stroke="{color}" '
            f'stroke-width="1.6"{extra}/>'
        )

    legend: list[tuple[str, str, str]] = []
    if all(a.peer is not None for a in axes):
        series([a.peer or 0 for a in axes], PEER, 0.0, "2 2")
        legend.append(("同行中位数", PEER, "2 2"))
    if all(a.previous is not None for a in axes):
        series([a.previous or 0 for a in axes], PREV, 0.0, "5 3")
        legend.append(("上次评估", PREV, "5 3"))
    series([a.score for a in axes], ACCENT_FILL, 0.18)
    legend.insert(0, ("本次评估", ACCENT, ""))
    for i, a in enumerate(axes):
        x, y = point(i, a.score)
        parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.4" fill="{ACCENT}"/>')

    for i, a in enumerate(axes):
        ang = -math.pi / 2 + 2 * math.pi * i / n
        lx, ly = cx + (r + 14) * math.cos(ang), cy + (r + 14) * math.sin(ang)
        c = math.cos(ang)
        anchor = "middle" if abs(c) < 0.2 else ("start" if c > 0 else "end")
        dy = -6 if math.sin(ang) < -0.5 else (12 if math.sin(ang) > 0.5 else 0)
        parts.append(
            f'<text x="{_n(lx)}" y="{_n(ly + dy)}" font-size="11" fill="{INK}" '
            f'text-anchor="{anchor}">{_e(a.label)}</text>'
        )
        parts.append(
            f'<text x="{_n(lx)}" y="{_n(ly + dy + 12)}" font-size="9.5" fill="{MUTED}" '
            f'text-anchor="{anchor}">{_n(a.score)}</text>'
        )

    lx = 12
    for k, (name, color, dash) in enumerate(legend):
        y = height - 12 - 14 * (len(legend) - 1 - k)
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx}" y1="{y - 4}" x2="{lx + 18}" y2="{y - 4}" stroke="{color}" stroke-width="2"{extra}/>'
        )
        parts.append(f'<text x="{lx + 24}" y="{y}" font-size="9.5" fill="{INK}">{_e(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class LadderStep:
    label: str  # e.g. "L3"
    name: str  # e.g. "单项覆盖级"
    state: str  # "reached", "current", "next" or "future"


def ladder_svg(
    steps: list[LadderStep], *, title: str = "成熟度等级阶梯", width: int = 520, height: int = 200
) -> str:
    """A staircase of the levels, lowest first; the current level filled, the next one outlined."""
    n = len(steps)
    if n == 0:
        return ""
    left, right, top, bottom = 8, 8, 30, 40
    gap = 4
    w = (width - left - right - gap * (n - 1)) / n
    unit = (height - top - bottom) / n
    parts = [_svg_open(width, height, title)]
    base = height - bottom
    for i, s in enumerate(steps):
        x = left + i * (w + gap)
        h = unit * (i + 1)
        y = base - h
        if s.state == "current":
            fill, stroke, text_fill, dash = ACCENT, ACCENT, "#ffffff", ""
        elif s.state == "reached":
            fill, stroke, text_fill, dash = "#cfdcec", "#9db5d3", INK, ""
        elif s.state == "next":
            fill, stroke, text_fill, dash = "#ffffff", ACCENT, ACCENT, ' stroke-dasharray="4 2"'
        else:
            fill, stroke, text_fill, dash = "#f3f5f7", GRID, MUTED, ""
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="2" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1.2"{dash}/>'
        )
        parts.append(
            f'<text x="{_n(x + w / 2)}" y="{_n(y + 15)}" font-size="11" font-weight="bold" '
            f'fill="{text_fill}" text-anchor="middle">{_e(s.label)}</text>'
        )
        parts.append(
            f'<text x="{_n(x + w / 2)}" y="{_n(base + 14)}" font-size="9" fill="{INK}" '
            f'text-anchor="middle">{_e(s.name)}</text>'
        )
        marker = {"current": "当前", "next": "下一级"}.get(s.state)
        if marker:
            color = ACCENT
            parts.append(
                f'<text x="{_n(x + w / 2)}" y="{_n(y - 8)}" font-size="9.5" font-weight="bold" '
                f'fill="{color}" text-anchor="middle">{marker}</text>'
            )
    parts.append(
        f'<line x1="{left}" y1="{_n(base)}" x2="{width - right}" y2="{_n(base)}" stroke="{MUTED}" '
        f'stroke-width="0.8"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def bar_svg(value: float, *, width: int = 120, height: int = 8, color: str = ACCENT) -> str:
    """A tiny horizontal 0–100 bar for tables."""
    v = max(0.0, min(100.0, value))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" font-family="{FAMILY}"><rect x="0" y="0" width="{width}" height="{height}" '
        f'fill="#e8ecf0"/><rect x="0" y="0" width="{_n(width * v / 100)}" height="{height}" fill="{color}"/></svg>'
    )
