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

    def __init__(self, msg: Any, resume_command: Any = None) -> None:
        # No readline on purpose: under a non-UTF-8 locale it mangles Chinese prompts and echo;
        # the terminal's own line editing (backspace, IUTF8) is enough for one answer per line.
        self.msg = msg
        self.resume_command = resume_command or (lambda path: f"maturity assess --resume {path}")

    def ask(self, prompt: str) -> str:
        out.file.flush()
        return input(prompt)

    def say(self, text: Any = "", style: str = "", *, soft_wrap: bool = False) -> None:
        from rich.text import Text

        from maturity.cli.cjkwrap import prose

        if isinstance(text, str):
            text = Text(text, style=style) if soft_wrap else prose(text, style)
        out.print(text, soft_wrap=soft_wrap)

    def problem(self, text: str) -> None:
        from maturity.cli.cjkwrap import prose

        out.print(prose("✗ " + text, style="red"))

    def choose(
        self, prompt: str, count: int, *, default: int | None = None, allow_empty: bool = False
    ) -> int | None:
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

        from maturity.cli.cjkwrap import prose

        msg, q = self.msg, s.question(qid)
        order = s.order()
        dim = s.questionnaire.dimension_map[q.dimension].name
        key = "progress_review" if editing else "progress"
        out.print()
        out.print(
            Rule(
                Text(msg(key, n=order.index(qid) + 1, total=len(order), dimension=dim)),
                align="left",
                style="blue",
            )
        )
        title = Text(q.text, style="bold")
        title.append(f"  [{q.id}]", style="dim")
        out.print(title)
        if q.help:
            out.print(prose(q.help.strip(), style="dim"))
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
        hint = {
            "single": msg("single_hint"),
            "yesno": msg("single_hint"),
            "multi": msg("multi_hint"),
            "text": msg("text_hint"),
        }.get(q.kind)
        if q.kind == "number":
            lo = "" if q.min is None else f"{q.min:g}"
            hi = "" if q.max is None else f"{q.max:g}"
            unit = (" " + q.unit) if q.unit else ""
            rng = (
                msg("number_range", range=f"{lo}–{hi}{unit}")
                if (lo or hi)
                else (msg("number_range", range=q.unit) if q.unit else "")
            )
            hint = msg("number_hint", range=rng)
        parts = [hint or ""]
        if current:
            parts.append(msg("keep_hint"))
        parts.append(msg("commands"))
        out.print(Text(" · ".join(p for p in parts if p), style="dim"))

    def show_help(self, s: Any, qid: str, path: Path) -> None:
        from rich.text import Text

        q = s.question(qid)
        out.print(Text(self.msg("help", command=self.resume_command(path)), style="cyan"))
        sources = {x.id: x.title for x in s.questionnaire.sources}
        basis = f" · {q.basis}" if q.basis else ""
        out.print(
            Text(self.msg("source_line", source=sources.get(q.source, q.source), basis=basis), style="dim")
        )

    def show_review(self, s: Any) -> None:
        from rich.table import Table
        from rich.text import Text

        from maturity.engine.conditions import short

        msg = self.msg
        order = s.order()
        answered, total = s.progress()
        table = Table(
            title=msg("review_title", answered=answered, total=total),
            title_justify="left",
            expand=False,
            show_edge=False,
            show_header=False,
        )
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
                text = Text(
                    msg("status_skipped") if qid in s.skipped else msg("status_unanswered"), style="yellow"
                )
            else:
                text = Text(text)  # what the person typed is text, never markup ("[/]" would not print)
            table.add_row(str(n), qid, short(q.text, 40), text)
        out.print(table)


# ---- start: questionnaire, profile, file ------------------------------------------------------
def _choose_questionnaire(ui: Terminal, waiting: Any = None) -> str:
    """The questionnaire menu, shown from the files' plain data (see bundled.menu) so that the first prompt
    does not wait for the models; ``waiting()`` is called once the menu is printed, just before the prompt
    (the caller starts :func:`_prepare` there, so it does not compete with printing the menu)."""
    from maturity.load.bundled import DEFAULT_QUESTIONNAIRE, menu

    bundled = menu()
    ids = [b.id for b in bundled]
    default = ids.index(DEFAULT_QUESTIONNAIRE) + 1 if DEFAULT_QUESTIONNAIRE in ids else 1
    if len(bundled) == 1:
        return bundled[0].id
    for n, b in enumerate(bundled, 1):
        ui.say(ui.msg("q_item", n=n, title=b.title, id=b.id, count=b.questions))
    if waiting is not None:
        waiting()
    chosen = ui.choose(ui.msg("choose_questionnaire", default=default), len(bundled), default=default)
    assert chosen is not None
    return bundled[chosen - 1].id


