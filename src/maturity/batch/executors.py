"""Where a batch's work runs: a local process pool (``--jobs``) or a Dask cluster (``--cluster``).

Both give :class:`Engine` objects with the same small interface, so :mod:`.runner` does not care which:

- ``engine.executor(initializer, initargs)`` -> an object with ``submit(fn, *args)`` (returning something with
  ``.result()``) and ``shutdown()``; every task sees the worker state ``initializer(*initargs)`` set up;
- ``engine.slots`` (tasks that can run at once), ``engine.score_chunk`` / ``engine.pdf_chunk`` (work per task);
- ``engine.check(shared_dir, qid)`` before any work: on a cluster, every worker must see ``shared_dir`` and run
  the same maturity and questionnaire; ``engine.close()``.

Dask (the optional extra ``maturity[cluster]``) is imported only here and only when a cluster is asked for.
On a cluster the worker state is set up lazily inside each task (keyed by the initializer's arguments), so
workers that join late or are restarted after a crash get it too; the scheduler re-runs the tasks of a lost
worker elsewhere, and each task is retried twice on an error (a transient NFS hiccup).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import secrets
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from maturity.errors import ClusterError, InputError

LOCAL_SCORE_CHUNK = 32  # rows per task in a local pool: pickling is cheap, small chunks balance well
LOCAL_PDF_CHUNK = 4
CLUSTER_SCORE_CHUNK = (
    200  # rows per task on a cluster: a few hundred keeps scheduler and network overhead small
)
CLUSTER_PDF_CHUNK = 2  # reports per task (about a core-second each): short tasks, little lost with a worker
CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler
WORKERS_TIMEOUT = 60.0  # seconds to wait for a first worker, or for one to come back when all are gone
TASK_RETRIES = 2
CHECK_FILE = "cluster-check"  # written by the client into the shared folder; each worker must read it back


@dataclass(frozen=True)
class Identity:
    """What must be the same on the client and on every worker: the program and the questionnaire it scores."""

    maturity: str
    questionnaire: str
    questionnaire_version: str
    rules_version: str
    digest: str  # of the questionnaire and rules files: catches edited data under an unchanged version
    code: str = ""  # of the program's own source files: catches a changed program under an unchanged version

    def describe(self) -> str:
        return (
            f"maturity {self.maturity}（程序 {self.code}），问卷 {self.questionnaire} {self.questionnaire_version}，"
            f"评分规则 {self.rules_version}（数据 {self.digest}）"
        )


def identity(qid: str) -> Identity:
    import maturity
    from maturity.load import bundled

    scheme = bundled.scheme(qid)
    h = hashlib.blake2b(digest_size=4)
    for path in (bundled.questionnaire_path(qid), bundled.rules_path(qid)):
        h.update(Path(path).read_bytes())
    return Identity(
        maturity.__version__,
        qid,
        scheme.questionnaire.version,
        scheme.rules.version,
        h.hexdigest(),
        _code_digest(),
    )


@functools.cache
def _code_digest() -> str:
    root = Path(__file__).resolve().parents[1]  # the maturity package
    h = hashlib.blake2b(digest_size=4)
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


# ---- the local pool -----------------------------------------------------------------------------
class Inline:
    """The executor interface, run in this process (``--jobs 1``)."""

    def __init__(self, initializer: Callable | None = None, *initargs: Any) -> None:
        if initializer is not None:
            initializer(*initargs)

    def submit(self, fn: Callable, *args: Any) -> Future:
        f: Future = Future()
        f.set_result(fn(*args))
        return f

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def _this_process() -> tuple[int, int | None]:
    """The main process as its pool workers watch it: (pid, start time)."""
    from maturity.batch import liveness

    return os.getpid(), liveness.start_time(os.getpid())


def _pool_worker(main: tuple[int, int | None], initializer: Callable | None, initargs: tuple) -> None:
    """A local pool worker: exit when the main process dies (no orphans), then set up the worker state."""
    from maturity.batch.parent_watch import exit_with_parent

    exit_with_parent(*main)
    if initializer is not None:
        initializer(*initargs)


def _watch_main(distributed: Any, main: tuple[int, int | None]) -> Any:
    """A Dask worker plugin: the worker exits when the main process that started the local cluster is gone
    (made here because distributed is imported only when a cluster is asked for)."""

    class WatchMain(distributed.WorkerPlugin):
        def __init__(self, main: tuple[int, int | None]) -> None:
            self.main = main

        def setup(self, worker: Any) -> None:
            from maturity.batch.parent_watch import exit_with_parent

            exit_with_parent(*self.main)

    return WatchMain(main)


class LocalPool:
    """``--jobs N``: a process pool on this machine (or this process itself for N = 1)."""

    score_chunk = LOCAL_SCORE_CHUNK
    pdf_chunk = LOCAL_PDF_CHUNK

    def __init__(self, jobs: int) -> None:
        self.slots = jobs

    def executor(self, initializer: Callable | None = None, initargs: tuple = ()) -> Any:
        if self.slots == 1:
            return Inline(initializer, *initargs)
        return ProcessPoolExecutor(
            max_workers=self.slots,
            initializer=_pool_worker,
            initargs=(_this_process(), initializer, initargs),
        )

    def check(self, shared_dir: Path, qid: str) -> None:
        pass

    def close(self) -> None:
        pass


def local_pool(jobs: int) -> LocalPool:
    return LocalPool(max(1, jobs))


# ---- the Dask cluster ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ClusterSpec:
    """What ``--cluster`` asked for: ``local[:N]`` (a cluster on this machine) or a scheduler's address."""

    address: str | None  # None: a local cluster
    workers: int = 0  # for a local cluster

    @classmethod
    def parse(cls, text: str) -> ClusterSpec:
        t = text.strip()
        if t == "local" or t.startswith("local:"):
            n = t.partition(":")[2]
            if n and not (n.isdigit() and int(n) >= 1):
                raise InputError(f"--cluster {text}：local 后面应为工作进程数（正整数），如 local:4")
            return cls(None, int(n) if n else max(1, os.cpu_count() or 1))
        if "://" not in t:
            t = "tcp://" + t
        scheme, _, rest = t.partition("://")
        host, _, port = rest.rpartition(":")
        if scheme not in ("tcp", "tls") or not host or not port.isdigit():
            raise InputError(
                f"--cluster {text}：应为 Dask 调度器地址（如 tcp://192.168.1.10:8786）或 local[:N]"
            )
        return cls(t)

    def describe(self) -> str:
        return self.address or f"本机 {self.workers} 个工作进程"


