"""Score a whole batch: stream rows, spread the work over processes, write as results arrive, resumable.

Flow (main process):

1. :mod:`.reader` streams raw rows; each row gets a content key (so ``--resume`` knows what is done).
2. Chunks of rows go to a process pool (``--jobs``) or a Dask cluster (``--cluster``, see :mod:`.executors`);
   each worker holds one compiled :class:`Scheme` and returns, per row, either a compact summary record
   plus the answers YAML text, or the row's errors.
   At most a few chunks per worker are in flight, and results are taken in input order, so memory does
   not grow with the input.
3. The main process names the per-enterprise answers files (the workers wrote them under temporary
   names) and appends one JSON line per enterprise to ``OUTDIR/.maturity-batch/ledger.jsonl`` (the resume
   ledger and the summary spool); only a small index per enterprise stays in memory (:mod:`.ledger`).
4. At the end the cohort is computed from the ledger's numbers; with ``pdf`` the reports are rendered in
   a second pool pass; the ledger is rewritten in input order and streamed into summary.xlsx / summary.csv.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maturity.batch.cohort import Cohort
from maturity.batch.executors import open_engine
from maturity.batch.export import Namer, answers_yaml, write_summary
from maturity.batch.grading import add_profile, profile_state
from maturity.batch.ledger import LEDGER, LEDGER_DIR, Ledger
from maturity.batch.lock import BatchLock
from maturity.batch.reader import (
    ANSWER_SUFFIXES,
    CellError,
    ParsedRow,
    Plan,
    RawRow,
    input_files,
    open_table,
    xlsx_declared_rows,
)
from maturity.batch.records import EnterpriseRecord, RejectedRow
from maturity.errors import DataValidationError, InputError, MaturityError, OutputError, WorkerLostError
from maturity.models.answers import AnswersFile
from maturity.models.evaluation import PeerStanding
from maturity.writing import output_errors, remove_quietly

_umask = os.umask(0)
os.umask(_umask)
_FILE_MODE = 0o666 & ~_umask  # what a plain open() would give (mkstemp gives 0600)
STAGING = "staging"  # under LEDGER_DIR: answers files being written by the workers
ANSWERS_DIR = "answers"
REPORTS_DIR = "reports"
EXIT_ROWS_FAILED = 4
MIN_CHUNK = 8  # rows in the first scoring tasks and in the last ones (see chunk_size)


@dataclass
class Outcome:
    key: str
    source: str
    order: tuple[int, int]
    row: int | None
    name: str
    record: EnterpriseRecord | None = None
    staged: str = ""  # the answers file, written by the worker under a temporary name
    errors: list[CellError] = field(default_factory=list)


@dataclass
class BatchResult:
    outdir: Path
    scored: int = 0
    resumed: int = 0
    rejected_rows: int = 0
    unreadable_files: int = 0
    pdfs: int = 0
    pdf_failed: int = 0
    elapsed: float = 0.0
    summary_xlsx: Path | None = None
    summary_csv: Path | None = None
    cohort_pdf: Path | None = None
    questionnaire: str = ""
    version: str = ""
    rejects: list[RejectedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.rejected_rows or self.unreadable_files or self.pdf_failed)


# ---- worker side --------------------------------------------------------------------------------
_STATE: dict[str, Any] = {}


def _init_worker(qid: str, recommend: bool, staging: str, keep_answers: bool = False) -> None:
    from maturity.load import bundled

    _STATE.clear()
    _STATE["scheme"] = bundled.scheme(qid)
    _STATE["staging"] = staging
    _STATE["keep_answers"] = keep_answers
    _STATE["recommend"] = _recommender(_STATE["scheme"]) if recommend else None
    _STATE.update(profile_state(_STATE["scheme"]))


def _recommender(scheme: Any) -> Callable[[Any, Any], list[str]] | None:
    """Top three 小快轻准 recommendations (enterprise, Summary) -> titles, if the questionnaire has a catalog."""
    from maturity.advice.shortlist import top_titles
    from maturity.load.catalog import bundled_catalog

    try:
        catalog = bundled_catalog(scheme.questionnaire)
    except MaturityError:
        return None
    if catalog is None:
        return None
    return lambda enterprise, summary: top_titles(scheme, catalog, enterprise, summary)


def recommendations_available(qid: str) -> bool:
    from maturity.load import bundled

    return _recommender(bundled.scheme(qid)) is not None


def _blockers(a: Any) -> list[str]:
    out = []
    for b in a.blockers[:3]:
        text = b.text
        if b.missing:
            text += "：" + "；".join(b.missing[:2])
        out.append(text[:300])
    return out


def _work(chunk: list[tuple[str, RawRow]], plan: Plan | None) -> list[Outcome]:
    scheme = _STATE["scheme"]
    if plan is not None and plan.questionnaire is None:
        plan.questionnaire = scheme.questionnaire
    return [_score_one(scheme, plan, key, raw) for key, raw in chunk]


def _score_one(scheme: Any, plan: Plan | None, key: str, raw: RawRow) -> Outcome:
    from maturity.engine.normalize import Normalized, mark_not_asked

    q = scheme.questionnaire
    out = Outcome(key, raw.source, raw.order, raw.row, raw.name_hint(plan))
    parsed: AnswersFile | ParsedRow | list[CellError]
    if raw.path is not None:
        parsed = _load_answers_file(scheme, raw)
    else:
        assert plan is not None
        parsed = plan.parse(raw)
    if isinstance(parsed, list):
        out.errors = parsed
        return out
    af = parsed
    out.name = af.enterprise.name
    if isinstance(af, ParsedRow):
        # a sheet offers the full questionnaire: a blank cell of a full-depth question was not asked
        normalized = mark_not_asked(q, "core", None, af.answers)
    else:
        normalized = mark_not_asked(
            q,
            af.depth,
            af.migrated_from,
            {
                qid: Normalized(a.value, a.na, a.note, a.justification, a.evidence)
                for qid, a in af.answers.items()
            },
        )
    rec = _STATE.get("recommend")
    a = scheme.summary_of(af.enterprise, normalized)
    statuses = a.statuses
    missing = scheme.unanswered_required(statuses)
    if missing:
        for x in missing:
            col = plan.column_of(x.id) if plan is not None else None
            if plan is not None:
                out.errors.append(plan.error(raw.row, col, f"必答题 {x.id} 未作答"))
            else:
                out.errors.append(CellError(None, "", f"answers.{x.id}", f"必答题 {x.id} 未作答"))
        return out
    recs = rec(af.enterprise, a) if rec is not None else _blockers(a)
    ent = af.enterprise
    sub = q.sub_sector_map.get(ent.sub_sector)
    scored = [x for x in q.questions if x.scored]
    out.record = EnterpriseRecord(
        name=ent.name,
        credit_code=ent.credit_code,
        sub_sector=ent.sub_sector,
        sub_sector_name=sub.name if sub else ent.sub_sector,
        size_name=scheme.sizes.get(ent.size or "", ""),
        region=ent.region,
        assessor=ent.assessor,
        level=a.level.label,
        level_name=a.level.name,
        level_id=a.level.id,
        score=a.score,
        dims=dict(a.dimension_scores),
        recommendations=recs,
        questionnaire=q.id,
        version=q.version,
        answered=sum(1 for x in scored if statuses[x.id] in ("answered", "na")),
        applicable=sum(1 for x in scored if statuses[x.id] not in ("not_applicable", "hidden", "not_asked")),
        answers=_answers_json(af) if _STATE.get("keep_answers") else None,
    )
    add_profile(out.record, ent, a, _STATE, scheme, with_costs=rec is not None)
    head = f"# 由 maturity batch 生成：{raw.source}" + (f" 第 {raw.row} 行" if raw.row else "") + "\n"
    out.staged = _stage(answers_yaml(af, head).encode("utf-8"))
    return out


def _answers_json(af: AnswersFile | ParsedRow) -> dict[str, Any]:
    model = af.to_answers_file() if isinstance(af, ParsedRow) else af
    return model.model_dump(mode="json", exclude_defaults=True)


def _stage(data: bytes) -> str:
    """Write a finished answers file under a temporary name in the answers folder (renamed by the caller)."""
    fd, tmp = tempfile.mkstemp(prefix=".staged-", suffix=".yaml.tmp", dir=_STATE["staging"])
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _FILE_MODE)
    except BaseException:
        remove_quietly(tmp)
        raise
    return tmp


def _load_answers_file(scheme: Any, raw: RawRow) -> AnswersFile | list[CellError]:
    from maturity.load import loader

    q = scheme.questionnaire
    assert raw.path is not None
    try:
        loaded, model = loader.read_answers(raw.path)
        if model.questionnaire != q.id:
            return [
                CellError(None, "", "questionnaire", f"答卷属于问卷 {model.questionnaire}，本批次为 {q.id}")
            ]
        model = loader.migrate(model, q, loaded)
        issues = [i for i in loader.check_answers(loaded, model, q) if i.severity == "error"]
        if issues:
            return [CellError(i.line, "", i.field, i.message) for i in issues]
        return model
    except DataValidationError as e:
        return [CellError(i.line, "", i.field, i.message) for i in e.issues]
    except MaturityError as e:
        return [CellError(None, "", "", e.message)]


def _pdf_work(
    items: list[tuple[dict[str, Any], str, PeerStanding]], appendix: bool = False
) -> list[tuple[str, str]]:
    """Render reports: (checked answers, pdf path, peer standing) -> (pdf path, error or "")."""
    from maturity import pipeline

    out = []
    for answers, pdf_path, peer in items:
        try:
            ev = pipeline.evaluate_answers(AnswersFile.model_validate(answers), peer=peer)
            pipeline.write_report(ev, pdf_path, force=True, appendix=appendix)
            out.append((pdf_path, ""))
        except OutputError:
            raise  # the disk, not this report: every later report would fail the same way
        except MaturityError as e:
            out.append((pdf_path, e.message))
    return out


# ---- main side ----------------------------------------------------------------------------------
def chunk_size(full: int, slots: int, sent: int, total: int | None) -> int:
    """Rows for the next scoring task, ``sent`` rows having been read so far (of ``total``, if known).

    Tasks start small and grow by about half each (every worker starts as soon as a few rows are read, not
    after ``full``), up to ``full``; when the number of rows is known they shrink again over the last few
    tasks per worker, so that the workers finish together instead of one waiting for another's last task.
    """
    size = max(MIN_CHUNK, sent // slots)
    if total is not None:
        size = min(size, max(MIN_CHUNK, (total - sent) // (2 * slots)))
    return max(1, min(full, size))


def row_key(source: str, values: tuple, path: str | None) -> str:
    h = hashlib.blake2b(digest_size=12)
    h.update(source.encode())
    if path is not None:
        h.update(Path(path).read_bytes())
    else:
        h.update(repr(values).encode())
    return h.hexdigest()


def _estimate_rows(files: list[Path]) -> int | None:
    total = 0
    for f in files:
        s = f.suffix.lower()
        if s in ANSWER_SUFFIXES:
            total += 1
        elif s == ".csv":
            with open(f, "rb") as fh:
                total += max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1)
        else:
            rows = xlsx_declared_rows(f)
            if rows is None:
                return None  # unknown without reading the whole sheet: show counts without an ETA
            total += rows
    return total


def _choose_questionnaire(files: list[Path], explicit: str | None) -> str:
    from maturity.batch.reader import sheet_questionnaire
    from maturity.load import bundled

    if explicit:
        bundled.questionnaire_path(explicit)  # clear error if unknown
        return explicit
    for f in files:
        qid, _ = sheet_questionnaire(f)
        if qid:
            return qid
    return bundled.DEFAULT_QUESTIONNAIRE


def prepare_outdir(outdir: Path, *, resume: bool, force: bool) -> Ledger:
    """Check/create OUTDIR; return its ledger, holding what an earlier run finished when resuming."""
    path = outdir / LEDGER_DIR / LEDGER
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"输出位置不是文件夹：{outdir}")
    previous = outdir.exists() and (path.exists() or (outdir / "summary.xlsx").exists())
    if previous and not resume and not force:
        raise InputError(
            f"输出文件夹中已有批量结果：{outdir}",
            hint="加 --resume 只处理尚未完成的企业，或加 --force 重新处理全部（覆盖原结果）。",
        )
    for folder in (
        outdir / LEDGER_DIR / STAGING,
        outdir / ANSWERS_DIR,
    ):  # (answers/: older versions staged there)
        for stale in folder.glob(".staged-*.tmp") if folder.is_dir() else ():
            stale.unlink(missing_ok=True)  # left by an interrupted run: never a finished answers file
    ledger = Ledger(path)
    ledger.load()
    if path.exists() and not resume:
        for entry in ledger.index.values():  # --force: remove what the earlier run wrote, nothing else
            for rel in (entry.file, entry.pdf):
                if rel:
                    (outdir / rel).unlink(missing_ok=True)
        path.unlink()
        ledger = Ledger(path)
    if resume:
        ledger.index = {k: e for k, e in ledger.index.items() if e.file and (outdir / e.file).is_file()}
    (outdir / LEDGER_DIR).mkdir(parents=True, exist_ok=True)
    (outdir / ANSWERS_DIR).mkdir(exist_ok=True)
    return ledger


def _reject_file(result: BatchResult, source: str, file_index: int, e: InputError) -> None:
    """One file of a folder could not be read: list it as rejected and carry on with the others."""
    result.unreadable_files += 1
    result.rejects.append(
        RejectedRow(
            source, None, "", (file_index, 0), [CellError(None, "", "", f"整个文件无法读取：{e.message}")]
        )
    )


def run_batch(
    input_path: Path,
    outdir: Path,
    *,
    questionnaire: str | None = None,
    jobs: int | None = None,
    resume: bool = False,
    force: bool = False,
    pdf: bool = False,
    recommend: bool = True,
    progress: Callable[[str, int, int | None], None] | None = None,
    appendix: bool = False,
    cluster: str | None = None,
    previous: Path | None = None,
    cohort_pdf: bool = False,
) -> BatchResult:
    """Score every enterprise in ``input_path``; write OUTDIR. ``progress(stage, done, total)`` is called often.
    ``previous``: last round's OUTDIR (campaign progress); ``cohort_pdf``: also write the programme overview
    (cohort.pdf).

    ``appendix``: the PDFs carry the consultant's dossier. ``cluster``: a Dask scheduler's address, or
    ``local[:N]``, instead of a local pool of ``jobs`` processes; OUTDIR (and a folder of answers files given as
    input) must then be on a folder every worker sees. OUTDIR is locked for the run (a second run into it is
    refused); an OS failure while writing becomes an OutputError; staged files are removed on every exit path.
    """
    if outdir.exists() and not outdir.is_dir():
        raise InputError(
            f"输出位置不是文件夹：{outdir}", hint="请用 -o 指定一个文件夹（不存在时会自动创建）。"
        )
    from maturity.load import bundled

    started = time.perf_counter()
    files = input_files(input_path)
    qid = _choose_questionnaire(files, questionnaire)
    scheme = bundled.scheme(qid)
    q = scheme.questionnaire
    result = BatchResult(outdir, questionnaire=q.id, version=q.version)
    base = input_path if input_path.is_dir() else input_path.parent
    from maturity.batch.rollup import load_previous

    level_order = [(lv.label, lv.name) for lv in scheme.levels]
    before = load_previous(previous, level_order) if previous is not None else None  # checked before scoring

    engine = open_engine(jobs, cluster)  # before OUTDIR is touched: an unusable cluster changes nothing
    ours = [  # deepest first: what a run that stops before writing anything removes again
        f
        for f in (outdir / LEDGER_DIR / STAGING, outdir / LEDGER_DIR, outdir / ANSWERS_DIR, outdir)
        if not f.exists()
    ]
    try:
        with output_errors(outdir):
            lock = BatchLock(outdir, input_path)
            with lock:
                try:
                    ledger = prepare_outdir(outdir, resume=resume, force=force)
                    shared = Path(
                        os.path.abspath(outdir)
                    )  # what workers are told: the same path on every machine
                    engine.check(shared / LEDGER_DIR, qid)
                    result = _run(
                        engine,
                        files,
                        input_path,
                        outdir,
                        shared,
                        qid,
                        scheme,
                        result,
                        ledger,
                        base,
                        pdf,
                        recommend,
                        progress,
                        started,
                        appendix,
                        before,
                        cohort_pdf,
                        previous,
                    )
                except BrokenProcessPool:
                    raise WorkerLostError(
                        "批量评分的一个工作进程意外退出（可能被结束，或因内存不足被系统终止）",
                        hint="已完成的企业已保存；加 --resume 可继续处理其余企业，"
                        "内存紧张时可用 --jobs 减少进程数。",
                    ) from None
                finally:
                    _remove_staged(outdir)
            if lock.note:
                result.notes.insert(0, lock.note)
            return result
    except BaseException:
        _remove_empty_folders(ours)  # a refused input leaves no empty folder behind
        raise
    finally:
        engine.close()


def _remove_empty_folders(folders: list[Path]) -> None:
    """Remove these folders (the ones this run made) where they are still empty: never a file."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            pass  # not empty (something was written), or already gone


