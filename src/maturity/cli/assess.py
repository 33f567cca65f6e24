"""`maturity assess` (the interactive interview) and `maturity compare`.

The interview reads plain lines with ``input()``, so it works in any terminal (Windows console,
SSH, tmux) and can be driven through stdin in tests. The logic lives in :mod:`maturity.interview`;
this module only prompts, prints and saves. Every confirmed answer is written atomically at once.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from maturity.cli import app
from maturity.cli.console import err, out, user_errors
from maturity.cli.core import Format


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


# ---- start: questionnaire, profile, file ------------------------------------------------------
def _choose_questionnaire(ui: Terminal) -> str:
    from maturity import api

    bundled = api.list_bundled()
    ids = [b.id for b in bundled]
    default = ids.index(api.DEFAULT_QUESTIONNAIRE) + 1 if api.DEFAULT_QUESTIONNAIRE in ids else 1
    if len(bundled) == 1:
        return bundled[0].id
    for n, b in enumerate(bundled, 1):
        ui.say(ui.msg("q_item", n=n, title=b.title, id=b.id, count=b.questions))
    n = ui.choose(ui.msg("choose_questionnaire", default=default), len(bundled), default=default)
    assert n is not None
    return bundled[n - 1].id


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
    return Enterprise(name=name, sub_sector=sub.id, size=size, region=region, credit_code=code or None)


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


# ---- the interview loop -----------------------------------------------------------------------
class Interview:
    """Drives one Session through the terminal, saving after every step."""

    def __init__(self, ui: Terminal, session: Any, path: Path) -> None:
        self.ui = ui
        self.msg = ui.msg
        self.s = session
        self.path = path

    def save(self, answers: bool = True) -> None:
        from maturity.interview import store

        if answers:
            store.save(self.s, self.path)
        else:
            store.save_state(self.s, self.path)

    def run(self, start: str | None) -> bool:
        """True when the user finished, False when they quit."""
        current: str | None = start
        back_to_review = False
        resume_at = start  # where Enter on the review screen returns to (None: the finish screen)
        while True:
            self.s.position = current
            self.save(answers=False)
            if current is None:
                step = self.finish_screen()
                if step == "done":
                    return True
                if step != "review":
                    current = step
                    continue
                resume_at = None
            else:
                action = self.ask_question(current, back_to_review)
                if action == "quit":
                    self.ui.say(self.msg("quit_saved", path=self.path), style="green")
                    return False
                if action == "back":
                    prev = self.s.previous(current)
                    if prev is None:
                        self.ui.problem(self.msg("first_question"))
                    else:
                        current = prev
                    back_to_review = False
                    continue
                if action == "finish":
                    current, back_to_review = None, False
                    continue
                if action == "review":
                    resume_at = current
                elif not back_to_review:  # answered, kept or skipped: move on
                    current = self.next_open(current)
                    continue
            current, back_to_review = self.review(resume_at)
            if current is None and not back_to_review and resume_at is None and not self.s.pending():
                return True  # "Enter = finish" on a review opened from the finish screen

    def next_open(self, qid: str) -> str | None:
        """The next question after ``qid`` still to answer (None: the finish screen)."""
        nxt = self.s.next_after(qid)
        while nxt is not None and (self.s.is_answered(nxt) or nxt in self.s.skipped):
            nxt = self.s.next_after(nxt)
        return nxt

    # ---- one question ----
    def show_question(self, qid: str, editing: bool) -> None:
        from rich.rule import Rule
        from rich.text import Text

        s, msg, q = self.s, self.msg, self.s.question(qid)
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

    def ask_question(self, qid: str, editing: bool) -> str:
        from maturity.engine.normalize import AnswerProblem
        from maturity.interview.parse import parse

        s, msg, ui = self.s, self.msg, self.ui
        q = s.question(qid)
        self.show_question(qid, editing)
        while True:
            raw = ui.ask("> ")
            try:
                action = parse(s.questionnaire, q, raw, has_answer=s.is_answered(qid))
            except AnswerProblem as e:
                ui.problem(str(e))
                continue
            kind = action.kind
            if kind == "help":
                self.show_help(qid)
                continue
            if kind == "empty":
                if q.kind == "text":  # a free-text remark may stay empty
                    s.skip(qid)
                    return "next"
                ui.problem(msg("empty_input"))
                continue
            if kind == "na":
                if not q.allow_na:
                    ui.problem(msg("na_not_allowed"))
                    continue
                why = self.ask_justification()
                if why is None:
                    continue
                s.answer_na(qid, why)
                self.save()
                ui.say(msg("na_saved", justification=why), style="green")
                return "next"
            if kind == "answer":
                try:
                    s.answer(qid, action.value)
                except AnswerProblem as e:
                    ui.problem(str(e))
                    continue
                self.save()
                return "next"
            if kind == "skip":
                s.skip(qid)
                ui.say(msg("skipped"), style="yellow")
                return "next"
            if kind == "keep":
                return "next"
            return kind  # back, review, quit, finish

    def ask_justification(self) -> str | None:
        from maturity.models.answers import clean_text

        while True:
            why = clean_text(self.ui.ask(self.msg("ask_justification")))
            if why.lower() == "c":
                return None
            if why:
                return why
            self.ui.problem(self.msg("justification_required"))

    def show_help(self, qid: str) -> None:
        from rich.text import Text

        q = self.s.question(qid)
        out.print(Text(self.msg("help", path=self.path), style="cyan"))
        sources = {x.id: x.title for x in self.s.questionnaire.sources}
        basis = f" · {q.basis}" if q.basis else ""
        out.print(Text(self.msg("source_line", source=sources.get(q.source, q.source), basis=basis), style="dim"))

    # ---- review and finish ----
    def review(self, resume_at: str | None) -> tuple[str | None, bool]:
        """Show every answer; returns (question to go to, whether to come back here after it)."""
        from rich.table import Table
        from rich.text import Text

        from maturity.engine.conditions import short

        s, msg = self.s, self.msg
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
        prompt = msg("review_prompt_done") if resume_at is None and not s.pending() else msg("review_prompt")
        k = self.ui.choose(prompt, len(order), allow_empty=True)
        if k is None:
            return resume_at, False
        return order[k - 1], True

    def finish_screen(self) -> str | None:
        """'done', 'review', or a question to go to."""
        s, msg, ui = self.s, self.msg, self.ui
        pending = s.pending()
        while True:
            if pending:
                ui.say(msg("pending", n=len(pending), ids="、".join(pending[:10]) + (" …" if len(pending) > 10 else "")),
                       style="yellow")
                raw = ui.ask(msg("pending_prompt")).strip().lower()
                if raw == "":
                    s.skipped -= set(pending)
                    return pending[0]
                if raw == "f":
                    return "done"
            else:
                _, total = s.progress()
                ui.say(msg("all_done", total=total), style="green")
                raw = ui.ask(msg("done_prompt")).strip().lower()
                if raw == "":
                    return "done"
                if raw == "b":
                    return s.previous(None)
            if raw == "r":
                return "review"
            ui.problem(msg("finish_keys_pending" if pending else "finish_keys_done"))


# ---- the end screen ---------------------------------------------------------------------------
def next_steps(loaded: Any, result: Any) -> list[tuple[str, str]]:
    """The three most important next steps with their reasons: the recommendation plan's first items
    when a solution catalog is available, else the concrete conditions blocking the next level, then
    the questions with the largest room for improvement."""
    from maturity import api

    plan = api.plan_for(loaded, result)
    if plan is not None and plan.items:
        return [(it.title, it.because) for it in plan.items[:3]]
    steps: list[tuple[str, str]] = []
    nxt = result.next_level
    for b in result.blockers:
        if b.kind != "gate":
            continue
        for leaf in b.missing:
            if len(steps) < 3:
                steps.append((leaf, f"升到 {nxt.label} 的门槛：{b.text}"))
    if len(steps) < 3:
        room = sorted((x for x in result.questions if x.max_contribution - x.contribution > 0.05),
                      key=lambda x: x.max_contribution - x.contribution, reverse=True)
        for x in room[: 3 - len(steps)]:
            now = x.answer_text or "未答"
            steps.append((f"改进 {x.id}「{x.text}」（当前：{now}）",
                          f"这是提分空间最大的题目之一：答到最好一档，{result.score_label}最多可提高 "
                          f"{x.max_contribution - x.contribution:.1f} 分"))
    return steps


def show_end(msg: Any, answers_path: Path, pdf: Path | None, force: bool) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from maturity import api
    from maturity.cli import views

    loaded = api.load_answers(answers_path)
    result = api.assess(loaded)
    views.warn_incomplete(loaded.warnings)
    out.print(views.header(result))
    out.print(views.dimension_table(result))
    steps = next_steps(loaded, result)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for i, (what, why) in enumerate(steps, 1):
        cell = Text(what, style="bold")
        cell.append("\n" + (why if why.startswith("因为") else msg("why", reason=why)), style="dim")
        grid.add_row(f"{i}.", cell)
    if not steps:
        grid.add_row("", msg("next_steps_none"))
    out.print(Panel(grid, title=msg("next_steps"), title_align="left", expand=False))
    out.print(Text(result.scheme_note, style="dim"))
    out.print(Text(msg("answers_written", path=answers_path.resolve()), style="green"), soft_wrap=True)
    if pdf is None:
        out.print(Text(msg("pdf_hint"), style="dim"))
        return
    from maturity import api
    from maturity.report import render_report

    report = render_report(result, pdf, plan=api.plan_for(loaded, result), force=force)
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
    lang: Lang = typer.Option(Lang.zh, "--lang", help="界面提示语言：zh（中文）或 en（英文）；问卷内容始终为中文。"),
    interactive: bool = typer.Option(False, "--interactive", help="即使标准输入不是终端也逐题提问（用于脚本或测试）。"),
) -> None:
    """逐题问答完成自评估：每答一题自动保存，可随时退出、用 --resume 继续，最后显示等级、得分和下一步建议。"""
    from maturity import api
    from maturity.errors import InputError
    from maturity.interview import store
    from maturity.interview.messages import Messages
    from maturity.interview.session import Session
    from maturity.load import loader

    msg = Messages(lang.value)
    if resume is not None and answers is not None:
        raise InputError(msg("resume_and_answers"))
    if answers is not None:
        show_end(msg, answers, pdf, force)
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
            q = loader.load_questionnaire(api.questionnaire_path(qid))
            path = resume
            session = store.open_session(path, q)
            answered, total = session.progress()
            ui.say(msg("resuming", answered=answered, total=total), style="green")
        else:
            qid = questionnaire or _choose_questionnaire(ui)
            q = loader.load_questionnaire(api.questionnaire_path(qid))
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
        finished = Interview(ui, session, path).run(session.resume_at())
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
        api.scheme(session.questionnaire.id)
    except InputError:
        err.print(msg("rules_missing", qid=session.questionnaire.id, path=path))
        return
    show_end(msg, path, pdf, force)


def _stopped(msg: Any, key: str, session: Any, path: Path | None) -> None:
    out.print()
    if session is None or path is None:
        return  # nothing typed that could be kept yet (still choosing the questionnaire or profile)
    from maturity.interview import store

    store.save_state(session, path)
    out.print(msg(key, path=path))


# ---- compare ----------------------------------------------------------------------------------
@app.command(rich_help_panel="评估与报告")
@user_errors
def compare(
    old: Path = typer.Argument(..., help="较早的一次答卷。", show_default=False),
    new: Path = typer.Argument(..., help="较新的一次答卷。", show_default=False),
    format: Format = typer.Option(Format.table, "--format", "-f", help="输出格式：table 或 json。"),
) -> None:
    """比较同一企业的两次评估：等级、得分、各维度的变化，以及答案有变化的题目。"""
    from rich.table import Table
    from rich.text import Text

    from maturity import api
    from maturity.engine.compare import compare as compare_assessments

    a = api.assess(api.load_answers(old))
    b = api.assess(api.load_answers(new))
    c = compare_assessments(a, b)
    if format is Format.json:
        out.print_json(json.dumps(c.model_dump(mode="json"), ensure_ascii=False))
        return
    if not c.same_enterprise:
        err.print(f"[yellow]提示[/]：两份答卷的企业不同（{a.enterprise.name} / {b.enterprise.name}），请确认是否选对了文件。")

    def signed(x: float | None, unit: str = "") -> Text:
        if x is None:
            return Text("—", style="dim")
        style = "green" if x > 0 else "red" if x < 0 else "dim"
        return Text(f"{x:+g}{unit}", style=style)

    head = Text()
    head.append(f"{c.enterprise}\n", style="bold")
    head.append(f"成熟度等级  {c.old_level.label} {c.old_level.name} → ", style="")
    head.append(f"{c.new_level.label} {c.new_level.name}", style="bold")
    if c.level_change:
        head.append(f"（{'升' if c.level_change > 0 else '降'} {abs(c.level_change)} 级）",
                    style="green" if c.level_change > 0 else "red")
    else:
        head.append("（等级未变）", style="dim")
    head.append(f"\n{c.score_label}  {c.old_score:g} → {c.new_score:g}  ")
    head.append_text(signed(c.score_change))
    if c.old_version != c.new_version:
        head.append(f"\n问卷版本 {c.old_version} → {c.new_version}（按题号对应比较）", style="dim")
    from rich.panel import Panel

    out.print(Panel(head, title="评估对比", title_align="left", expand=False))
    dims = Table(title="各维度变化", title_justify="left")
    for col, just in (("维度", "left"), ("上次", "right"), ("本次", "right"), ("变化", "right"), ("等级", "left")):
        dims.add_column(col, justify=just)  # type: ignore[arg-type]
    for d in c.dimensions:
        lv = f"{d.old_level or '—'} → {d.new_level or '—'}"
        dims.add_row(d.name, "—" if d.old_score is None else f"{d.old_score:g}",
                     "—" if d.new_score is None else f"{d.new_score:g}", signed(d.delta), lv)
    out.print(dims)
    if not c.answers:
        out.print("两次答案完全相同。")
        return
    changes = Table(title=f"答案有变化的题目（{len(c.answers)} 道：提高 {c.improved}，降低 {c.declined}）",
                    title_justify="left", expand=True)
    changes.add_column("题号", style="cyan", no_wrap=True)
    changes.add_column("题目", ratio=3, overflow="fold")
    changes.add_column("上次", ratio=2, overflow="fold")
    changes.add_column("本次", ratio=2, overflow="fold")
    changes.add_column("得分变化", justify="right", no_wrap=True)
    for x in c.answers:
        changes.add_row(x.id, x.text, x.old_answer, x.new_answer, signed(x.delta))
    out.print(changes)
