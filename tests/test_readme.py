"""The README's claims a newcomer checks first (issue 19 item 12): the quick start and the interview length."""

from __future__ import annotations

import re
from pathlib import Path

from maturity import api
from maturity.interview.session import Session
from maturity.resources import data_dir

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def default_path_estimate() -> tuple[int, int, float, float]:
    """(questions on the example firm's path, mean characters per screen, low and high estimate in minutes) at
    the README's stated pace: 400–500 characters a minute and 5–8 seconds per answer."""
    la = api.load_answers(data_dir("examples") / "furniture-example.yaml")
    q = la.scheme.questionnaire
    order = Session.from_answers_file(q, la.answers).order()
    chars = 0
    for qid in order:
        x = q.question_map[qid]
        chars += len(x.text) + len(x.help or "")
        if x.kind in ("single", "multi", "yesno"):
            chars += sum(len(o.label) + len(o.help or "") for o in q.options_of(x))
    low = (chars / 500 * 60 + 5 * len(order)) / 60
    high = (chars / 400 * 60 + 8 * len(order)) / 60
    return len(order), round(chars / len(order)), low, high


def test_interview_length_matches_the_default_path():
    n, per_screen, low, high = default_path_estimate()
    assert f"作答路径共 {n} 道题" in README
    assert f"平均约 {per_screen} 个字" in README
    assert f"约 {low:.0f}–{high:.0f} 分钟" in README
    claim = re.search(r"maturity assess\s+# 逐题问答，约 (\d+)–(\d+) 分钟", README)
    assert claim, "the command list states the interview length"
    assert int(claim[1]) <= round(low) + 3 and int(claim[2]) >= round(high) - 3


def test_quick_start_says_how_long_and_where_the_pdf_goes():
    quick = README[README.index("## 快速开始") : README.index("## 谁来用")]
    assert "约需 2 分钟" in quick and "当前文件夹" in quick and "诊断报告.pdf" in quick
    assert "maturity examples" in quick