def _require_distributed() -> Any:
    try:
        import distributed
    except ImportError as e:
        raise ClusterError(
            f"使用 --cluster 需要安装可选组件 dask.distributed（{e.name or 'distributed'} 未安装）",
            hint='请在本机和每台工作机上安装：pip install "maturity[cluster]"（与本机相同的 maturity 版本）；'
            "或去掉 --cluster，改用 --jobs 在本机并行。",
        ) from None
    return distributed


_READY: Setup | None = None  # what this worker process last set up
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Setup:
    """What a Dask worker checks and sets up before its first task of a batch."""

    initializer: Callable | None = None
    initargs: tuple = ()
    expected: Identity | None = None  # the client's; None: not checked
    shared_dir: str = ""  # must exist on the worker ("" : not checked)


def _task(setup: Setup, fn: Callable, *args: Any) -> Any:
    """What runs on a Dask worker: check and set the worker state up once (per worker process), then the work."""
    _prepare(setup)
    return fn(*args)


def _packed_task(setup: Setup, payload: bytes) -> bytes:
    """:func:`_task` with its work and its result pickled by this program, not by Dask (see
    :meth:`_DaskExecutor.submit`); the worker is checked before the work is unpacked."""
    _prepare(setup)
    fn, args = pickle.loads(payload)
    return pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)


def _prepare(setup: Setup) -> None:
    """Check and set this worker process up for ``setup``, once.

    Workers that join after :meth:`DaskCluster.check` (or are restarted) are checked here, before their first task.
    """
    global _READY
    with _LOCK:
        if setup != _READY:
            where = f"工作进程（主机 {socket.gethostname()}）"
            if setup.expected is not None:
                mine = identity(setup.expected.questionnaire)
                if mine != setup.expected:
                    raise ClusterError(
                        f"{where}的版本与本机不一致："
                        f"工作进程为 {mine.describe()}，本机为 {setup.expected.describe()}"
                    )
            if setup.shared_dir and not os.path.isdir(setup.shared_dir):
                raise ClusterError(f"{where}看不到输出文件夹 {os.path.dirname(setup.shared_dir)}")
            if setup.initializer is not None:
                setup.initializer(*setup.initargs)
            _READY = setup