def _remove_staged(outdir: Path) -> None:
    staging = outdir / LEDGER_DIR / STAGING
    for stale in staging.glob(".staged-*.tmp") if staging.is_dir() else ():
        remove_quietly(stale)


def _run(
    engine: Any,
    files: list[Path],
    input_path: Path,
    outdir: Path,
    shared: Path,
    qid: str,
    scheme: Any,
    result: BatchResult,
    ledger: Ledger,
    base: Path,
    pdf: bool,
    recommend: bool,
    progress: Callable[[str, int, int | None], None] | None,
    started: float,
    appendix: bool,
    before: Any = None,
    cohort_pdf: bool = False,
    previous: Path | None = None,
) -> BatchResult:
    q = scheme.questionnaire
    done = ledger.index  # key -> small index entry; whole records stay in the ledger file
    namer = Namer(Path(e.file).stem for e in done.values())
    seen: set[str] = set()
    occurrences: dict[str, int] = {}
    total = _estimate_rows(files) if progress or engine.slots > 1 else None
    count = 0
    read = 0  # rows read from the input so far (chunk_size)

    def tick() -> None:
        if progress:
            progress("score", count, total)

    # Workers write each answers file under a temporary name in the staging folder; this process
    # only chooses the final (unique, safe) name and renames, so file writing runs in parallel.
    staging = str(shared / LEDGER_DIR / STAGING)
    Path(staging).mkdir(parents=True, exist_ok=True)
    executor: Any = engine.executor(_init_worker, (qid, recommend, staging, pdf))
    window: deque[Any] = deque()
    max_in_flight = engine.slots * 3

    def handle(outcomes: list[Outcome]) -> None:
        nonlocal count
        for o in outcomes:
            count += 1
            if o.record is None:
                result.rejected_rows += 1
                result.rejects.append(RejectedRow(o.source, o.row, o.name, o.order, o.errors))
                continue
            stem = namer.assign(o.name)
            rel = f"{ANSWERS_DIR}/{stem}.yaml"
            os.replace(o.staged, outdir / rel)
            o.record.source, o.record.row, o.record.file = o.source, o.row, rel
            ledger.append(o.key, o.order, rel, o.record)
            result.scored += 1
        ledger.flush()
        tick()

    def drain(limit: int) -> None:
        while len(window) > limit:
            handle(window.popleft().result())

    try:
        for fi, f in enumerate(files):
            source = str(f.relative_to(base)) if f != input_path else f.name
            if f.suffix.lower() in ANSWER_SUFFIXES:
                raw = RawRow(source, (fi, 0), None, (), os.path.abspath(f))
                key = row_key(source, (), str(f))
                seen.add(key)
                if key in done:
                    result.resumed += 1
                    count += 1
                    continue
                window.append(executor.submit(_work, [(key, raw)], None))
                drain(max_in_flight)
                continue
            try:
                table = open_table(f, source)
            except InputError as e:
                if f == input_path:
                    raise
                _reject_file(result, source, fi, e)
                continue
            try:
                meta_q = table.meta.get("questionnaire")
                if meta_q and meta_q != q.id:
                    raise InputError(
                        f"{source}：这是问卷 {meta_q} 的答卷模板，本批次按问卷 {q.id} 评分",
                        hint="用 --questionnaire 指定问卷，或把不同问卷的答卷分开处理。",
                    )
                plan = Plan.build(q, table.header, source, table.meta.get("questionnaire_version"))
                chunk: list[tuple[str, RawRow]] = []
                size = chunk_size(engine.score_chunk, engine.slots, read, total)
                for raw in table.rows(plan, fi):
                    read += 1
                    key = row_key(source, raw.values, None)
                    n = occurrences.get(key, 0)
                    occurrences[key] = n + 1
                    if n:
                        key = f"{key}-{n}"
                    seen.add(key)
                    if key in done:
                        result.resumed += 1
                        count += 1
                        continue
                    chunk.append((key, raw))
                    if len(chunk) >= size:
                        window.append(executor.submit(_work, chunk, plan))
                        chunk = []
                        drain(max_in_flight)
                        size = chunk_size(engine.score_chunk, engine.slots, read, total)
                if chunk:
                    window.append(executor.submit(_work, chunk, plan))
                    drain(max_in_flight)
            except InputError as e:
                if f == input_path:
                    raise
                _reject_file(result, source, fi, e)
            finally:
                table.close()
        drain(0)
    finally:
        try:  # the workers first: staged files are removed after this, and none may be written after that
            executor.shutdown(wait=True, cancel_futures=True)
        finally:
            ledger.close()  # (may raise itself on a full disk: its buffer is written out)
    _clear_staging(Path(staging))  # left by tasks that a lost worker ran and another worker ran again

    # drop what an earlier run scored but this input no longer contains
    for k, entry in list(done.items()):
        if k not in seen:
            (outdir / entry.file).unlink(missing_ok=True)
            if entry.pdf:
                (outdir / entry.pdf).unlink(missing_ok=True)
    ordered = ledger.ordered(seen & done.keys())
    del seen, occurrences

    cohort, rollup = tally(ledger, ordered, scheme)

    failed_pdfs: dict[str, str] = {}
    if pdf:
        failed_pdfs = _render_pdfs(
            ledger, ordered, outdir, shared, cohort, engine, result, progress, appendix
        )

    def settle(key: str, record: EnterpriseRecord) -> None:  # the PDF each enterprise ended up with
        record.answers = None  # needed only for the report pass
        if not pdf:
            return
        record.pdf = "" if key in failed_pdfs else _report_of(done[key].file)
        if key in failed_pdfs:
            result.rejects.append(
                RejectedRow(
                    record.source,
                    record.row,
                    record.name,
                    done[key].order,
                    [CellError(record.row, "", "PDF 报告", f"已评分，但报告生成失败：{failed_pdfs[key]}")],
                )
            )

    ledger.rewrite(ordered, settle)  # input order, current enterprises only
    result.rejects.sort(key=lambda r: r.order)
    rec_title = "建议" if recommend and recommendations_available(qid) else "升级差距"
    if rec_title == "升级差距":
        result.notes.append(
            "汇总表中列出的是升到下一等级的前三项差距"
            + ("（未找到“小快轻准”方案目录）。" if recommend else "（已按 --no-recommend 跳过方案推荐）。")
        )
    meta = [
        ("问卷", f"{q.title}（{q.id} {q.version}）"),
        ("评分规则", f"{scheme.rules.title}（{scheme.rules.version}）"),
        ("输入", str(input_path)),
        ("已评分企业", str(len(ordered))),
        ("未通过的行", str(result.rejected_rows)),
        ("生成时间", time.strftime("%Y-%m-%d %H:%M:%S")),
        ("等级说明", q.scheme_note),
    ]
    if progress:
        progress("summary", 0, None)
    try:
        result.summary_xlsx, result.summary_csv = write_summary(
            outdir,
            ledger.records(),
            result.rejects,
            cohort,
            [(d.id, d.name) for d in q.dimensions],
            rec_title,
            meta,
            rollup,
            before,
        )
    finally:
        ledger.close()
    if cohort_pdf:
        from maturity.batch.rollup import write_cohort_pdf

        if progress:
            progress("cohort", 0, None)
        result.cohort_pdf = write_cohort_pdf(outdir, previous=previous, force=True)
    result.elapsed = time.perf_counter() - started
    return result