def _prepare(qid: str) -> Any:
    """Import the interview and load questionnaire ``qid`` in a background thread while the first prompt
    waits for the user (``input()`` releases the GIL); returns the thread, to be joined before they are
    used. Errors are left for the main thread, which loads again and reports them."""
    import threading

    def work() -> None:
        try:
            from maturity.interview import navigator, store  # noqa: F401
            from maturity.load import bundled

            if bundled.exists(qid):
                bundled.bundled_questionnaire(qid)
        except Exception:  # reported by the main thread, which loads again
            pass

    thread = threading.Thread(target=work, name="maturity-prepare", daemon=True)
    thread.start()
    return thread


def _prepare_end(qid: str, pdf: Path | None) -> None:
    """While the person answers, load in a background thread what the end screen (and --pdf) will need."""
    import threading

    from maturity import pipeline

    threading.Thread(
        target=pipeline.prepare,
        args=(qid,),
        kwargs={"report": pdf is not None},
        name="maturity-end",
        daemon=True,
    ).start()


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
    itype = None
    if sub.industry_type == "process" and ui.ask(msg("ask_mixed")).strip().lower() in msg.yes_words | {"1"}:
        itype = "mixed"  # a process front end with discrete filling / converting / packing lines
        ui.say(msg("industry_is", itype=msg.industry(itype)), style="dim")
    size, figures = _ask_size(ui, questionnaire.size_bands) if questionnaire.size_bands else (None, {})
    region = clean_text(ui.ask(msg("ask_region")))
    while True:
        code = unicodedata.normalize("NFKC", ui.ask(msg("ask_credit"))).strip().upper()
        problem = credit_code_problem(code) if code else None
        if problem is None:
            break
        ui.problem(msg("credit_bad", problem=problem))
    contact = clean_text(ui.ask(msg("ask_contact")))[:100]
    assessor = clean_text(ui.ask(msg("ask_assessor")))[:100]
    extra = {**figures, **ask_programme_profile(ui)}  # figures typed for the size, unless given again there
    return Enterprise(
        name=name,
        sub_sector=sub.id,
        industry_type=itype,
        size=size,
        region=region,
        credit_code=code or None,
        contact=contact,
        assessor=assessor,
        **extra,
    )


def _revenue_band(wan: float) -> str:
    """The profile's 营业收入 band of a revenue in 万元 (thresholds of 《中小企业划型标准规定》, and 1 亿)."""
    for limit, band in ((300, "lt300"), (2000, "300-2000"), (10000, "2000-10000"), (40000, "10000-40000")):
        if wan < limit:
            return band
    return "ge40000"


