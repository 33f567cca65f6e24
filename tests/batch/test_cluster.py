"""`maturity batch --cluster`: the same results on a Dask cluster, workers lost mid-run, clear errors.

Every cluster here lives on 127.0.0.1 (2 workers, 1 thread each, no dashboard) and is always closed.
"""

from __future__ import annotations

import builtins
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import pytest

from maturity import api
from maturity.batch import executors, runner
from maturity.batch.executors import ClusterSpec, DaskCluster
from maturity.batch.export import Namer
from maturity.batch.runner import LEDGER_DIR, run_batch
from maturity.errors import ClusterError, InputError

sys.path.insert(0, str(Path(__file__).parent))
from maturity.batch import synthetic as synth

needs_dask = pytest.mark.skipif(
    find_spec("distributed") is None,
    reason='dask.distributed is not installed (pip install -e ".[test,cluster]")',
)


@pytest.fixture(scope="session")
def q():
    return api.scheme("light-industry").questionnaire


def write_input(q, path: Path, n: int, seed: int) -> list[synth.SynthRow]:
    rng = random.Random(seed)
    rows = [synth.make_row(q, rng, i) for i in range(n)]
    path.write_bytes(synth.write_csv(q, rows))
    return rows


def cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "maturity", "batch", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def summary_names(outdir: Path) -> list[str]:
    with open(outdir / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        return [r["企业名称"] for r in csv.DictReader(fh)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def scheduler():
    """A Dask cluster on 127.0.0.1 that run_batch reaches by its address, as a remote one."""
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close(timeout=30)


# ---- what --cluster accepts ------------------------------------------------------------------------
def test_cluster_spec():
    assert ClusterSpec.parse("local:3") == ClusterSpec(None, 3)
    assert ClusterSpec.parse("local").workers == (os.cpu_count() or 1)
    assert ClusterSpec.parse("tcp://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    assert ClusterSpec.parse("node1:8786").address == "tcp://node1:8786"
    for bad in ("local:0", "local:x", "tcp://node1", "http://node1:8786", "8786"):
        with pytest.raises(InputError):
            ClusterSpec.parse(bad)


def test_jobs_and_cluster_together_is_a_usage_error(tmp_path, q):
    write_input(q, tmp_path / "in.csv", 2, seed=1)
    r = cli(tmp_path / "in.csv", "-o", tmp_path / "out", "--jobs", "2", "--cluster", "local:2")
    assert (
        r.returncode == 1 and "--jobs 与 --cluster 不能同时使用" in r.stderr and "Traceback" not in r.stderr
    )
    assert not (tmp_path / "out").exists()


# ---- clear errors ----------------------------------------------------------------------------------
def test_missing_extra_is_a_clear_error(tmp_path, q, monkeypatch):
    write_input(q, tmp_path / "in.csv", 2, seed=1)
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.split(".")[0] in ("dask", "distributed"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    monkeypatch.delitem(sys.modules, "distributed", raising=False)
    with pytest.raises(ClusterError) as e:
        run_batch(tmp_path / "in.csv", tmp_path / "out", cluster="local:2")
    assert "maturity[cluster]" in e.value.hint and "distributed" in e.value.message
    assert not (tmp_path / "out").exists(), "nothing is written when the cluster cannot be used"


@needs_dask
def test_refused_scheduler_is_a_clear_error_at_once(tmp_path, q, monkeypatch):
    """Nothing listens on the port: refused at once, without Dask's retries until its timeout (10 s)."""
    import distributed

    write_input(q, tmp_path / "in.csv", 2, seed=1)
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there

    def no_client(*args, **kwargs):
        raise AssertionError("a refused port is reported before Dask's client starts retrying")

    monkeypatch.setattr(distributed, "Client", no_client)
    with pytest.raises(ClusterError) as e:
        run_batch(tmp_path / "in.csv", tmp_path / "out", cluster=address)
    assert e.value.message.startswith(f"无法连接 Dask 调度器 {address}") and "连接被拒绝" in e.value.message
    assert "dask scheduler 已启动" in e.value.hint and "防火墙" in e.value.hint
    assert not (tmp_path / "out").exists()


@needs_dask
def test_unknown_scheduler_host_is_a_clear_error(tmp_path, q, monkeypatch):
    write_input(q, tmp_path / "in.csv", 2, seed=1)

    def no_such_host(address, *args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "create_connection", no_such_host)
    with pytest.raises(ClusterError) as e:
        run_batch(tmp_path / "in.csv", tmp_path / "out", cluster="tcp://node-x:8786")
    assert "找不到主机“node-x”" in e.value.message and "Traceback" not in e.value.message
    assert not (tmp_path / "out").exists()


@needs_dask
@pytest.mark.slow
def test_scheduler_that_never_answers_is_a_clear_error_after_the_timeout(tmp_path, q, monkeypatch):
    """A port that accepts the connection but never speaks (not a scheduler, or one that hangs): Dask's own
    client would wait for its handshake for ever."""
    write_input(q, tmp_path / "in.csv", 2, seed=1)
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", 1.0)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the connection; nobody ever reads or writes
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(ClusterError) as e:
            run_batch(tmp_path / "in.csv", tmp_path / "out", cluster=address)
    assert (
        e.value.message
        == f"无法连接 Dask 调度器 {address}：1 秒内未连上或对方没有应答（该端口上可能不是 Dask 调度器，或被防火墙拦截）"
    )
    assert "dask scheduler 已启动" in e.value.hint
    assert not (tmp_path / "out").exists()


@needs_dask
@pytest.mark.slow
def test_unreachable_scheduler_from_the_environment_cli(tmp_path, q):
    write_input(q, tmp_path / "in.csv", 2, seed=1)
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens: refused at once (the test above)
    r = cli(tmp_path / "in.csv", "-o", tmp_path / "out", env={"DASK_SCHEDULER_ADDRESS": address})
    assert r.returncode == 1, r.stderr
    assert "无法连接 Dask 调度器" in r.stderr and address in r.stderr and "Traceback" not in r.stderr
    assert "连接被拒绝" in r.stderr and not (tmp_path / "out").exists()


@pytest.mark.slow
@needs_dask
def test_workers_that_cannot_see_outdir_or_run_another_version_are_refused(tmp_path, q, monkeypatch):
    """Checked before any work, by every worker, on a file this process writes into OUTDIR."""
    write_input(q, tmp_path / "in.csv", 3, seed=2)
    real = executors._probe
    # the workers are forked from this process after the patch: they look for the file elsewhere
    monkeypatch.setattr(
        executors, "_probe", lambda marker, token, qid: real(marker + ".elsewhere", token, qid)
    )
    with pytest.raises(ClusterError) as e:
        run_batch(tmp_path / "in.csv", tmp_path / "out", cluster="local:1")
    assert "看不到输出文件夹" in e.value.message and "tcp://127.0.0.1:" in e.value.message
    assert "共享目录" in e.value.hint
    assert not (tmp_path / "out").exists()  # nothing scored, and no empty folder left behind

    def other_version(marker, token, qid):
        host, seen, problem, ident = real(marker, token, qid)
        return host, seen, problem, executors.Identity("9.9.9", *list(vars(ident).values())[1:])

    monkeypatch.setattr(executors, "_probe", other_version)
    with pytest.raises(ClusterError) as e:
        run_batch(tmp_path / "in.csv", tmp_path / "out", cluster="local:1", force=True)
    assert "版本与本机不一致" in e.value.message and "maturity 9.9.9" in e.value.message
    assert "pip install" in e.value.hint

    # the scheduler unpickles the tasks, so it needs the same program too (a local cluster's runs in this process)
    monkeypatch.setattr(executors, "_probe", real)
    monkeypatch.setattr(executors, "_scheduler_identity", lambda qid: None)
    with pytest.raises(ClusterError) as e:
        run_batch(tmp_path / "in.csv", tmp_path / "out", cluster="local:1", force=True)
    assert "调度器" in e.value.message and "环境与本机不一致" in e.value.message


def test_a_worker_that_joins_late_checks_itself(q, tmp_path):
    """Workers that join after the check verify version and shared folder themselves, before their first task."""
    mine = executors.identity(q.id)
    theirs = executors.Identity("0.0.0-other", *list(vars(mine).values())[1:])
    with pytest.raises(ClusterError, match="版本与本机不一致"):
        executors._task(executors.Setup(expected=theirs), len, "abc")
    with pytest.raises(ClusterError, match="看不到输出文件夹"):
        executors._task(
            executors.Setup(expected=mine, shared_dir="/nonexistent/out/.maturity-batch"), len, "abc"
        )
    assert executors._task(executors.Setup(expected=mine, shared_dir=str(tmp_path)), len, "abc") == 3


# ---- same results -----------------------------------------------------------------------------------
@needs_dask
@pytest.mark.slow
def test_remote_cluster_summary_equals_local_pool(tmp_path, q, scheduler):
    write_input(q, tmp_path / "in.csv", 450, seed=3)  # three scoring tasks of up to 200 rows
    local = run_batch(tmp_path / "in.csv", tmp_path / "pool", jobs=2)
    remote = run_batch(tmp_path / "in.csv", tmp_path / "cluster", cluster=scheduler)
    assert (remote.scored, remote.rejected_rows) == (local.scored, local.rejected_rows) == (450, 0)
    assert (tmp_path / "cluster" / "summary.csv").read_bytes() == (
        tmp_path / "pool" / "summary.csv"
    ).read_bytes()
    assert sorted(p.name for p in (tmp_path / "cluster" / "answers").iterdir()) == sorted(
        p.name for p in (tmp_path / "pool" / "answers").iterdir()
    )
    assert not any((tmp_path / "cluster" / LEDGER_DIR / "staging").iterdir())


@needs_dask
@pytest.mark.slow
def test_cli_local_cluster_summary_equals_jobs_two(tmp_path, q):
    write_input(q, tmp_path / "in.csv", 300, seed=4)
    a = cli(tmp_path / "in.csv", "-o", tmp_path / "a", "--jobs", "2", "--no-recommend")
    b = cli(tmp_path / "in.csv", "-o", tmp_path / "b", "--cluster", "local:2", "--no-recommend")
    assert a.returncode == 0 and b.returncode == 0, b.stderr
    assert "评分 300 家" in b.stderr and "Traceback" not in b.stderr
    assert (tmp_path / "a" / "summary.csv").read_bytes() == (tmp_path / "b" / "summary.csv").read_bytes()


# ---- faults -------------------------------------------------------------------------------------------
def _pdf_ok(path: Path) -> bool:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True).returncode == 0


@needs_dask
@pytest.mark.slow
def test_worker_killed_mid_run_every_firm_exactly_once(tmp_path, q, monkeypatch):
    """kill -9 of a worker while scoring, and of another while rendering: every firm once, every PDF valid."""
    import distributed

    n = 6
    rows = write_input(q, tmp_path / "in.csv", n, seed=5)
    starts = tmp_path / "starts.log"
    real_score = runner._score_one

    def slow_score(scheme, plan, key, raw):  # the local cluster's workers are forked from here: they run this
        with open(starts, "a") as fh:
            fh.write(key + "\n")
        time.sleep(0.15)
        return real_score(scheme, plan, key, raw)

    monkeypatch.setattr(runner, "_score_one", slow_score)
    monkeypatch.setattr(DaskCluster, "score_chunk", 2)
    monkeypatch.setattr(DaskCluster, "pdf_chunk", 1)
    killed: list[str] = []

    def kill_a_worker(stage: str) -> None:
        pids = distributed.default_client().run(os.getpid)
        os.kill(sorted(pids.values())[0], signal.SIGKILL)
        killed.append(stage)

    def progress(stage: str, done: int, total: int | None) -> None:
        if stage == "score" and done >= 2 and "score" not in killed:
            kill_a_worker("score")
        if stage == "pdf" and done >= 2 and "pdf" not in killed:
            kill_a_worker("pdf")

    res = run_batch(
        tmp_path / "in.csv", tmp_path / "out", cluster="local:2", recommend=False, pdf=True, progress=progress
    )
    assert killed == ["score", "pdf"]
    assert (res.scored, res.pdfs, res.pdf_failed, res.rejected_rows) == (n, n, 0, 0)
    starts_seen = starts.read_text().split()
    assert len(starts_seen) > len(set(starts_seen)) == n, "the killed worker's task was run again"

    out = tmp_path / "out"
    assert sorted(summary_names(out)) == sorted(r.name for r in rows)  # every firm exactly once
    ledger = [
        json.loads(line)["key"] for line in (out / LEDGER_DIR / "ledger.jsonl").read_text().splitlines()
    ]
    assert len(ledger) == len(set(ledger)) == n
    answers = sorted(p.name for p in (out / "answers").iterdir())
    namer = Namer()  # the names the batch gives (safe on every platform), each firm's own stem
    stems = [namer.assign(r.name) for r in rows]
    assert answers == sorted(f"{s}.yaml" for s in stems), "no duplicate (-2) answers files"
    reports = sorted((out / "reports").iterdir())
    assert [p.name for p in reports] == sorted(f"{s}.pdf" for s in stems)
    assert all(_pdf_ok(p) for p in reports)
    assert not any((out / LEDGER_DIR / "staging").iterdir())


@needs_dask
@pytest.mark.slow
def test_client_killed_then_resume_completes(tmp_path, q):
    """kill -9 of `maturity batch --cluster local:2` itself: its workers go too, and --resume finishes the job."""
    import psutil

    n = 1600
    write_input(q, tmp_path / "in.csv", n, seed=6)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "maturity",
            "batch",
            str(tmp_path / "in.csv"),
            "-o",
            str(out),
            "--cluster",
            "local:2",
            "--no-recommend",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        ledger = out / ".maturity-batch" / "ledger.jsonl"

        def recorded() -> bool:  # a result the resumed run can reuse is on disk, not only an answers file
            try:
                return b"\n" in ledger.read_bytes()
            except OSError:
                return False

        while not recorded():
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "batch made no progress"
            time.sleep(0.05)
        workers = psutil.Process(proc.pid).children(recursive=True)
        assert len(workers) >= 2
    finally:
        proc.kill()
        proc.wait(timeout=60)
    _, alive = psutil.wait_procs(workers, timeout=60)
    assert not alive, "the local cluster's workers end with the client"
    partial = sum(1 for _ in (out / "answers").iterdir())
    assert 0 < partial < n

    r = cli(tmp_path / "in.csv", "-o", out, "--cluster", "local:2", "--no-recommend", "--resume")
    assert r.returncode == 0, r.stderr
    assert "沿用上次结果" in r.stderr
    names = summary_names(out)
    assert len(names) == len(set(names)) == n
    assert sum(1 for _ in (out / "answers").iterdir()) == n


def test_batch_help_does_not_import_dask():
    code = (
        "import sys\nfrom maturity.cli import app\ntry:\n    app(['batch', '--help'])\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('dask', 'distributed') if m in sys.modules], file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "--cluster" in r.stdout and "DASK_SCHEDULER_ADDRESS" in r.stdout
    assert r.stderr.strip().splitlines()[-1] == "[]"
