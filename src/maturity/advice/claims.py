"""docs/catalog-claims.md: every solution's claimed answers (``improves``) beside the full option text, so a
reviewer can check that each claim is what the deployed solution truthfully makes true.

Regenerate: ``python -m maturity.advice.claims > docs/catalog-claims.md`` (tests/test_generated_files.py checks).
"""

from __future__ import annotations

from maturity.engine.normalize import answer_text, normalize
from maturity.models.catalog import Catalog
from maturity.models.questionnaire import Questionnaire

_TYPES = {"discrete": "离散型", "process": "流程型"}


def claims_markdown(q: Questionnaire, catalog: Catalog) -> str:
    lines = [
        f"# 方案目录声明的改进答案（{catalog.title} {catalog.version}）",
        "",
        "每个方案的 improves：方案落地并用起来后，企业可以如实改选的答案。路线图按这些答案重新评分，预测每阶段后的等级"
        "和全国评测估算。请逐条核对：方案的“实际变化”是否做到了选项全文所说的内容。",
        "",
        "生成：`python -m maturity.advice.claims > docs/catalog-claims.md`。",
        "",
    ]
    qmap = q.question_map
    for s in catalog.solutions:
        tags = [t for t, on in (("制度建设，不是数字化改造", s.paperwork),) if on]
        lines += [
            f"## {s.title}（{s.id}）" + (f" · {'；'.join(tags)}" if tags else ""),
            "",
            f"实际变化：{' '.join(s.changes.split())}",
            "",
            *(
                line
                for sub, text in s.changes_for.items()
                for line in (f"实际变化（{q.sub_sector_map[sub].name}）：{' '.join(text.split())}", "")
            ),
            f"参考费用 {s.cost.min:g}–{s.cost.max:g} 万元；适用：{'、'.join(_TYPES.get(t, t) for t in s.industry_types)}"
            + (f"；前置：{'、'.join(s.prerequisites)}" if s.prerequisites else ""),
            "",
            "| 题号 | 题目 | 声明的答案（选项全文） |",
            "|---|---|---|",
        ]
        for qid, raw in s.improves.items():
            x = qmap[qid]
            text = answer_text(q, x, normalize(q, x, raw)).replace("|", "｜")
            lines.append(f"| {qid} | {x.text.replace('|', '｜')} | {text} |")
        lines += ["", "KPI：" + "；".join(f"{k.metric}：{k.target}" for k in s.kpis), ""]
    return "\n".join(lines)


def main() -> None:  # pragma: no cover - a developer's command
    import sys

    from maturity.load import bundled

    catalog = bundled.catalog("light-industry")
    assert catalog is not None
    sys.stdout.write(claims_markdown(bundled.scheme("light-industry").questionnaire, catalog))


if __name__ == "__main__":  # pragma: no cover
    main()