def _ask_size(ui: Terminal, bands: list[Any]) -> tuple[str | None, dict[str, Any]]:
    """A band by number, or from "30人" / "营收1500万" with a line saying which band that is and why; the figures
    typed are kept as the profile's 从业人员 and 营业收入区间 (what a diagnostician records first)."""
    from maturity.interview.size import SizeGuess, lower_if, parse_size

    msg = ui.msg
    ui.say(_numbered([f"{b.name}（{b.description}）" if b.description else b.name for b in bands]))
    names = {b.id: b.name for b in bands}
    while True:
        raw = ui.ask(msg("ask_size"))
        if not raw.strip() or raw.strip().lower() in ("q", "b"):
            return None, {}
        got = parse_size(raw, len(bands))
        if isinstance(got, int):
            return bands[got - 1].id, {}
        if isinstance(got, SizeGuess) and got.band in names:
            figures = "、".join(
                x
                for x in (
                    msg("size_staff", n=f"{got.staff:g}") if got.staff is not None else "",
                    msg("size_revenue", n=f"{got.revenue:g}") if got.revenue is not None else "",
                )
                if x
            )
            lower = lower_if(got)
            ui.say(
                msg("size_is", figures=figures, band=names[got.band])
                + (msg("size_lower", condition=lower) if lower else ""),
                style="green",
            )
            k = ui.choose(msg("size_confirm"), len(bands), allow_empty=True)
            kept: dict[str, Any] = {}
            if got.staff is not None and got.staff.is_integer():
                kept["employees"] = int(got.staff)
            if got.revenue is not None:
                kept["revenue_band"] = _revenue_band(got.revenue)
            return (bands[k - 1].id if k else got.band), kept
        ui.problem(msg("size_unknown", hi=len(bands)))


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
    from maturity.cli.cjkwrap import prose

    ev = pipeline.evaluate_file(answers_path)
    views.warn_incomplete(ev.warnings, ev.scheme.questionnaire)
    out.print(views.header(ev.assessment))
    out.print(views.dimension_table(ev.assessment))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    from rich.console import Group

    from maturity.report.words import plain_for

    plain = plain_for(ev.scheme.questionnaire)  # the owner reads no question codes
    for i, step in enumerate(ev.next_steps, 1):
        why = plain(step.why) if step.why.startswith("因为") else msg("why", reason=plain(step.why))
        grid.add_row(f"{i}.", Group(Text(plain(step.title), style="bold"), prose(why, style="dim")))
    if not ev.next_steps:
        grid.add_row("", msg("next_steps_none"))
    n = len(ev.next_steps) or 3
    out.print(
        Panel(grid, title=msg("next_steps", n=n, n_zh=views.zh_count(n)), title_align="left", expand=False)
    )
    out.print(prose(ev.assessment.scheme_note, style="dim"))
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
    questionnaire: str = typer.Option(
        None, "--questionnaire", "-q", help="问卷编号（默认 light-industry）。", show_default=False
    ),
    out_path: Path = typer.Option(
        None, "--out", "-o", help="答卷保存位置（默认：企业名称-自评-日期.yaml）。", show_default=False
    ),
    resume: Path = typer.Option(None, "--resume", help="继续填写一份未完成的答卷。", show_default=False),
    answers: Path = typer.Option(
        None, "--answers", help="不提问，直接给已填好的答卷评分并显示结果。", show_default=False
    ),
    pdf: Path = typer.Option(None, "--pdf", help="同时生成 PDF 诊断报告到此路径。", show_default=False),
    force: bool = typer.Option(False, "--force", help="不询问，直接覆盖已有的答卷或报告文件。"),
    appendix: bool = typer.Option(False, "--appendix", help="与 --pdf 一起用：" + APPENDIX_HELP),
    lang: Lang = typer.Option(
        Lang.zh,
        "--lang",
        help="界面提示语言：zh（中文）或 en（英文）。en 只翻译本工具自己的提示、"
        "操作说明和错误信息；题目、选项、行业与企业规模名称等问卷内容以及结果页仍为中文。",
    ),
    interactive: bool = typer.Option(
        False, "--interactive", help="即使标准输入不是终端也逐题提问（用于脚本或测试）。"
    ),
    full: bool = typer.Option(
        False,
        "--full",
        help="回答完整问卷（现场评估，约 35–47 分钟）；默认为核心问卷（企业负责人约 15–20 分钟，未问的题目不计分）。"
        "与 --resume 一起用时，把核心问卷答卷扩展为完整问卷。",
    ),
) -> None:
    """逐题问答完成自评估：每答一题自动保存，可随时退出、用 --resume 继续，最后显示等级、得分和下一步建议。"""
    from maturity.errors import InputError
    from maturity.interview.messages import Messages
    from maturity.load.bundled import DEFAULT_QUESTIONNAIRE

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
    if pdf is not None:
        from maturity.writing import check_writable

        check_writable([pdf], force=force)  # say so now, not after twenty minutes of answers

    def resume_command(at: Path) -> str:
        return _resume_command(
            at, pdf=pdf, lang=lang.value, force=force, interactive=interactive, appendix=appendix
        )

    ui = Terminal(msg, resume_command)
    if lang is not Lang.zh:
        ui.say(msg("lang_scope"), style="yellow")
    path: Path | None = None
    session = None
    preparing: list[Any] = []
    try:
        if resume is None and not questionnaire:
            qid = _choose_questionnaire(ui, lambda: preparing.append(_prepare(DEFAULT_QUESTIONNAIRE)))
        else:
            qid = questionnaire
        for thread in preparing:
            thread.join()
        from maturity.interview import store
        from maturity.interview.session import Session
        from maturity.load import bundled

        if resume is not None:
            qid = store.read(resume).questionnaire
            if questionnaire and questionnaire != qid:
                raise InputError(msg("resume_other_q", qid=qid, other=questionnaire))
            q = bundled.bundled_questionnaire(qid)
            path = resume
            session = store.open_session(path, q)
            if full and session.depth != "full":
                session.depth = "full"  # a core answers file extended to the full questionnaire
                store.save_answers(session, path)
            answered, total = session.progress()
            ui.say(msg("resuming", answered=answered, total=total), style="green")
            _say_left(ui, session)
        else:
            assert qid is not None
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
                session = (
                    store.open_session(path, q)
                    if cont
                    else Session(q, enterprise, depth="full" if full else "core")
                )
                if not cont:
                    store.remove_state(path)
                    store.save(session, path)
            if full and session.depth != "full":
                session.depth = "full"
                store.save_answers(session, path)
            _say_path(ui, session)
            ui.say(msg("will_save", path=path), style="dim")
        from maturity.interview.navigator import Navigator

        _prepare_end(session.questionnaire.id, pdf)
        finished = Navigator(ui, session, path, resume_command(path)).run(session.resume_at())
    except _Quit:
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        _stopped(msg, "interrupted", session, path, resume_command)
        raise typer.Exit(130) from None
    except EOFError:
        _stopped(msg, "eof", session, path, resume_command)
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
        err.print(msg("rules_missing", qid=session.questionnaire.id, path=path), markup=False)
        return
    show_end(msg, path, pdf, force, appendix)


