"""The checks shared with a forked child (``workbench.forked``): the same answer as the
plain loop in the same order, really computed by a child, and whatever goes wrong in the
child only means the parent computes that part itself."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from conftest import shared_path

from workbench import forked
from workbench.analysis import Context
from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.mail.parse import parse_message
from workbench.pipeline import analyse

PARENT = os.getpid()
SINGLE_THREADED = forked.can_fork


@pytest.fixture(autouse=True)
def always_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork for any weight and size, and despite the test runner's own threads (pytest-xdist talks
    to its workers from threads; ``fn`` here takes no lock they could hold)."""
    monkeypatch.setattr(forked, "MIN_WEIGHT", 0)
    monkeypatch.setattr(forked, "MAX_RESIDENT", 1 << 60)  # a test worker grows with the tests it ran
    monkeypatch.setattr(forked, "can_fork", lambda: hasattr(os, "fork"))


def tagged(x: int) -> tuple[int, int]:
    """The item squared, and which process computed it."""
    return x * x, os.getpid()


def test_the_tail_is_computed_by_a_child_and_the_order_kept() -> None:
    items = list(range(40))
    out = forked.split_map(tagged, items, [1] * 40)
    assert [value for value, _pid in out] == [x * x for x in items]
    pids = [pid for _value, pid in out]
    cut = forked.balanced_cut([1] * 40)
    assert 0 < cut < 40
    assert set(pids[:cut]) == {os.getpid()}
    (child,) = set(pids[cut:])
    assert child != os.getpid()


def test_the_cut_balances_the_weights_not_the_count() -> None:
    weights = [10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    cut = forked.balanced_cut(weights)
    assert cut == 1  # the heavy first item is half the work
    assert forked.balanced_cut([1, 1, 1, 1]) == 2
    assert forked.balanced_cut([5]) == 1


def raising_in_child(x: int) -> tuple[int, int]:
    if os.getpid() != PARENT:
        raise RuntimeError("a surprise in the child")
    return tagged(x)


def killed_in_child(x: int) -> tuple[int, int]:
    if os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)
    return tagged(x)


def unpicklable_in_child(x: int) -> object:
    if os.getpid() != PARENT:
        return lambda: x  # cannot be pickled back
    return tagged(x)


@pytest.mark.parametrize("fn", [raising_in_child, killed_in_child, unpicklable_in_child],
                         ids=["raises", "killed", "unpicklable"])
def test_a_failing_child_means_the_parent_computes_its_part(fn) -> None:
    assert os.getpid() == PARENT
    out = forked.split_map(fn, list(range(30)), [1] * 30)
    assert out == [(x * x, PARENT) for x in range(30)]


def test_no_fork_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "can_fork", SINGLE_THREADED)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.can_fork()
        out = forked.split_map(tagged, list(range(30)), [1] * 30)
    finally:
        stop.set()
        other.join()
    assert {pid for _v, pid in out} == {os.getpid()}


def test_no_fork_below_the_weight_that_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "MIN_WEIGHT", 1000)
    out = forked.split_map(tagged, list(range(30)), [1] * 30)
    assert {pid for _v, pid in out} == {os.getpid()}


def test_no_fork_in_a_process_already_large(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child would copy what it walks: a large process computes alone."""
    assert forked.resident() > 1 << 20  # this test process, as /proc says
    monkeypatch.setattr(forked, "MAX_RESIDENT", forked.resident() // 2)
    out = forked.split_map(tagged, list(range(30)), [1] * 30)
    assert {pid for _v, pid in out} == {os.getpid()}


def test_memory_already_freed_does_not_count_against_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """What loading freed but the C heap kept (glibc holds freed blocks for reuse) is handed
    back before the size is measured: a process large only with it still forks."""
    held = [bytes(4096) for _ in range(24_000)]  # ~100 MB in blocks malloc serves from its heap
    forked.give_back()
    with_garbage = forked.resident()
    del held  # freed, and still resident until handed back
    assert forked.resident() > with_garbage - (32 << 20)
    monkeypatch.setattr(forked, "MAX_RESIDENT", with_garbage - (48 << 20))
    out = forked.split_map(tagged, list(range(30)), [1] * 30)
    assert len({pid for _v, pid in out}) == 2
    assert forked.resident() < with_garbage - (64 << 20)


def test_a_failing_parent_takes_its_child_along(tmp_path: Path) -> None:
    """An error (or Ctrl-C) in the parent's part: the child is killed and reaped, not
    left computing (or a zombie) after the run."""
    pid_file = tmp_path / "child.pid"

    def fn(x: int) -> int:
        if os.getpid() != PARENT:
            part = tmp_path / "child.part"
            part.write_text(str(os.getpid()))
            part.rename(pid_file)  # whole when it appears
            signal.pause()  # waits to be killed
        elif x == 0:
            deadline = time.monotonic() + 60
            while not pid_file.exists():
                assert time.monotonic() < deadline, "the child never started"
            raise KeyboardInterrupt
        return x

    with pytest.raises(KeyboardInterrupt):
        forked.split_map(fn, list(range(10)), [1] * 10)
    child = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # gone, and reaped (a zombie would still answer)


def test_forked_analysis_equals_the_plain_one_on_real_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every verdict of the real corpus: the same with half the series judged in a child."""
    data = shared_path("data")
    context = Context(maintainers=Maintainers.load(data / "MAINTAINERS"), mailmap=Mailmap.load(data / "mailmap"),
                      me=None)
    records = [parse_message(str(f)) for f in sorted(shared_path("corpus", "lore-vfio").rglob("*.eml"))]
    forks = []
    real_fork = os.fork

    def counted_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    answers = []
    real_collect = forked._collect

    def collect(*args):
        answers.append(real_collect(*args))
        return answers[-1]

    monkeypatch.setattr(forked.os, "fork", counted_fork)
    monkeypatch.setattr(forked, "_collect", collect)
    split = analyse(records, context, read=lambda path: "")
    assert len(forks) == 1
    assert answers[0], "the child's verdicts came back (the parent did not compute them itself)"
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    plain = analyse(records, context, read=lambda path: "")
    assert len(forks) == 1
    assert len(split) == len(plain) > 50
    assert [(j.series.id, j.checks, j.drivers, j.applied) for j in split] == \
           [(j.series.id, j.checks, j.drivers, j.applied) for j in plain]
