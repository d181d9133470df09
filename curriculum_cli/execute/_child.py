"""Running one lesson chain inside the sandboxed chain process.

Blocks arrive as plain dicts (built by :func:`runner.block_message`) and
results leave as plain dicts, one ``result`` message per block, each preceded
by a ``begin`` message so the worker can time the block.

Positions: a block is compiled under its artifact's path with every AST node
moved to its artifact line, so a frame's line *is* the artifact line and even
a traceback the lesson prints itself is right.  A solution that replaces an
exercise cell is compiled under ``<path>:<label> solution`` with its own line
numbers, since those lines do not exist in the artifact.  Which block a frame
belongs to is decided by code object, never by filename.

Standard library only (plus torch when it is already loaded).
"""

from __future__ import annotations

import ast
import builtins
import importlib
import io
import linecache
import os
import re
import sys
import time
import types
from collections.abc import Container, Iterator
from typing import Any

from curriculum_cli.execute import _protocol
from curriculum_cli.execute._classify import classify
from curriculum_cli.execute._names import bound_names

CodeType = types.CodeType
_NAME_IN_MESSAGE = re.compile(r"name '(\w+)' is not defined")


class Compiled:
    """One block turned into code objects, with its line bookkeeping."""

    def __init__(self, block: dict[str, Any]) -> None:
        self.block = block
        self.index: int = block["index"]
        self.path: str = block["path"]
        source: str = block["source"]
        count = source.count("\n") + 1
        self.artifact_of_source = [_artifact_line(block, k) for k in range(1, count + 1)]
        mapping = self.artifact_of_source
        if not block["replaced"] and all(a <= b for a, b in zip(mapping, mapping[1:])):
            try:
                self._compile(source, move=True)
                return
            except (SyntaxError, ValueError):
                pass  # recompiled below with block-relative lines, which errors report
        self._compile(source, move=False)

    def _compile(self, source: str, move: bool) -> None:
        block = self.block
        self.filename = f"{self.path}:{_label(block)} solution" if block["replaced"] else self.path
        tree = ast.parse(source, filename=self.filename)
        last = _display_expression(tree, source) if block["kind"] == "cell" else None
        self.display_line: int | None = last.lineno if last else None
        self.code_is_source = not move
        self.source_of: dict[int, int] = {}
        if move:
            _move(tree, last, self.artifact_of_source)
            self.source_of = {line: k for k, line in reversed(list(enumerate(self.artifact_of_source, 1)))}
        self.body = compile(tree, self.filename, "exec", dont_inherit=True)
        self.last = (
            compile(ast.Expression(last.value), self.filename, "eval", dont_inherit=True) if last else None
        )
        self.codes = set(_code_objects(self.body)) | (set(_code_objects(self.last)) if self.last else set())
        self._register_source(source)

    def source_line(self, code_line: int | None) -> int | None:
        if code_line is None:
            return None
        return code_line if self.code_is_source else self.source_of.get(code_line)

    def artifact_line(self, code_line: int | None) -> int:
        if self.block["replaced"] or code_line is None:
            return self.block["line"]
        source = self.source_line(code_line)
        return self.artifact_of_source[source - 1] if source else code_line

    def _register_source(self, source: str) -> None:
        """Let ``inspect.getsource`` and lesson-printed tracebacks see the code."""
        lines = source.splitlines()
        positions = range(1, len(lines) + 1) if self.code_is_source else self.artifact_of_source
        _size, _mtime, known, _name = linecache.cache.get(self.filename, (0, None, [], self.filename))  # type: ignore[misc]
        known = list(known)
        for position, text in zip(positions, lines):
            if not 1 <= position <= 1_000_000:
                continue  # a nonsense line number: not worth a giant list
            while len(known) < position:
                known.append("\n")
            known[position - 1] = text + "\n"
        linecache.cache[self.filename] = (sum(map(len, known)), None, known, self.filename)


def _artifact_line(block: dict[str, Any], source_line: int) -> int:
    line_map = block["line_map"]
    if line_map and 1 <= source_line <= len(line_map):
        return int(line_map[source_line - 1])
    return int(block["line"]) + source_line - 1


def _label(block: dict[str, Any]) -> str:
    return f"cell {block['cell']}" if block.get("cell") is not None else f"block {block['index'] + 1}"


def _display_expression(tree: ast.Module, source: str) -> ast.Expr | None:
    """Jupyter shows the value of a trailing expression, unless it ends with ``;``."""
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    if source.rstrip().endswith(";"):
        return None
    last = tree.body.pop()
    assert isinstance(last, ast.Expr)
    return last


def _move(tree: ast.Module, last: ast.Expr | None, mapping: list[int]) -> None:
    """Put every node on its artifact line."""
    nodes = list(ast.walk(tree)) + (list(ast.walk(last)) if last else [])
    for node in nodes:
        for attribute in ("lineno", "end_lineno"):
            value = getattr(node, attribute, None)
            if value is not None:
                setattr(node, attribute, mapping[min(max(value, 1), len(mapping)) - 1])