def _scheduler_identity(qid: str) -> Identity:
    return identity(qid)


def _probe(marker: str, token: str, qid: str) -> tuple[str, bool, str, Identity | None]:
    """Run on every worker before any work: (host, sees the shared folder, what is wrong there, identity)."""
    host = socket.gethostname()
    try:
        seen = Path(marker).read_text(encoding="utf-8").strip() == token
    except OSError:
        seen = False
    problem = ""
    if seen:
        try:
            fd, tmp = tempfile.mkstemp(prefix=".probe-", suffix=".tmp", dir=os.path.dirname(marker))
            os.close(fd)
            os.unlink(tmp)
        except OSError as e:
            problem = f"无法在其中写文件（{e.strerror or e}）"
    try:
        ident: Identity | None = identity(qid)
    except Exception:  # a worker without this questionnaire: reported as a version mismatch
        ident = None
    return host, seen, problem, ident


class _DaskFuture:
    """A Dask future whose ``result()`` turns the cluster's failures into clear errors."""

    def __init__(self, engine: DaskCluster, future: Any) -> None:
        self._engine = engine
        self._future = future

    def result(self) -> Any:
        return pickle.loads(self._engine.wait(self._future))


class _DaskExecutor:
    def __init__(self, engine: DaskCluster, setup: Setup) -> None:
        self._engine = engine
        self._setup = setup
        self._futures: set[Any] = set()

    def submit(self, fn: Callable, *args: Any) -> _DaskFuture:
        # The rows of a task (a few KB each) and its results travel as one opaque bytes object: the scheduler
        # unpickles every task graph it receives and pickles each task again for its worker, and a local
        # cluster's scheduler runs in this process, beside the reader; bytes pass through it as one copy.
        payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        f = self._engine.client.submit(_packed_task, self._setup, payload, pure=False, retries=TASK_RETRIES)
        self._futures.add(f)
        f.add_done_callback(self._futures.discard)
        return _DaskFuture(self._engine, f)

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        if cancel_futures and self._futures:
            with contextlib.suppress(Exception):
                self._engine.client.cancel(list(self._futures))
        self._futures.clear()