def tally(ledger: Ledger, keys: list[str], scheme: Any) -> tuple[Cohort, Any]:
    """The cohort (peer standing) and the roll-up (district, assessor and chart sheets) of these enterprises,
    each record read back from the ledger once."""
    from maturity.batch.rollup import Rollup, grade_order

    q = scheme.questionnaire
    cohort = Cohort(
        [(lv.label, lv.name) for lv in scheme.levels],
        [(d.id, d.name) for d in q.dimensions],
        {s.id: s.name for s in q.sub_sectors},
    )
    rollup = Rollup([(lv.label, lv.name) for lv in scheme.levels], grade_order())
    for k in keys:
        r = ledger.record(ledger.index[k])
        cohort.add(r.sub_sector, r.level, r.score, r.dims)
        rollup.add(r)
    cohort.finalise()
    return cohort, rollup


def _answers_from_file(path: Path) -> dict[str, Any]:
    """Checked answers of an enterprise scored by an earlier run without --pdf (its ledger kept none)."""
    from maturity.load.answers import load_answers

    return load_answers(path).answers.model_dump(mode="json", exclude_defaults=True)


def _report_of(answers_file: str) -> str:
    """The report beside an answers file, relative to OUTDIR (reports/<same stem>.pdf)."""
    return f"{REPORTS_DIR}/{Path(answers_file).stem}.pdf"


