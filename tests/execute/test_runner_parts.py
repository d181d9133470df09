"""Pure parts of the executor: bound names, the message framing, worker loss."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from curriculum_cli.execute import _protocol
from curriculum_cli.execute._names import bound_names
from curriculum_cli.execute.blocks import CodeBlock
from curriculum_cli.execute.runner import ExecOptions, Executor


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("x = y = 1\na, (b, *c) = 1, (2, 3)\nd: int = 4\ne += 1", {"x", "y", "a", "b", "c", "d", "e"}),
        ("import torch.nn as nn\nimport os.path\nfrom math import pi as PI, tau", {"nn", "os", "PI", "tau"}),
        ("def f(v=(w := 2)):\n    inner = 1\nclass K:\n    attr = 1", {"f", "w", "K"}),
        ("for i, j in []:\n    pass\nwith open('f') as fh:\n    pass", {"i", "j", "fh"}),
        ("squares = [n * n for n in range(3)]\nif (hit := 1):\n    pass", {"squares", "hit"}),
        ("try:\n    pass\nexcept Exception as err:\n    pass", set()),
        ("model = Net(\nloss = 3", {"model", "loss"}),  # does not parse: line patterns
    ],
)
def test_bound_names(source: str, names: set[str]) -> None:
    assert bound_names(source) == names


def test_messages_survive_arbitrary_chunking() -> None:
    data = b"".join(_protocol.encode({"n": n, "text": "é" * n}) for n in range(5))
    reader = _protocol.Reader()
    got = []
    for offset in range(0, len(data), 3):
        reader.feed(data[offset : offset + 3])
        while (message := reader.pop()) is not None:
            got.append(message["n"])
    assert got == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("garbage", [b"\x00\x00\x00\x03abc", b"\x00\x00\x00\x02[]", b"\xff\xff\xff\xff"])
def test_garbage_is_a_protocol_error(garbage: bytes) -> None:
    reader = _protocol.Reader()
    reader.feed(garbage)
    with pytest.raises(_protocol.ProtocolError):
        reader.pop()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox targets Linux")
def test_a_dead_worker_is_replaced() -> None:
    block = CodeBlock(path="l.md", index=0, line=1, source="print(1)")
    with Executor(ExecOptions(timeout=2, preload=())) as executor:
        assert executor.run_chain([block])[0].status == "ok"
        first = executor.worker_pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        lost = executor.run_chain([block])
        assert lost[0].status == "not-run" and lost[0].reason
        again = executor.run_chain([block])
        assert again[0].status == "ok" and executor.worker_pid != first