def _code_objects(code: CodeType) -> Iterator[CodeType]:
    stack = [code]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(const for const in current.co_consts if isinstance(const, CodeType))


class Collector:
    """Output of one block: truncated text, and printed lines attributed to source lines."""

    def __init__(self, limit: int, compiled: Compiled | None) -> None:
        self.limit = limit
        self.compiled = compiled
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0
        self.outputs: list[list[Any]] = []
        self.output_size = 0
        self.partial = ""
        self.partial_line: int | None = None

    def add(self, text: str, attribute: bool) -> None:
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        self.dropped += max(0, len(text) - max(room, 0))
        if attribute and self.output_size < self.limit:
            self._attribute(text[: self.limit - self.output_size + 1])

    def _attribute(self, text: str) -> None:
        line = self._caller_line()
        for segment in text.splitlines(keepends=True):
            if not self.partial:
                self.partial_line = line
            self.partial += segment
            if segment.endswith(("\n", "\r")):
                self._emit()

    def _emit(self) -> None:
        text, line = self.partial.rstrip("\r\n"), self.partial_line
        self.partial, self.partial_line = "", None
        if line is not None:
            self.output_size += len(text) + 1
            self.outputs.append([line, text[: self.limit]])

    def _caller_line(self) -> int | None:
        """Source line of the innermost frame of this block on the stack."""
        if self.compiled is None:
            return None
        codes = self.compiled.codes
        frame: types.FrameType | None = sys._getframe(2)
        while frame is not None:
            if frame.f_code in codes:
                return self.compiled.source_line(frame.f_lineno)
            frame = frame.f_back
        return None

    def display(self, line: int, text: str) -> None:
        self.add(text + "\n", attribute=False)
        for part in text.splitlines() or [""]:
            if self.output_size < self.limit:
                self.output_size += len(part) + 1
                self.outputs.append([line, part[: self.limit]])

    def finish(self, extra: str) -> str:
        if self.partial:
            self._emit()
        if extra:
            self.add(extra, attribute=False)
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters of output not kept]"
        return text


class Stream(io.TextIOBase):
    """What ``sys.stdout`` / ``sys.stderr`` are while a block runs."""

    def __init__(self, chain: Chain, fd: int, attribute: bool) -> None:
        super().__init__()
        self._chain = chain
        self._fd = fd
        self._attribute = attribute

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "replace"

    @property
    def buffer(self) -> _BinaryStream:
        return _BinaryStream(self)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fd

    def write(self, text: str) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        collector = self._chain.collector
        if collector is not None:
            collector.add(text, self._attribute)
        return len(text)


class _BinaryStream(io.RawIOBase):
    def __init__(self, text: Stream) -> None:
        super().__init__()
        self._text = text

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._text.write(bytes(data).decode("utf-8", "replace"))
        return len(data)


_MODULE_FILE = re.compile(r"^[A-Za-z_]\w*\.py$")


def _save_named_file(block: dict[str, Any]) -> None:
    """A block shown as ``title="model.py"`` is a file the student saved: write it
    into the chain's working directory (the version shown so far), so a later
    ``from model import Net`` imports it as it would for the student."""
    name = block.get("filename") or ""
    if not _MODULE_FILE.match(name):
        return  # only plain module names in the working directory; never a path
    try:
        with open(name, "w", encoding="utf-8") as handle:
            handle.write(block["source"])
    except OSError:
        return
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    sys.modules.pop(name[:-3], None)  # a new version of the file replaces an imported one
    importlib.invalidate_caches()


