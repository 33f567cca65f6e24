"""`maturity assess` (the interactive interview) and `maturity compare`.

The interview reads plain lines with ``input()``, so it works in any terminal (Windows console,
SSH, tmux) and can be driven through stdin in tests. The logic lives in :mod:`maturity.interview`;
this module only prompts, prints and saves. Every confirmed answer is written atomically at once.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from maturity.cli import app
from maturity.cli.console import err, out, user_errors
from maturity.cli.options import APPENDIX_HELP
from maturity.cli.programme_profile import ask_programme_profile


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class _Quit(Exception):
    """The user asked to save and quit."""


# ---- terminal prompts -------------------------------------------------------------------------
class Terminal:
    """Line-based prompts; EOF and Ctrl-C propagate to the caller, who has already saved."""

    def __init__(self, msg: Any) -> None:
        # No readline on purpose: under a non-UTF-8 locale it mangles Chinese prompts and echo;
        # the terminal's own line editing (backspace, IUTF8) is enough for one answer per line.
        self.msg = msg

    def ask(self, prompt: str) -> str:
        out.file.flush()
        return input(prompt)

    def say(self, text: Any = "", style: str = "") -> None:
        from rich.text import Text

        out.print(text if not isinstance(text, str) else Text(text, style=style))

    def problem(self, text: str) -> None:
        from rich.text import Text

        out.print(Text("✗ " + text, style="red"))

    def choose(self, prompt: str, count: int, *, default: int | None = None, allow_empty: bool = False) -> int | None:
        """A number 1..count (None when empty input is allowed and given; then `q`/`b` mean the same:
        people type the interview's own commands at a list prompt too)."""
        import unicodedata

        while True:
            raw = unicodedata.normalize("NFKC", self.ask(prompt)).strip()
            if allow_empty and raw.lower() in ("q", "b"):
                return None
            if not raw:
                if default is not None:
                    return default
                if allow_empty:
                    return None
            elif raw.isdigit() and 1 <= int(raw) <= count:
                return int(raw)
            self.problem(self.msg("pick_number", lo=1, hi=count))


    def show_question(self, s: Any, qid: str, editing: bool) -> None:
        from rich.rule import Rule
        from rich.text import Text

        msg, q = self.msg, s.question(qid)
        order = s.order()
        dim = s.questionnaire.dimension_map[q.dimension].name
        key = "progress_review" if editing else "progress"
        out.print()
        out.print(Rule(Text(msg(key, n=order.index(qid) + 1, total=len(order), dimension=dim)), align="left",
                       style="blue"))
        title = Text(q.text, style="bold")
        title.append(f"  [{q.id}]", style="dim")
        out.print(title)
        if q.help:
            out.print(Text(q.help.strip(), style="dim"))
        if q.kind in ("single", "multi", "yesno"):
            for i, o in enumerate(s.questionnaire.options_of(q), 1):
                line = Text(f"  {i}. ", style="cyan")
                line.append(o.label)
                if o.help:
                    line.append(f"（{o.help}）", style="dim")
                out.print(line)
        if q.allow_na:
            out.print(Text("  " + msg("na_option"), style="cyan"))
        current = s.answer_text(qid)
        if current:
            out.print(Text(msg("current_answer", answer=current), style="green"))
        hint = {"single": msg("single_hint"), "yesno": msg("single_hint"), "multi": msg("multi_hint"),
                "text": msg("text_hint")}.get(q.kind)
        if q.kind == "number":
            lo = "" if q.min is None else f"{q.min:g}"
            hi = "" if q.max is None else f"{q.max:g}"
            rng = f"（{lo}–{hi}{(' ' + q.unit) if q.unit else ''}）" if (lo or hi) else (
                f"（{q.unit}）" if q.unit else "")
            hint = msg("number_hint", range=rng)
        parts = [hint or ""]
        if current:
            parts.append(msg("keep_hint"))
        parts.append(msg("commands"))
        out.print(Text(" · ".join(p for p in parts if p), style="dim"))

    def show_help(self, s: Any, qid: str, path: Path) -> None:
        from rich.text import Text

        q = s.question(qid)
        out.print(Text(self.msg("help", path=path), style="cyan"))
        sources = {x.id: x.title for x in s.questionnaire.sources}
        basis = f" · {q.basis}" if q.basis else ""
        out.print(Text(self.msg("source_line", source=sources.get(q.source, q.source), basis=basis), style="dim"))

    def show_review(self, s: Any) -> None:
        from rich.table import Table
        from rich.text import Text

        from maturity.engine.conditions import short

        msg = self.msg
        order = s.order()
        answered, total = s.progress()
        table = Table(title=msg("review_title", answered=answered, total=total), title_justify="left",
                      expand=False, show_edge=False, show_header=False)
        table.add_column("#", justify="right", style="cyan")
        table.add_column("", style="dim", no_wrap=True)
        table.add_column("", overflow="fold", max_width=40)
        table.add_column("", overflow="fold", max_width=40)
        for n, qid in enumerate(order, 1):
            q = s.question(qid)
            text = s.answer_text(qid)
            if not text and not q.scored:
                text = Text(msg("status_optional"), style="dim")
            elif not text:
                text = Text(msg("status_skipped") if qid in s.skipped else msg("status_unanswered"), style="yellow")
            table.add_row(str(n), qid, short(q.text, 40), text)
        out.print(table)


# ---- start: questionnaire, profile, file ------------------------------------------------------
def _choose_questionnaire(ui: Terminal) -> str:
    from maturity.load.bundled import DEFAULT_QUESTIONNAIRE, list_bundled

    bundled = list_bundled()
    ids = [b.id for b in bundled]
    default = ids.index(DEFAULT_QUESTIONNAIRE) + 1 if DEFAULT_QUESTIONNAIRE in ids else 1
    if len(bundled) == 1:
        return bundled[0].id
    for n, b in enumerate(bundled, 1):
        ui.say(ui.msg("q_item", n=n, title=b.title, id=b.id, count=b.questions))
    chosen = ui.choose(ui.msg("choose_questionnaire", default=default), len(bundled), default=default)
    assert chosen is not None
    return bundled[chosen - 1].id


def _numbered(items: list[str]) -> Any:
    from rich.text import Text

    width = len(str(len(items)))
    return Text("\n".join(f"{n:>{width}}. {item}" for n, item in enumerate(items, 1)))


def _ask_profile(ui: Terminal, questionnaire: Any) -> Any:
    import unicodedata

    from maturity.models.answers import Enterprise, clean_text, credit_code_problem

    msg = ui.msg
    ui.say()
    ui.say(msg("profile_title"), style="bold")
    while True:
        name = clean_text(ui.ask(msg("ask_name")))
        if not name:
            ui.problem(msg("name_required"))
        elif len(name) > 100:
            ui.problem(msg("name_too_long"))
        else:
            break
    subs = questionnaire.sub_sectors
    ui.say(_numbered([s.name for s in subs]))
    n = ui.choose(msg("ask_sub_sector"), len(subs))
    assert n is not None
    sub = subs[n - 1]
    ui.say(msg("industry_is", itype=msg.industry(sub.industry_type)), style="dim")
    size = None
    if questionnaire.size_bands:
        ui.say(_numbered([s.name for s in questionnaire.size_bands]))
        k = ui.choose(msg("ask_size"), len(questionnaire.size_bands), allow_empty=True)
        size = questionnaire.size_bands[k - 1].id if k else None
    region = clean_text(ui.ask(msg("ask_region")))
    while True:
        code = unicodedata.normalize("NFKC", ui.ask(msg("ask_credit"))).strip().upper()
        problem = credit_code_problem(code) if code else None
        if problem is None:
            break
        ui.problem(msg("credit_bad", problem=problem))
    return Enterprise(name=name, sub_sector=sub.id, size=size, region=region, credit_code=code or None,
                      **ask_programme_profile(ui))


def _default_path(name: str, lang: str) -> Path:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "enterprise"
    label = "自评" if lang == "zh" else "assessment"
    return Path(f"{safe}-{label}-{date.today():%Y%m%d}.yaml")


def _alternative(path: Path) -> Path:
    n = 2
    while True:
        alt = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not alt.exists():
            return alt
        n += 1


def _existing_is_ours(path: Path, qid: str) -> bool:
    from maturity.errors import MaturityError
    from maturity.interview import store

    try:
        return store.read(path).questionnaire == qid
    except MaturityError:
        return False


def _resolve_target(ui: Terminal, path: Path, qid: str, force: bool) -> tuple[Path, bool]:
    """Where to write, and whether to continue the file already there. Never overwrites unasked."""
    if not path.exists() or force:
        return path, False
    msg = ui.msg
    alt = _alternative(path)
    if _existing_is_ours(path, qid):
        k = ui.choose(msg("exists_choice", path=path, alt=alt), 3, default=1)
        if k == 1:
            return path, True
        overwrite = k == 3
    else:
        k = ui.choose(msg("exists_choice_other", path=path, alt=alt), 2, default=1)
        overwrite = k == 2
    if not overwrite:
        return alt, False
    if ui.ask(msg("overwrite_confirm", path=path)).strip().lower() in msg.yes_words:
        return path, False
    ui.say(msg("not_overwritten"))
    raise _Quit


# ---- the end screen ---------------------------------------------------------------------------
def show_end(msg: Any, answers_path: Path, pdf: Path | None, force: bool, appendix: bool = False) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from maturity import pipeline
    from maturity.cli import views

    ev = pipeline.evaluate_file(answers_path)
    views.warn_incomplete(ev.warnings)
    out.print(views.header(ev.assessment))
    out.print(views.dimension_table(ev.assessment))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for i, step in enumerate(ev.next_steps, 1):
        cell = Text(step.title, style="bold")
        cell.append("\n" + (step.why if step.why.startswith("因为") else msg("why", reason=step.why)), style="dim")
        grid.add_row(f"{i}.", cell)
    if not ev.next_steps:
        grid.add_row("", msg("next_steps_none"))
    out.print(Panel(grid, title=msg("next_steps"), title_align="left", expand=False))
    out.print(Text(ev.assessment.scheme_note, style="dim"))
    out.print(Text(msg("answers_written", path=answers_path.resolve()), style="green"), soft_wrap=True)
    if pdf is None:
        out.print(Text(msg("pdf_hint"), style="dim"))
        return
    report = pipeline.write_report(ev, pdf, force=force, appendix=appendix)
    out.print(Text(msg("pdf_written", path=Path(report.pdf or pdf).resolve()), style="green"), soft_wrap=True)


# ---- the command ------------------------------------------------------------------------------
@app.command(rich_help_panel="评估与报告")
@user_errors
def assess(
    questionnaire: str = typer.Option(None, "--questionnaire", "-q", help="问卷编号（默认 light-industry）。",
                                      show_default=False),
    out_path: Path = typer.Option(None, "--out", "-o", help="答卷保存位置（默认：企业名称-自评-日期.yaml）。",
                                  show_default=False),
    resume: Path = typer.Option(None, "--resume", help="继续填写一份未完成的答卷。", show_default=False),
    answers: Path = typer.Option(None, "--answers", help="不提问，直接给已填好的答卷评分并显示结果。",
                                 show_default=False),
    pdf: Path = typer.Option(None, "--pdf", help="同时生成 PDF 诊断报告到此路径。", show_default=False),
    force: bool = typer.Option(False, "--force", help="不询问，直接覆盖已有的答卷或报告文件。"),
    appendix: bool = typer.Option(False, "--appendix", help="与 --pdf 一起用：" + APPENDIX_HELP),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="界面提示语言：zh（中文）或 en（英文）；问卷内容始终为中文。"),
    interactive: bool = typer.Option(False, "--interactive", help="即使标准输入不是终端也逐题提问（用于脚本或测试）。"),
) -> None:
    """逐题问答完成自评估：每答一题自动保存，可随时退出、用 --resume 继续，最后显示等级、得分和下一步建议。"""
    from maturity.errors import InputError
    from maturity.interview import store
    from maturity.interview.messages import Messages
    from maturity.interview.session import Session
    from maturity.load import bundled

    msg = Messages(lang.value)
    if resume is not None and answers is not None:
        raise InputError(msg("resume_and_answers"))
    if answers is not None:
        show_end(msg, answers, pdf, force, appendix)
        return
    if not interactive and not sys.stdin.isatty():
        err.print(f"[bold red]{msg('no_tty')}[/]")
        err.print(msg("no_tty_hint"))
        raise typer.Exit(2)
    if pdf is not None and pdf.exists() and not force:
        from maturity.errors import OutputExistsError

        raise OutputExistsError(pdf)  # say so now, not after twenty minutes of answers

    ui = Terminal(msg)
    path: Path | None = None
    session = None
    try:
        if resume is not None:
            qid = store.read(resume).questionnaire
            if questionnaire and questionnaire != qid:
                raise InputError(msg("resume_other_q", qid=qid, other=questionnaire))
            q = bundled.bundled_questionnaire(qid)
            path = resume
            session = store.open_session(path, q)
            answered, total = session.progress()
            ui.say(msg("resuming", answered=answered, total=total), style="green")
        else:
            qid = questionnaire or _choose_questionnaire(ui)
            q = bundled.bundled_questionnaire(qid)
            cont = False
            if out_path is not None:
                path, cont = _resolve_target(ui, out_path, qid, force)
            if cont:
                assert path is not None
                session = store.open_session(path, q)
            else:
                enterprise = _ask_profile(ui, q)
                if path is None:
                    path, cont = _resolve_target(ui, _default_path(enterprise.name, lang.value), qid, force)
                session = store.open_session(path, q) if cont else Session(q, enterprise)
                if not cont:
                    store.remove_state(path)
                    store.save(session, path)
            ui.say(msg("will_save", path=path), style="dim")
        from maturity.interview.navigator import Navigator

        finished = Navigator(ui, session, path).run(session.resume_at())
    except _Quit:
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        _stopped(msg, "interrupted", session, path)
        raise typer.Exit(130) from None
    except EOFError:
        _stopped(msg, "eof", session, path)
        raise typer.Exit(0 if session is not None else 1) from None
    if not finished:
        return
    session.prune()
    store.save_answers(session, path)
    store.remove_state(path)
    ui.say(msg("finished"), style="bold green")
    try:
        bundled.scheme(session.questionnaire.id)
    except InputError:
        err.print(msg("rules_missing", qid=session.questionnaire.id, path=path))
        return
    show_end(msg, path, pdf, force, appendix)


def _stopped(msg: Any, key: str, session: Any, path: Path | None) -> None:
    out.print()
    if session is None or path is None:
        return  # nothing typed that could be kept yet (still choosing the questionnaire or profile)
    from maturity.interview import store

    store.save_state(session, path)
    out.print(msg(key, path=path))