def _say_path(ui: Terminal, session: Any) -> None:
    """The length of the path this enterprise will take (core or full, its own module), from its questions."""
    from maturity.interview.session import Session
    from maturity.interview.timing import minutes_text

    q = session.questionnaire
    order = session.order()
    module = sum(1 for qid in order if "module" in q.question_map[qid].tags)
    if session.depth == "full":
        ui.say(ui.msg("path_full", n=len(order), module=module, minutes=minutes_text(q, order)), style="bold")
        return
    full = Session(q, session.enterprise, answers=session.answers, depth="full").order()
    ui.say(
        ui.msg(
            "path_core",
            n=len(order),
            module=module,
            minutes=minutes_text(q, order),
            full=len(full),
            full_minutes=minutes_text(q, full),
        ),
        style="bold",
    )


def _say_left(ui: Terminal, session: Any) -> None:
    from maturity.interview.timing import minutes_text

    left = [qid for qid in session.order() if not session.is_answered(qid) and qid not in session.skipped]
    if left:
        ui.say(
            ui.msg("path_left", n=len(left), minutes=minutes_text(session.questionnaire, left)), style="dim"
        )


def _resume_command(
    path: Path, *, pdf: Path | None, lang: str, force: bool, interactive: bool, appendix: bool = False
) -> str:
    """The command that continues this interview with every option given now (so a resumed run still writes
    the PDF asked for), shell-quoted so it can be pasted as printed."""
    import shlex

    words = ["maturity", "assess", "--resume", str(path)]
    if pdf is not None:
        words += ["--pdf", str(pdf)]
    if appendix:
        words.append("--appendix")
    if lang != "zh":
        words += ["--lang", lang]
    if force:
        words.append("--force")
    if interactive:
        words.append("--interactive")
    return shlex.join(words)


def _stopped(msg: Any, key: str, session: Any, path: Path | None, resume_command: Any) -> None:
    out.print()
    if session is None or path is None:
        return  # nothing typed that could be kept yet (still choosing the questionnaire or profile)
    from maturity.interview import store

    store.save_state(session, path)
    out.print(msg(key, path=path, command=resume_command(path)), soft_wrap=True, markup=False)