class DaskCluster:
    """``--cluster``: a Dask scheduler somewhere (workers on several machines), or a local cluster."""

    score_chunk = CLUSTER_SCORE_CHUNK
    pdf_chunk = CLUSTER_PDF_CHUNK

    def __init__(self, spec: ClusterSpec) -> None:
        distributed = _require_distributed()
        self.spec = spec
        self._distributed = distributed
        self._local: Any = None
        self._expected: Identity | None = None
        self._shared = ""
        logging.getLogger("distributed").setLevel(logging.ERROR)  # lost workers are handled, not news
        if spec.address is None:
            self._local = self._start_local(distributed, spec.workers)
            self.client = distributed.Client(self._local, timeout=CONNECT_TIMEOUT)
            # A local cluster's workers are this process's children: like the local pool's, they exit when it
            # dies (kill -9 included). The plugin also reaches workers started later (a lost one restarted).
            self.client.register_plugin(_watch_main(distributed, _this_process()), name="maturity-watch-main")
        else:
            _reachable(spec.address)
            try:
                self.client = distributed.Client(spec.address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as e:
                raise ClusterError(
                    f"无法连接 Dask 调度器 {spec.address}：{CONNECT_TIMEOUT:.0f} 秒内未连上（{_reason(e)}）",
                    hint=_UNREACHABLE_HINT,
                ) from None
        self.slots = self._wait_for_workers()

    @staticmethod
    def _start_local(distributed: Any, n: int) -> Any:
        import dask

        # Fork the workers from this process, which has maturity and the questionnaire loaded already:
        # a worker is ready in a fraction of a second instead of importing everything again (spawn).
        # Set for good, not just here: a worker lost mid-run is restarted (forked) later. The workers' sampling
        # profiler (every 10 ms, for the dashboard) is off: there is no dashboard, and it costs CPU.
        # The servers' housekeeping runs less often than for an interactive cluster (event-loop health ticks
        # every 20 ms, memory and system monitors every 0.1-0.5 s, in this process and in each worker): at
        # those defaults an idle local:2 cluster takes about 7 % of a core from the reader and the workers,
        # at these about 1 %.
        dask.config.set(
            {
                "distributed.worker.multiprocessing-method": "fork",
                "distributed.worker.profile.enabled": False,
                "distributed.admin.tick.interval": "1s",
                "distributed.admin.system-monitor.interval": "2s",
                "distributed.worker.memory.monitor-interval": "1s",
            }
        )
        return distributed.LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            worker_dashboard_address=None,
            silence_logs=logging.ERROR,
            # no dashboard; its bare HTTP endpoint on a free loopback port
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        )

    def _wait_for_workers(self) -> int:
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
        except TimeoutError:
            self.close()
            raise ClusterError(
                f"Dask 调度器 {self.spec.describe()} 上没有工作进程（等待了 {WORKERS_TIMEOUT:.0f} 秒）",
                hint="请在各台工作机上启动：dask worker <调度器地址> --nworkers N --nthreads 1",
            ) from None
        return max(1, sum(self.client.nthreads().values()))

    def check(self, shared_dir: Path, qid: str) -> None:
        """Every worker sees ``shared_dir`` (a file this process writes there) and runs what this process runs."""
        self._expected = mine = identity(qid)
        self._shared = str(shared_dir)
        marker = Path(shared_dir) / CHECK_FILE
        token = secrets.token_hex(8)
        marker.write_text(token, encoding="utf-8")
        try:
            answers = self.client.run(_probe, str(marker), token, qid, on_error="return")
        finally:
            marker.unlink(missing_ok=True)
        try:  # the scheduler reads the tasks too: it needs the same program
            theirs: Identity | None = self.client.run_on_scheduler(_scheduler_identity, qid)
        except Exception:
            theirs = None
        if theirs != mine:
            raise ClusterError(
                f"Dask 调度器 {self.spec.describe()} 的环境与本机不一致：调度器为 "
                f"{theirs.describe() if theirs else '无法运行本版本的 maturity（未安装或版本不同）'}，本机为 {mine.describe()}",
                hint=f'调度器所在机器也要安装同一版本：pip install "maturity[cluster]=={mine.maturity}"，然后重启 dask scheduler。',
            )
        for worker, answer in sorted(answers.items()):
            if isinstance(answer, BaseException):
                raise ClusterError(
                    f"工作进程 {worker} 无法运行 maturity：{_reason(answer)}",
                    hint=f'请在每台工作机上安装与本机相同的版本：pip install "maturity[cluster]=={mine.maturity}"',
                )
            host, seen, problem, theirs = answer
            where = f"工作进程 {worker}（主机 {host}）"
            if theirs != mine:
                raise ClusterError(
                    f"{where}的版本与本机不一致：工作进程为 {theirs.describe() if theirs else '无此问卷'}，"
                    f"本机为 {mine.describe()}",
                    hint=f'请在所有机器上安装同一版本：pip install "maturity[cluster]=={mine.maturity}"，'
                    "然后重启 dask worker。",
                )
            if not seen:
                raise ClusterError(
                    f"{where}看不到输出文件夹 {shared_dir.parent}",
                    hint="输出文件夹必须在所有机器都能访问的共享目录（NFS 等）上，并且各机器上的路径相同；"
                    "请用 -o 指定该共享目录下的文件夹（如 /mnt/maturity/结果）。",
                )
            if problem:
                raise ClusterError(
                    f"{where}能看到输出文件夹 {shared_dir.parent}，但{problem}",
                    hint="请检查共享目录的写权限（NFS 的 root_squash、各机器上运行 dask worker 的用户）。",
                )

    def executor(self, initializer: Callable | None = None, initargs: tuple = ()) -> _DaskExecutor:
        return _DaskExecutor(self, Setup(initializer, initargs, self._expected, self._shared))

    def wait(self, future: Any) -> Any:
        """A task's result; clear errors when the cluster fails it, or is left without workers for too long."""
        distributed = self._distributed
        idle_since: float | None = None
        while True:
            try:
                return future.result(timeout=5)
            except TimeoutError:
                if self.client.status != "running":
                    raise self._lost() from None
                if self.client.nthreads():
                    idle_since = None
                elif idle_since is None:
                    idle_since = time.monotonic()
                elif time.monotonic() - idle_since > WORKERS_TIMEOUT:
                    raise ClusterError(
                        f"Dask 集群 {self.spec.describe()} 上已没有工作进程（{WORKERS_TIMEOUT:.0f} 秒内未恢复）",
                        hint="已完成的企业已记入续跑记录；启动 dask worker 后加 --resume 重跑即可继续。",
                    ) from None
            except distributed.client.FutureCancelledError:
                raise self._lost() from None
            except RuntimeError as e:
                if "deserializ" not in str(e):
                    raise
                raise ClusterError(
                    f"集群无法读取任务（调度器或工作进程的软件环境与本机不同）：{_reason(e)}",
                    hint=f'请在所有机器上安装同一版本：pip install "maturity[cluster]=={self._expected.maturity if self._expected else ""}"，'
                    "然后重启 dask scheduler 和 dask worker。",
                ) from None
            except distributed.KilledWorker as e:
                raise ClusterError(
                    f"同一批任务多次使工作进程退出（内存不足或被终止）：{_reason(e)}",
                    hint="已完成的企业已记入续跑记录；检查工作机内存后加 --resume 重跑即可继续。",
                ) from None

    def _lost(self) -> ClusterError:
        return ClusterError(
            f"与 Dask 调度器 {self.spec.describe()} 的连接中断",
            hint="已完成的企业已记入续跑记录；调度器恢复后加 --resume 重跑即可继续。",
        )

    def close(self) -> None:
        if self._local is not None:
            # Our own workers are about to lose their scheduler: a heartbeat caught mid-shutdown is logged by
            # distributed as an ERROR with a traceback, after a run that went well. Not news to the user.
            with contextlib.suppress(Exception):
                self.client.run(_quiet_distributed_logs)
            _quiet_distributed_logs()
        with contextlib.suppress(Exception):
            self.client.close(timeout=10)
        if self._local is not None:
            with contextlib.suppress(Exception):
                self._local.close(timeout=10)
            self._local = None


