"""Consultant batch commands: `maturity template` and `maturity batch`.

Exit status of `maturity batch`: 0 all rows scored; 4 some rows (or files, or reports) failed — everything
else was still processed and the failures are listed in summary.xlsx (未通过); 1 the input could not be
read at all or the output folder is not usable; 2 a usage error (typer).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from maturity.cli import app
from maturity.cli.console import err, user_errors
from maturity.cli.options import APPENDIX_HELP

EXIT_ROWS_FAILED = 4


class SheetFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"


@app.command(rich_help_panel="批量评估（咨询顾问）")
@user_errors
def template(
    format: SheetFormat = typer.Option(
        SheetFormat.xlsx, "--format", "-f", help="模板格式：xlsx（含下拉选项和范围检查）或 csv。"
    ),
    questionnaire: str = typer.Option(
        None,
        "--questionnaire",
        "-q",
        show_default=False,
        help="问卷编号（默认 light-industry；可用 maturity questionnaires 查看）。",
    ),
    sub_sector: str = typer.Option(
        None,
        "--sub-sector",
        show_default=False,
        help="只包含适用于该子行业的题目（子行业编号，如 furniture）；默认包含全部题目。",
    ),
    output: Path = typer.Option(
        None, "--output", "-o", show_default=False, help="输出文件；默认 答卷模板-<问卷>.<格式>。"
    ),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件。"),
) -> None:
    """生成批量答卷模板：每家企业一行，可在 Excel、WPS 或 LibreOffice 中填写后用 maturity batch 评分。"""
    from maturity.batch.sheet import write_template
    from maturity.errors import InputError
    from maturity.load import bundled

    qid = questionnaire or bundled.DEFAULT_QUESTIONNAIRE
    q = bundled.scheme(qid).questionnaire
    if sub_sector is not None and sub_sector not in q.sub_sector_map:
        raise InputError(
            f"问卷 {q.id} 中没有子行业 {sub_sector}；可选："
            + "、".join(f"{s.id}（{s.name}）" for s in q.sub_sectors)
        )
    path = output or Path(f"答卷模板-{q.id}.{format.value}")
    write_template(path, q, format.value, sub_sector, force=force)
    err.print(f"已写入 {path}（问卷 {q.id} {q.version}）", markup=False)


@app.command(rich_help_panel="批量评估（咨询顾问）")
@user_errors
def batch(
    input: Path = typer.Argument(
        ..., show_default=False, help="填好的答卷：xlsx、csv（UTF-8 或 GB18030），或包含答卷文件的文件夹。"
    ),
    output: Path = typer.Option(..., "--output", "-o", show_default=False, help="输出文件夹。"),
    jobs: int = typer.Option(
        None, "--jobs", "-j", min=1, show_default=False, help="并行进程数（默认为 CPU 核数）。"
    ),
    questionnaire: str = typer.Option(
        None,
        "--questionnaire",
        "-q",
        show_default=False,
        help="问卷编号；默认取模板中记录的问卷，否则为 light-industry。",
    ),
    pdf: bool = typer.Option(False, "--pdf", help="同时为每家企业生成 PDF 诊断报告（含“同行对比”）。"),
    appendix: bool = typer.Option(False, "--appendix", help="与 --pdf 一起用：" + APPENDIX_HELP),
    recommend: bool = typer.Option(
        True,
        "--recommend/--no-recommend",
        help="汇总表列出每家企业的前三项“小快轻准”建议（与 maturity plan 的排序一致，"
        "每家约 1 毫秒）；--no-recommend 改列升级差距，用时约为默认的六至七成。",
    ),
    resume: bool = typer.Option(False, "--resume", help="继续上次中断的处理：跳过输出文件夹中已完成的企业。"),
    force: bool = typer.Option(False, "--force", help="输出文件夹已有结果时，重新处理全部企业并覆盖。"),
    cluster: str = typer.Option(
        None,
        "--cluster",
        envvar="DASK_SCHEDULER_ADDRESS",
        show_default=False,
        show_envvar=True,
        help="在 Dask 集群上评分和生成报告：调度器地址 tcp://主机:8786（多台机器，输出文件夹须在"
        "各机器路径相同的共享目录上），或 local[:N]（本机 N 个工作进程）。"
        "需安装 maturity[cluster]；见 docs/batch.md。",
    ),
    previous: Path = typer.Option(
        None,
        "--previous",
        show_default=False,
        help="上一轮 maturity batch 的输出文件夹：汇总表增加“较上轮”一列和“进展”表。",
    ),
    cohort_pdf: bool = typer.Option(
        False, "--cohort-pdf", help="同时生成项目概览报告 cohort.pdf（见 maturity cohort）。"
    ),
) -> None:
    """批量评分：读取多家企业的答卷，输出汇总表（含未通过清单和同行对比）和每家企业的答卷文件。

    有任何行未通过时退出码为 4（其余企业照常评分，未通过的行及原因见 summary.xlsx 的“未通过”表）。
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from maturity.batch.runner import run_batch
    from maturity.errors import InputError

    if resume and force:
        raise InputError("--resume 与 --force 不能同时使用")
    if cluster and jobs is not None:
        raise InputError(
            "--jobs 与 --cluster 不能同时使用：集群的并行度由各台机器上 dask worker 的 --nworkers 决定",
            hint="去掉 --jobs；若是环境变量 DASK_SCHEDULER_ADDRESS 带来的集群，而本次要在本机运行，"
            "请先 unset DASK_SCHEDULER_ADDRESS。",
        )
    labels = {"score": "评分", "pdf": "生成报告", "summary": "写汇总表", "cohort": "项目概览报告"}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("已用"),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
        console=getattr(err, "real", err),
        transient=False,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
            t = tasks[stage]
            if total is not None and done > total:
                total = done
            bar.update(t, completed=done, total=total)

        result = run_batch(
            input,
            output,
            questionnaire=questionnaire,
            jobs=jobs,
            resume=resume,
            force=force,
            pdf=pdf,
            recommend=recommend,
            progress=progress,
            appendix=appendix,
            cluster=cluster or None,
            previous=previous,
            cohort_pdf=cohort_pdf,
        )
        for t in tasks.values():
            task = bar.tasks[t]
            if task.total is None or task.completed < task.total:
                bar.update(t, total=task.completed or 1, completed=task.completed or 1)

    err.print(
        f"问卷 {result.questionnaire} {result.version}：评分 [bold]{result.scored}[/] 家"
        + (f"，沿用上次结果 {result.resumed} 家" if result.resumed else "")
        + (f"，生成报告 {result.pdfs} 份" if pdf else "")
        + f"，用时 {result.elapsed:.1f} 秒。"
    )
    err.print(f"汇总表：{result.summary_xlsx}、{result.summary_csv}", markup=False)
    if result.cohort_pdf:
        err.print(f"项目概览报告：{result.cohort_pdf}", markup=False)
    for note in result.notes:
        err.print(note, style="dim", markup=False)
    if result.failed:
        from rich.table import Table
        from rich.text import Text

        rows = [
            (r.source, "" if r.row is None else str(r.row), e.column, e.reason)
            for r in result.rejects
            for e in r.errors
        ]
        table = Table(
            title=f"[bold red]未通过[/]：{result.rejected_rows} 行"
            + (f"，{result.unreadable_files} 个文件无法读取" if result.unreadable_files else "")
            + (f"，{result.pdf_failed} 份报告生成失败" if result.pdf_failed else ""),
            title_justify="left",
        )
        for col in ("文件", "行", "列", "原因"):
            table.add_column(col, overflow="fold")
        from maturity.cli.cjkwrap import prose

        for source, row, column, reason in rows[:20]:  # names and quoted cell values are text, never markup
            table.add_row(Text(source), row, Text(column), prose(reason))
        err.print(table)
        if len(rows) > 20:
            err.print(f"……另有 {len(rows) - 20} 条，完整清单见 summary.xlsx 的“未通过”表。")
        raise typer.Exit(EXIT_ROWS_FAILED)
