"""A real terminal: the interview in a pty, interrupted by SIGINT or SIGKILL at a random question, then resumed.

Uses only the standard library (``pty``, ``os``, ``select``); POSIX only.
"""

from __future__ import annotations

import os
import random
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from maturity.interview import store
from tests.interview.driver import profile_lines, questionnaire, walk

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


class Pty:
    """`maturity assess` on a pseudo-terminal, so stdin is a real TTY."""

    def __init__(self, *args: str, cwd: Path) -> None:
        import pty

        self.master, slave = pty.openpty()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "COLUMNS": "160",
            "LINES": "50",
            "NO_COLOR": "1",
            "TERM": "xterm",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "maturity", "assess", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
            # a test run started in the background (`cmd &`, nohup) ignores SIGINT, and that survives exec
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        os.close(slave)
        self.buf = ""

    def read_until(self, pattern: str, timeout: float = 20) -> str:
        """Read output until ``pattern`` (regex) matches the unread part; returns that part."""
        end = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.buf)
            if m:
                text, self.buf = self.buf[: m.end()], self.buf[m.end() :]
                return text
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {pattern!r}; got:\n{self.buf[-2000:]}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"terminal closed waiting for {pattern!r}; got:\n{self.buf[-2000:]}")
                self.buf += ANSI.sub("", chunk.decode("utf-8", "replace"))

    def send(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode("utf-8"))

    def wait_in_read(self, timeout: float = 10) -> None:
        """Wait until the child is blocked reading the terminal, the state a user's Ctrl-C meets.

        A signal that arrives after ``input()`` has printed its prompt but before it enters ``read()`` only
        sets CPython's flag, and the read then blocks anyway (no keypress can ever land there, but a test
        that signals the instant the prompt appears can). So look at the child's current system call
        (Linux ``/proc``); elsewhere, give it a moment.
        """
        read_nr = {"x86_64": "0", "aarch64": "63"}.get(os.uname().machine)
        status = Path(f"/proc/{self.proc.pid}/syscall")
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                fields = status.read_text().split()
            except OSError:
                break
            if read_nr is not None and fields and fields[0] == read_nr:
                time.sleep(0.05)  # past the syscall entry for sure
                return
            time.sleep(0.02)
        time.sleep(0.5)

    def question(self) -> str:
        """Wait for the next question screen and its prompt; return the question id."""
        text = self.read_until(r"\[([A-Z]+-\d+)\]\n(?:.*\n)*?> ")
        return re.findall(r"\[([A-Z]+-\d+)\]\n", text)[-1]

    def wait(self, timeout: float = 20) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self.drain()
            os.close(self.master)

    def drain(self) -> None:
        while select.select([self.master], [], [], 0.2)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.buf += ANSI.sub("", chunk.decode("utf-8", "replace"))


def _start(tmp_path: Path, q, out: Path) -> Pty:
    t = Pty("-q", "light-industry", "-o", str(out), cwd=tmp_path)
    t.read_until("企业名称：")
    for line in profile_lines(q):
        t.send(line)
    return t


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
@pytest.mark.slow
def test_interrupt_at_a_random_question_then_resume(tmp_path, sig):
    q = questionnaire()
    lines, asked, _ = walk(q)
    seed = int(os.environ.get("INTERVIEW_SEED", random.randrange(10**6)))
    k = random.Random(seed).randrange(1, len(asked) - 1)  # interrupt while question k is on screen
    out = tmp_path / "answers.yaml"
    t = _start(tmp_path, q, out)
    for i in range(k):
        assert t.question() == asked[i], f"seed={seed}"
        t.send(lines[i])
    assert t.question() == asked[k]
    os.write(t.master, lines[k][:1].encode())  # typed but not confirmed with Enter
    t.wait_in_read()
    os.killpg(t.proc.pid, sig) if sig == signal.SIGKILL else t.proc.send_signal(sig)
    rc = t.wait()
    if sig == signal.SIGINT:
        assert rc == 130, t.buf
        assert "已中断，答卷已保存" in t.buf and "--resume" in t.buf
    else:
        assert rc == -signal.SIGKILL
    # exactly the confirmed answers survive, in a valid answers file; nothing half-written is left
    assert list(store.read(out).answers) == asked[:k], f"seed={seed}"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # resume: the question that was on screen comes first, and the interview finishes
    t2 = Pty("--resume", str(out), cwd=tmp_path)
    assert t2.question() == asked[k], f"seed={seed}"
    for i in range(k, len(asked)):
        if i > k:
            assert t2.question() == asked[i], f"seed={seed}"
        t2.send(lines[i])
    t2.read_until("回车 = 完成并查看结果")
    t2.send("")
    t2.read_until("答卷文件：")
    assert t2.wait() == 0
    assert list(store.read(out).answers) == asked
    assert not store.sidecar_path(out).exists()


def test_closed_terminal_keeps_confirmed_answers(tmp_path):
    q = questionnaire()
    lines, asked, _ = walk(q)
    out = tmp_path / "answers.yaml"
    t = _start(tmp_path, q, out)
    for i in range(3):
        assert t.question() == asked[i]
        t.send(lines[i])
    assert t.question() == asked[3]
    os.close(t.master)  # the terminal window goes away: the child gets SIGHUP / EOF
    t.proc.wait(20)
    assert list(store.read(out).answers) == asked[:3]
    assert store.load_state(out)["position"] == asked[3]


@pytest.mark.slow
def test_ctrl_c_prints_a_resume_command_that_keeps_every_option(tmp_path):
    """Issue 19 item 6: resuming exactly as told still writes the PDF asked for at the start."""
    import shlex

    q = questionnaire()
    lines, asked, _ = walk(q)
    out = tmp_path / "my answers.yaml"
    pdf = tmp_path / "诊断 报告.pdf"
    t = Pty("-q", "light-industry", "-o", str(out), "--pdf", str(pdf), "--force", cwd=tmp_path)
    t.read_until("企业名称：")
    for line in profile_lines(q):
        t.send(line)
    for i in range(2):
        assert t.question() == asked[i]
        t.send(lines[i])
    assert t.question() == asked[2]
    t.wait_in_read()
    t.proc.send_signal(signal.SIGINT)
    assert t.wait() == 130
    command = re.search(r"继续答题：(maturity assess .+)", t.buf)[1].strip()
    words = shlex.split(command)
    assert words[:4] == ["maturity", "assess", "--resume", str(out)]
    assert "--pdf" in words and words[words.index("--pdf") + 1] == str(pdf) and "--force" in words
    t2 = Pty(*words[2:], cwd=tmp_path)
    for i in range(2, len(asked)):
        assert t2.question() == asked[i]
        t2.send(lines[i])
    t2.read_until("回车 = 完成并查看结果")
    t2.send("")
    t2.read_until("PDF 报告：", timeout=60)
    assert t2.wait(60) == 0
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