class Chain:
    """One lesson: blocks run in order in one ``__main__`` namespace."""

    def __init__(
        self, request: dict[str, Any], fd: int, capture_fd: int | None, seal: _protocol.Seal | None = None
    ) -> None:
        self.blocks: list[dict[str, Any]] = request["blocks"]
        self._seal = seal
        self.limit = int(request["output_limit"])
        self.trace = bool(request["trace_apis"])
        self.fd = fd
        self.capture_fd = capture_fd
        self.capture_offset = 0
        module = types.ModuleType("__main__")
        sys.modules["__main__"] = module
        self.namespace = module.__dict__
        self.namespace["__builtins__"] = builtins
        self.poisoned: dict[str, int] = {}
        self.codes: dict[CodeType, Compiled] = {}
        self.collector: Collector | None = None
        self.stdout = Stream(self, 1, attribute=True)
        self.stderr = Stream(self, 2, attribute=False)
        self.api_names: dict[Any, str | None] = {}

    def run(self) -> None:
        pid = os.getpid()
        for position, block in enumerate(self.blocks):
            _protocol.send(self.fd, {"t": "begin", "i": position}, self._seal)
            result = self.run_block(block)
            if os.getpid() != pid:
                os._exit(0)  # a process the lesson forked fell through: only the chain reports
            _protocol.send(self.fd, {"t": "result", "i": position, **result}, self._seal)

    def run_block(self, block: dict[str, Any]) -> dict[str, Any]:
        _save_named_file(block)
        if block["mode"] == "skip" or (block["mode"] == "exercise" and not block["replaced"]):
            names = bound_names(block["source"])
            self._poison(names, block["index"])
            why = "marked skip" if block["mode"] == "skip" else "exercise without a solution"
            return {"status": "skipped", "reason": why, "poisoned": sorted(names)}
        self.collector = Collector(self.limit, None)
        try:
            compiled = Compiled(block)
        except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError) as problem:
            return self._failed(block, None, problem, 0.0)
        for code in compiled.codes:
            self.codes[code] = compiled
        self.collector.compiled = compiled
        raised, called, seconds = self._execute(compiled)
        if raised is None and block["mode"] != "raises":
            for name in [name for name in self.poisoned if name in self.namespace]:
                del self.poisoned[name]
            return self._result("ok", seconds, called)
        return self._failed(block, compiled, raised, seconds, called)

    def _execute(self, compiled: Compiled) -> tuple[BaseException | None, list[str], float]:
        assert self.collector is not None
        sys.stdout, sys.stderr = self.stdout, self.stderr
        seen: set[Any] = set()
        tracer = _tracer(seen, self.codes) if self.trace else None
        started = time.perf_counter()
        error: BaseException | None = None
        try:
            if tracer is not None:
                with tracer:
                    value = self._exec(compiled)
            else:
                value = self._exec(compiled)
            if value is not None and compiled.display_line is not None:
                self.collector.display(compiled.display_line, repr(value))
        except BaseException as caught:  # the lesson may raise anything, SystemExit included
            error = caught
        seconds = time.perf_counter() - started
        return error, self._names(seen), seconds

    def _exec(self, compiled: Compiled) -> Any:
        exec(compiled.body, self.namespace)
        return eval(compiled.last, self.namespace) if compiled.last is not None else None

    def _failed(
        self,
        block: dict[str, Any],
        compiled: Compiled | None,
        error: BaseException | None,
        seconds: float,
        called: list[str] | None = None,
    ) -> dict[str, Any]:
        expected = block.get("expected_exception")
        if error is None:
            what = expected or "an exception"
            return self._result(
                "error", seconds, called, exception="DidNotRaise",
                message=f"expected {what} but the block finished without raising",
            )
        details = _describe(error, compiled, self.codes)
        if compiled is None and details["error_line"]:
            line = block["line"] if block["replaced"] else _artifact_line(block, details["error_line"])
            details["traceback"] = [[block["path"], line, "<module>"]]
        if block["mode"] == "raises" and _matches(error, expected):
            return self._result("ok", seconds, called, **details)
        root = self._cascade_root(error)
        verdict = classify(error) if root is None else None
        status = verdict[0] if verdict else "error"
        names = bound_names(block["source"])
        self._poison(names, block["index"] if root is None else root)
        extra: dict[str, Any] = {"poisoned": sorted(names)}
        if root is not None:
            extra.update(cascade=True, cascade_from=root)
        if verdict:
            extra["reason"] = verdict[1]
        return self._result(status, seconds, called, **details, **extra)

    def _result(self, status: str, seconds: float, called: list[str] | None, **fields: Any) -> dict[str, Any]:
        collector = self.collector or Collector(self.limit, None)
        self.collector = None
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        stdout = collector.finish(self._low_level_output())
        return {"status": status, "seconds": seconds, "called": called or [],
                "outputs": collector.outputs, "stdout": stdout, **fields}

    def _low_level_output(self) -> str:
        """What was written straight to file descriptors 1 and 2 (C code, subprocesses)."""
        if self.capture_fd is None:
            return ""
        try:
            end = os.fstat(self.capture_fd).st_size
            size = min(end - self.capture_offset, self.limit + 1)
            data = os.pread(self.capture_fd, max(size, 0), self.capture_offset) if size > 0 else b""
            self.capture_offset = end
        except OSError:
            return ""
        return data.decode("utf-8", "replace")

    def _poison(self, names: set[str], root: int) -> None:
        for name in names:
            self.poisoned[name] = root

    def _cascade_root(self, error: BaseException) -> int | None:
        if not isinstance(error, NameError) or isinstance(error, UnboundLocalError):
            return None
        name = getattr(error, "name", None)
        if not name:
            match = _NAME_IN_MESSAGE.search(_text(error))
            name = match.group(1) if match else None
        if name in self.poisoned and name not in self.namespace:
            return self.poisoned[name]
        return None

    def _names(self, seen: set[Any]) -> list[str]:
        names = set()
        for function in seen:
            try:
                name = self.api_names[function]
            except KeyError:
                name = self.api_names[function] = _api_name(function)
            except TypeError:  # unhashable
                name = _api_name(function)
            if name:
                names.add(name)
        return sorted(names)