def _render_pdfs(
    ledger: Ledger,
    keys: list[str],
    outdir: Path,
    shared: Path,
    cohort: Cohort,
    engine: Any,
    result: BatchResult,
    progress: Callable[[str, int, int | None], None] | None,
    appendix: bool = False,
) -> dict[str, str]:
    """Render every report (a bounded number of chunks in flight); returns key -> error for those that failed."""
    (outdir / REPORTS_DIR).mkdir(exist_ok=True)
    executor: Any = engine.executor()
    failed: dict[str, str] = {}
    window: deque[tuple[list[str], Any]] = deque()
    step = engine.pdf_chunk
    n = 0

    def take() -> None:
        nonlocal n
        chunk_keys, fut = window.popleft()
        for key, (_pdf_path, error) in zip(chunk_keys, fut.result(), strict=True):
            n += 1
            if error:
                failed[key] = error
            else:
                result.pdfs += 1
        if progress:
            progress("pdf", n, len(keys))

    try:
        for i in range(0, len(keys), step):
            chunk_keys = keys[i : i + step]
            items = []
            for key in chunk_keys:
                entry = ledger.index[key]
                rec = ledger.record(entry)
                answers = rec.answers if rec.answers is not None else _answers_from_file(outdir / entry.file)
                items.append(
                    (
                        answers,
                        str(shared / _report_of(entry.file)),
                        cohort.standing(rec.sub_sector, rec.score, rec.dims),
                    )
                )
            window.append((chunk_keys, executor.submit(_pdf_work, items, appendix)))
            while len(window) > engine.slots * 2:
                take()
        while window:
            take()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    for stale in (outdir / REPORTS_DIR).glob(".*.pdf.*.tmp"):  # a report half-written by a lost worker
        stale.unlink(missing_ok=True)
    result.pdf_failed += len(failed)
    return failed


def _clear_staging(staging: Path) -> None:
    for stale in staging.glob(".staged-*.tmp"):
        stale.unlink(missing_ok=True)


def clean_outdir(outdir: Path) -> None:
    """Remove a batch output folder entirely (tests and benchmarks)."""
    shutil.rmtree(outdir, ignore_errors=True)