def _quiet_distributed_logs() -> None:
    """In a worker (or here) at the end of a local cluster's run: distributed's shutdown races stay silent."""
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


_UNREACHABLE_HINT = "请确认 dask scheduler 已启动、地址和端口正确、防火墙放行该端口（默认 8786）。"


def _reachable(address: str) -> None:
    """Fail at once where no scheduler can answer, and within CONNECT_TIMEOUT where nothing speaks.

    Dask's client retries a refused connection until its timeout (10 s of a mistyped port), and waits for ever
    on a port that accepts the connection but never speaks (its handshake read has no timeout). A scheduler
    sends its handshake as soon as it accepts a plain TCP connection, so one byte within the timeout says
    something Dask-like is there; TLS schedulers wait for the client's hello, so for them only the connection
    is checked."""
    scheme, _, rest = address.partition("://")
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    fail = functools.partial(_unreachable, address)
    try:
        with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT) as conn:
            if scheme == "tcp" and not conn.recv(1):
                fail("对方接受连接后立即关闭，不是 Dask 调度器")
    except socket.gaierror:
        fail(f"找不到主机“{host}”（主机名无法解析）")
    except ConnectionRefusedError:
        fail(f"连接被拒绝（该主机的 {port} 端口上没有程序在监听）")
    except TimeoutError:
        fail(
            f"{CONNECT_TIMEOUT:.0f} 秒内未连上或对方没有应答（该端口上可能不是 Dask 调度器，或被防火墙拦截）"
        )
    except OSError as e:
        fail(_reason(e))


def _unreachable(address: str, why: str) -> NoReturn:
    raise ClusterError(f"无法连接 Dask 调度器 {address}：{why}", hint=_UNREACHABLE_HINT)


def _reason(e: BaseException) -> str:
    text = str(e).strip()
    return f"{type(e).__name__}：{text}" if text else type(e).__name__


def open_engine(jobs: int | None, cluster: str | None) -> LocalPool | DaskCluster:
    """The engine the user asked for: ``--cluster`` if given, else a local pool of ``--jobs`` processes."""
    if cluster:
        return DaskCluster(ClusterSpec.parse(cluster))
    return local_pool(jobs or os.cpu_count() or 1)