def _describe(
    error: BaseException, compiled: Compiled | None, codes: dict[CodeType, Compiled]
) -> dict[str, Any]:
    """Exception name, message, frames (artifact positions) and the block-relative line."""
    frames: list[list[Any]] = []
    error_line: int | None = None
    tb = error.__traceback__
    while tb is not None:
        owner = codes.get(tb.tb_frame.f_code)
        if owner is not None:
            frames.append([owner.path, owner.artifact_line(tb.tb_lineno), tb.tb_frame.f_code.co_name])
            if owner is compiled:
                error_line = owner.source_line(tb.tb_lineno)
        tb = tb.tb_next
    if isinstance(error, SyntaxError) and compiled is None and error.lineno:
        error_line = error.lineno  # block-relative: parse errors come from the raw source
    return {
        "exception": type(error).__name__,
        "message": _text(error)[:2000],
        "error_line": error_line,
        "traceback": frames,
    }


def _text(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return f"sys.exit({error.code!r}) was called"
    if isinstance(error, SyntaxError):
        return error.msg or "invalid syntax"
    try:
        return str(error)
    except Exception:  # a hostile __str__
        return f"<unprintable {type(error).__name__}>"


def _matches(error: BaseException, expected: str | None) -> bool:
    if not expected:
        return isinstance(error, Exception)
    wanted = expected.strip()
    for cls in type(error).__mro__:
        if wanted in (cls.__name__, f"{cls.__module__}.{cls.__qualname__}"):
            return True
    return False


def _tracer(seen: set[Any], lesson_codes: Container[CodeType]) -> Any:
    """A TorchFunctionMode recording the torch functions the lesson's own code calls, or None.

    Only a call made from a line of the lesson counts: ``nn.Linear(3, 1)`` calls
    ``torch.empty`` and ``nn.init.kaiming_uniform_`` inside torch, and a student
    who wrote ``nn.Linear`` has not used either."""
    torch = sys.modules.get("torch")
    mode_class = getattr(getattr(torch, "overrides", None), "TorchFunctionMode", None)
    if mode_class is None:
        return None
    tracer_class = _TRACER_CLASSES.get(mode_class)
    if tracer_class is None:

        class Tracer(mode_class):  # type: ignore[misc, valid-type]
            def __init__(self, record: set[Any], codes: Container[CodeType]) -> None:
                super().__init__()
                self.record = record
                self.codes = codes

            def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
                try:
                    if _called_from_lesson(func, self.codes):
                        self.record.add(func)
                except TypeError:
                    pass
                return func(*args, **(kwargs or {}))

        tracer_class = _TRACER_CLASSES[mode_class] = Tracer
    return tracer_class(seen, lesson_codes)


_DISPATCH_FILES = ("overrides.py", "_contextlib.py", "_jit_internal.py")


def _called_from_lesson(func: Any, lesson_codes: Container[CodeType]) -> bool:
    """Whether the frame that called ``func`` is the lesson's code, skipping torch's
    dispatch (``handle_torch_function``) and ``func``'s own Python frames."""
    own = set()
    target = func
    for _ in range(4):  # the function and what it wraps (functools.wraps, descriptors)
        code = getattr(target, "__code__", None) or getattr(getattr(target, "__func__", None), "__code__", None)
        if code is not None:
            own.add(code)
        target = getattr(target, "__wrapped__", None) or getattr(target, "fget", None)
        if target is None:
            break
    frame: types.FrameType | None = sys._getframe(2)  # 0: this function, 1: __torch_function__
    for _ in range(8):
        if frame is None:
            return False
        code = frame.f_code
        if code in lesson_codes:
            return True
        if code in own or code.co_filename.endswith(_DISPATCH_FILES) and "torch" in code.co_filename:
            frame = frame.f_back
            continue
        return False
    return False


_TRACER_CLASSES: dict[Any, Any] = {}


def _api_name(function: Any) -> str | None:
    """``torch.Tensor.backward``, ``torch.nn.functional.relu``... for a traced function."""
    name = None
    torch = sys.modules.get("torch")
    resolve = getattr(getattr(torch, "overrides", None), "resolve_name", None)
    if resolve is not None:
        try:
            name = resolve(function)
        except Exception:
            name = None
    if not name:
        module = getattr(function, "__module__", None)
        qualname = getattr(function, "__qualname__", None)
        name = f"{module}.{qualname}" if module and qualname else None
    if name:
        for suffix in (".__get__", ".__set__", ".__delete__"):
            name = name.removesuffix(suffix)
    return name
