"""Hostile lessons: what lesson code must not be able to do, in each sandbox mode.

Run while developing only inside a throwaway PID namespace, so an escape dies
with it::

    unshare -fp --mount-proc timeout 600 .venv/bin/python -m pytest tests/hostile -q

Every test runs with namespaces (where the machine permits them) and with
``CURRICULUM_EXEC_NO_NAMESPACES=1``.  A test passes when the attack fails *or*
the code was not run at all (C307): both are safe; only "it worked" fails.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from curriculum_cli.execute.blocks import CodeBlock
from curriculum_cli.execute.runner import ExecOptions, Executor

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox targets Linux")

NO_NAMESPACES = "CURRICULUM_EXEC_NO_NAMESPACES"
#: ``BlockResult.exception`` of a block the executor did not run (rule C307).
EXECUTOR_FAILURE = "ExecutorError"


def block(source: str, index: int = 0) -> CodeBlock:
    return CodeBlock(path="content/lesson.md", index=index, line=10 * (index + 1), source=source)


@pytest.fixture(scope="module", params=["namespaces", "no-namespaces"])
def hx(request: pytest.FixtureRequest) -> Iterator[Executor]:
    patch = pytest.MonkeyPatch()
    if request.param == "no-namespaces":
        patch.setenv(NO_NAMESPACES, "1")
    else:
        patch.delenv(NO_NAMESPACES, raising=False)
    try:
        with Executor(ExecOptions(timeout=5, memory_mb=512, preload=(), disk_mb=16)) as executor:
            executor.run_chain([block("pass")])
            if request.param == "namespaces" and not executor.sandbox.get("namespaces"):
                pytest.skip("namespaces are not permitted on this machine")
            yield executor
    finally:
        patch.undo()


def _refused(result: object) -> bool:
    return getattr(result, "exception", None) == EXECUTOR_FAILURE


# -- item 1: devices, /dev/shm, host Unix sockets ------------------------------------------


def _block_device() -> str | None:
    for entry in sorted(Path("/dev").iterdir()):
        try:
            if stat.S_ISBLK(entry.stat().st_mode):
                return str(entry)
        except OSError:
            continue
    return None


def test_devices_cannot_be_opened_for_writing(hx: Executor) -> None:
    targets = ["/dev/kmsg"] + ([device] if (device := _block_device()) else [])
    source = (
        "import os\n"
        f"for path in {targets!r}:\n"
        "    try:\n"
        "        os.close(os.open(path, os.O_WRONLY))\n"
        "        print('opened', path)\n"
        "    except OSError as error:\n"
        "        print('refused', path, error.errno)\n"
    )
    (result,) = hx.run_chain([block(source)])
    assert "opened" not in result.stdout
    assert _refused(result) or result.stdout.count("refused") == len(targets)


def test_nothing_is_kept_in_dev_shm(hx: Executor) -> None:
    name = f"/dev/shm/curriculum-hostile-{os.getpid()}"
    try:
        hx.run_chain([block(f"open({name!r}, 'w').write('kept')")])
        assert not os.path.exists(name)
    finally:
        if os.path.exists(name):
            os.unlink(name)


def test_host_unix_sockets_are_out_of_reach(hx: Executor, tmp_path: Path) -> None:
    path = str(tmp_path / "host.sock")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(path)
        os.chmod(path, 0o777)
        server.listen()
        server.setblocking(False)
        source = f"import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect({path!r})\ns.send(b'hello')"
        (result,) = hx.run_chain([block(source)])
        assert result.status != "ok"
        with pytest.raises(BlockingIOError):
            server.accept()


def test_udp_is_blocked(hx: Executor) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.setblocking(False)
        port = server.getsockname()[1]
        source = (  # _socket: below the Python-level refusal, as C code would be
            "import _socket\n"
            "s = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)\n"
            f"s.sendto(b'leak', ('127.0.0.1', {port}))\n"
        )
        (result,) = hx.run_chain([block(source)])
        time.sleep(0.2)  # let a datagram that did leave arrive (not a timing assertion)
        with pytest.raises(BlockingIOError):
            server.recv(16)
        assert result.status != "ok"


def test_root_only_files_cannot_be_read_when_running_as_nobody(hx: Executor, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret")
    os.chmod(secret, 0o600)
    (result,) = hx.run_chain([block(f"print(open({str(secret)!r}).read())")])
    if hx.sandbox.get("uid") == 0:
        pytest.skip("lesson code runs as root here (Python is not readable by others): reads are not restricted")
    assert "s3cret" not in result.stdout
    assert result.status != "ok"


# -- item 2: metadata of files outside the temp dir ------------------------------------------


def test_chmod_utime_setxattr_outside_fail(hx: Executor, tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("x")
    os.chmod(target, 0o644)
    os.utime(target, (1_000_000_000, 1_000_000_000))
    before = target.stat()
    source = (
        "import os\n"
        f"path = {str(target)!r}\n"
        "for name, call in [('chmod', lambda: os.chmod(path, 0o777)), ('utime', lambda: os.utime(path, (0, 0))),\n"
        "                   ('setxattr', lambda: os.setxattr(path, 'user.curriculum', b'1'))]:\n"
        "    try:\n"
        "        call()\n"
        "        print('done', name)\n"
        "    except OSError:\n"
        "        print('refused', name)\n"
    )
    (result,) = hx.run_chain([block(source)])
    after = target.stat()
    assert (stat.S_IMODE(after.st_mode), after.st_mtime) == (stat.S_IMODE(before.st_mode), before.st_mtime)
    assert "user.curriculum" not in os.listxattr(target)
    assert "done" not in result.stdout


def test_chmod_inside_the_temp_dir_still_works_with_namespaces(hx: Executor) -> None:
    (result,) = hx.run_chain([block("import os\nopen('mine.txt', 'w').write('x')\nos.chmod('mine.txt', 0o600)")])
    if not hx.sandbox.get("namespaces"):
        assert (result.status, result.exception) == ("error", "PermissionError")  # seccomp: all chmod refused
    else:
        assert result.status == "ok"


# -- item 3: forged result messages ----------------------------------------------------------

FORGE = r'''
import json, os, stat, struct

def frame(message):
    body = json.dumps(message).encode()
    return struct.pack(">I", len(body)) + body

forged = b"".join(frame(m) for m in (
    {"t": "result", "i": 1, "status": "ok", "outputs": [], "stdout": ""},
    {"t": "result", "i": 2, "status": "ok", "outputs": [], "stdout": ""},
    {"t": "done"},
))
for name in os.listdir("/proc/self/fd"):
    fd = int(name)
    try:
        if fd > 2 and stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.write(fd, forged)
    except OSError:
        pass
'''


def test_forged_messages_never_hide_a_later_crash(hx: Executor) -> None:
    results = hx.run_chain([block(FORGE), block("raise RuntimeError('real crash')", 1), block("print(1)", 2)])
    assert [r.status for r in results] != ["ok", "ok", "ok"]
    assert results[1].status != "ok"
    assert any(_refused(r) or r.exception == "RuntimeError" for r in results)


# -- item 4: the worker dies, processes escape, process limits ---------------------------------


def test_killing_the_worker_is_not_a_pass() -> None:
    with Executor(ExecOptions(timeout=30, preload=())) as executor:
        results = executor.iter_chain([block("pass"), block("import time\ntime.sleep(30)", 1)])
        first = next(results)
        assert first.status == "ok"
        assert executor.worker_pid is not None
        os.kill(executor.worker_pid, signal.SIGKILL)
        second = next(results)
    assert (second.status, second.exception) == ("not-run", EXECUTOR_FAILURE)


ESCAPE = (
    "import os, signal, subprocess\n"
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "    if os.fork() == 0:\n"
    "        os.execvp('sleep', ['sleep', '{marker}'])\n"
    "    os._exit(0)\n"
)


def test_forked_processes_do_not_outlive_the_run(hx: Executor, processes_with: Callable[[str], list[int]]) -> None:
    marker = f"983.{os.getpid()}{int(bool(hx.sandbox.get('namespaces')))}"
    results = hx.run_chain([block(ESCAPE.format(marker=marker)), block("import time\ntime.sleep(0.2)", 1)])
    assert all(r.status == "ok" for r in results) or _refused(results[0])
    assert processes_with(marker) == []


def test_the_process_limit_is_claimed_only_where_it_binds(hx: Executor) -> None:
    if not hx.sandbox.get("namespaces") and hx.sandbox.get("uid") == 0:
        assert not hx.sandbox.get("nproc_limit")  # RLIMIT_NPROC does not bind root
        return
    if not hx.sandbox.get("namespaces"):
        pytest.skip("a non-root process limit counts the user's other processes")
    if not hx.sandbox.get("nproc_limit"):
        pytest.skip("no process limit claimed here (kernel before 6.14 and code running as root)")
    source = (
        "import os, time\n"
        "children = 0\n"
        "try:\n"
        "    for _ in range(2000):\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(30)\n"
        "            os._exit(0)\n"
        "        children += 1\n"
        "except OSError:\n"
        "    pass\n"
        "print(children)\n"
    )
    (result,) = hx.run_chain([block(source)])
    assert result.status == "ok" and int(result.outputs[0].text) < 2000


# -- item 5: timeouts -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 0.0, -1.0])
def test_a_nonsense_timeout_is_refused_by_the_executor(value: float) -> None:
    with pytest.raises(ValueError):
        ExecOptions(timeout=value)


def _lesson(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "indexing.md"
    path.write_text(f"# List indexing\n\n```python\n{source}\n```\n", encoding="utf-8")
    return path


def _cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "curriculum_cli", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})}, cwd=cwd,
    )


@pytest.mark.parametrize("value", ["inf", "1e400", "nan", "-1"])
def test_a_nonsense_timeout_is_a_usage_error(tmp_path: Path, value: str) -> None:
    lesson = _lesson(tmp_path, "while True:\n    pass")
    process = _cli("check", str(lesson), f"--timeout={value}")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2, out + err
    assert "--timeout" in err


def test_a_nonsense_timeout_in_the_config_is_a_usage_error(tmp_path: Path) -> None:
    lesson = _lesson(tmp_path, "while True:\n    pass")
    (tmp_path / "curriculum.yaml").write_text("exec:\n  timeout: .inf\n", encoding="utf-8")
    process = _cli("check", str(lesson), cwd=tmp_path)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2, out + err


def test_a_lesson_that_kills_its_worker_is_a_finding(tmp_path: Path) -> None:
    lesson = _lesson(tmp_path, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")
    process = _cli("check", str(lesson), env={NO_NAMESPACES: "1"})
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, out + err
    assert "No findings" not in out
    assert " C307 " in out or " C301 " in out


# -- item 6: disk cap; report lines cannot be forged ----------------------------------------------


def test_total_disk_use_is_capped(hx: Executor) -> None:
    source = "for k in range(8):\n    with open(f'big{k}', 'wb') as f:\n        f.write(b'x' * (4 << 20))"
    (result,) = hx.run_chain([block(source)])
    assert result.status != "ok"
    assert _refused(result) or result.exception in ("DiskLimit", "OSError")


@pytest.mark.parametrize("form", ["text", "github", "junit"])
def test_exception_text_cannot_forge_report_lines(tmp_path: Path, form: str) -> None:
    lesson = _lesson(tmp_path, 'raise RuntimeError("boom\\nindexing.md:1:1: C999 [CRITICAL] forged\\x1b[31m red")')
    process = _cli("check", str(lesson), "--format", form)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, out + err
    if form != "junit":  # (a junit failure body is free text inside an XML element)
        assert not [line for line in out.splitlines() if line.startswith("indexing.md:1:1: C999")]
    assert "\x1b" not in out
    assert "C999" in out  # still shown, escaped, inside the real finding's line


# -- item 7 (issue 11): temp dirs after a stopped or killed run ----------------------------------


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("curriculum-exec-"))


@pytest.mark.parametrize(("how", "namespaces"), [
    (signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGKILL, False), (signal.SIGINT, True),
])
def test_a_stopped_linter_does_not_hang_nor_leave_lesson_output(tmp_path: Path, how: int, namespaces: bool) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    lesson = _lesson(tmp_path, "open('output.bin', 'wb').write(b'x' * 4096)\nwhile True:\n    pass")
    env = {"TMPDIR": str(temp)} | ({} if namespaces else {NO_NAMESPACES: "1"})
    process = _cli("check", str(lesson), "--timeout", "120", env=env)
    for _ in range(600):  # until the chain runs (its temp dir exists)
        if any("-" in name[len("curriculum-exec-"):] and not name.endswith(".lock") for name in _leftovers(temp)):
            break
        time.sleep(0.1)
    time.sleep(0.5)
    process.send_signal(how)
    process.communicate(timeout=60)  # raises TimeoutExpired if the linter hangs
    for _ in range(100):  # the worker cleans up after the linter is gone
        if not _leftovers(temp):
            break
        time.sleep(0.1)
    assert _leftovers(temp) == []


def test_the_next_run_removes_what_a_dead_worker_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    dead = 4_000_000  # above any pid_max: never alive
    stale = tmp_path / f"curriculum-exec-{dead}-abc"
    stale.mkdir()
    (stale / "output.bin").write_bytes(b"x")
    (tmp_path / f"curriculum-exec-{dead}.lock").write_text("")
    legacy, recent = tmp_path / "curriculum-exec-ab12cd34", tmp_path / "curriculum-exec-ef56gh78"
    legacy.mkdir()
    recent.mkdir()
    os.utime(legacy, (time.time() - 3 * 86400, time.time() - 3 * 86400))
    held = tmp_path / f"curriculum-exec-{os.getpid()}-live"
    held.mkdir()
    with open(tmp_path / f"curriculum-exec-{os.getpid()}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with Executor(ExecOptions(timeout=5, preload=())) as executor:
            executor.run_chain([block("pass")])
        assert held.exists()  # its owner (this process) is alive and holds the lock
    assert not stale.exists()
    assert not (tmp_path / f"curriculum-exec-{dead}.lock").exists()
    assert not legacy.exists() and recent.exists()  # an earlier version's folder: removed after a day


# -- C307: an executor failure is a finding, a lesson failure is not C307 -------------------------


def _c307(results: dict[int, object] | None = None, executor: object = None) -> list[int | None]:
    from collections import defaultdict

    from curriculum_cli.execute.analysis import Chain, _run, check_chain
    from curriculum_cli.execute.inventory import Inventory
    from curriculum_cli.execute.sources import read_artifact
    from curriculum_cli.execute.static import analyze_chain

    artifact = read_artifact("content/lesson.md", "# T\n\n```python\nx = 1\n```\n\n```python\nprint(x)\n```\n")
    chain = Chain(artifact, analyze_chain(artifact.blocks, notebook=False))
    chain.results = _run(executor, artifact.blocks, [], artifact.path) if executor else results  # type: ignore[assignment,arg-type]
    issues: dict[str, list[object]] = defaultdict(list)
    check_chain(chain, Inventory(), 1e-4, issues)  # type: ignore[arg-type]
    return [issue.line for issue in issues.get("C307", [])]  # type: ignore[attr-defined]


class _BrokenExecutor:
    def run_chain(self, blocks: list[CodeBlock]) -> list[object]:
        raise OverflowError("timeout value is too large")


def test_an_executor_exception_is_c307_on_the_first_block() -> None:
    assert _c307(executor=_BrokenExecutor()) == [4]


def test_a_lesson_timeout_is_not_c307() -> None:
    from curriculum_cli.execute.blocks import BlockResult

    results = {0: BlockResult(0, "timeout"), 1: BlockResult(1, "not-run", reason="an earlier block timed out")}
    assert _c307(results) == []


# -- the same attacks as an unprivileged user (root only: drops to uid 65534) -------------------

AS_USER = r'''
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
from curriculum_cli.execute.blocks import CodeBlock
from curriculum_cli.execute.runner import ExecOptions, Executor

def block(source, index):
    return CodeBlock(path="l.md", index=index, line=index + 1, source=source)

marker = sys.argv[2][::-1]  # reversed on the command line, so this process does not match it
sources = [
    "open('/dev/kmsg', 'w').write('x')",
    "import _socket\ns = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)\ns.sendto(b'x', ('127.0.0.1', 9))",
    "for k in range(8):\n    open(f'big{k}', 'wb').write(b'x' * (4 << 20))",
    sys.argv[3].replace("{marker}", marker),
]
out = {}
with Executor(ExecOptions(timeout=5, preload=(), disk_mb=16)) as executor:
    for index, source in enumerate(sources):
        (result,) = executor.run_chain([block(source, 0)])
        out[index] = [result.status, result.exception]
    out["sandbox"] = executor.sandbox
time.sleep(0.2)
out["left"] = sum(marker.encode() in open(f"/proc/{p}/cmdline", "rb").read()
                  for p in os.listdir("/proc") if p.isdigit() and os.path.exists(f"/proc/{p}/cmdline"))
print(json.dumps(out))
'''


@pytest.mark.parametrize("mode", ["namespaces", "no-namespaces", "root-no-namespaces"])
def test_an_unprivileged_user_gets_the_same_guarantees(mode: str) -> None:
    """As uid 65534 in both modes; and as root with a world-readable Python, which drops to 65534."""
    import json
    import shutil
    import tempfile

    root = Path(__file__).resolve().parents[2]
    python = Path(sys.base_prefix) / "bin" / "python3"
    system = Path("/usr/bin/python3.11")
    interpreter = next((p for p in (system, python) if p.exists() and os.access(p, os.X_OK)), None)
    if os.getuid() != 0 or shutil.which("setpriv") is None or interpreter is None:
        pytest.skip("needs root (to drop to uid 65534), setpriv and a world-readable Python 3.11")
    if any(not (Path(*root.parts[: k + 1]).stat().st_mode & 0o005) for k in range(1, len(root.parts))):
        pytest.skip("the checkout is not readable by other users")
    scratch = tempfile.mkdtemp()
    os.chmod(scratch, 0o755)
    script = Path(scratch) / "as_user.py"
    script.write_text(AS_USER, encoding="utf-8")
    os.chmod(script, 0o644)
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": "/tmp"} | ({NO_NAMESPACES: "1"} if "no-namespaces" in mode else {})
    user = [] if mode.startswith("root") else ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
    marker = f"981.{os.getpid()}{len(mode)}"
    try:
        done = subprocess.run(
            [*user, str(interpreter), str(script),
             str(root), marker[::-1], ESCAPE], env=env, capture_output=True, text=True, timeout=120, check=False,
        )
    finally:
        shutil.rmtree(scratch)
    if done.returncode != 0 and "No module named" in done.stderr:
        pytest.skip(f"{interpreter} cannot import the project: {done.stderr.strip()[-200:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["sandbox"]["namespaces"] is (mode == "namespaces") or out["0"][1] == EXECUTOR_FAILURE
    assert out["sandbox"]["uid"] == 65534
    assert out["0"][0] != "ok" and out["1"][0] != "ok" and out["2"][0] != "ok"
    assert out["left"] == 0
    assert out["sandbox"].get("nproc_limit") is True


@pytest.mark.parametrize("namespaces", [True, False])
def test_a_private_temp_folder_still_runs_lessons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, namespaces: bool
) -> None:
    """Near miss for the drop to nobody: a TMPDIR inside a folder others cannot enter still works."""
    private = tmp_path / "private" / "tmp"
    private.mkdir(parents=True)
    os.chmod(private.parent, 0o700)
    monkeypatch.setenv("TMPDIR", str(private))
    if not namespaces:
        monkeypatch.setenv(NO_NAMESPACES, "1")
    with Executor(ExecOptions(timeout=5, preload=())) as executor:
        (result,) = executor.run_chain([block("open('out.txt', 'w').write('x')\nprint(open('out.txt').read())")])
    assert (result.status, result.stdout.strip()) == ("ok", "x")
