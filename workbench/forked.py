"""A pure per-item computation shared with one forked child: the second core during
the single-threaded end of a cold report.

A cold report parses mail in worker processes on every core, but what follows (the
checks of every series) ran on one core while the other stood idle: at 40k real
messages about a second. ``split_map`` hands the tail of the list to a child made
with ``fork`` — it sees the parent's records and series without copying or pickling
them (pages are shared until written) — and computes the head itself; the child sends
its results back pickled through a pipe.

Why a fork and not the parse pool: the pool's processes would need every series and
its records pickled to them, which costs about what the checks do. Why only then:
forking a process that runs other threads can copy a lock some thread held into a
child that never releases it, so the TUI (which analyses in a worker thread) and any
threaded caller get the plain loop. Whatever goes wrong in the child — an exception, a
kill, a short or unreadable answer — only means the parent computes that part itself:
the result is always the plain loop's, in its order. A process already large computes
alone (``MAX_RESIDENT``, measured once the heap's free pages are given back): what the
child would copy must fit in the memory a run may use.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from typing import NoReturn, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_WEIGHT = 4000
"""Below this summed weight (messages), the fork costs more than it saves."""
MAX_RESIDENT = 224 << 20
"""Above this resident size the checks stay in one process. Pages are shared only until
written, and reading an object writes its reference count: parent and child end up
copying most of the pages the checks walk. Measured at 100k real messages, 297 MB at the
fork became 540 MB for the two (against 459 MB for the whole run without the fork, the
issue allowing 500). Below this size even a full copy of it stays under 500 MB: at 40k
real messages the fork comes at 141 MB and costs 35 MB. Measured after ``give_back``:
the 100k real store holds 245 MB there and stays in one process; the real-style 100k
store holds 207 MB (255 MB before giving back) and forks."""


def can_fork() -> bool:
    """Forking is safe here: the platform has it and this process runs one thread."""
    return hasattr(os, "fork") and threading.active_count() == 1


def resident() -> int:
    """This process's resident memory in bytes (0 where /proc does not say)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def give_back() -> bool:
    """Hand the C heap's free pages back to the system (glibc's ``malloc_trim``); False
    where there is no such call (another libc, no ctypes).

    Why before measuring: loading leaves tens of MB freed but still resident — the
    parse workers' pickled answers, the decoder's lookup tables (whole To/Cc lists as
    keys) — which glibc keeps for reuse. Measured at the split of a cold report of the
    real-style 100k store, 255 MB resident became 207 MB: the size limit is meant for
    what the checks can touch, and a child cannot copy pages that are gone."""
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError):
        return False
    trim(0)
    return True


def balanced_cut(weights: Sequence[int]) -> int:
    """The index splitting ``weights`` into two runs of about equal sum (the head's sum
    reaches half): the items keep their order, so each side walks neighbouring series."""
    half = sum(weights) / 2
    acc = 0
    for i, w in enumerate(weights):
        if acc >= half:
            return i
        acc += w
    return len(weights)


def split_map(fn: Callable[[T], R], items: Sequence[T], weights: Sequence[int]) -> list[R]:
    """``[fn(x) for x in items]``, the tail computed in a forked child when that pays
    (``weights``, each item's expected cost, sum to ``MIN_WEIGHT`` at least).

    ``fn`` must be pure as far as the parent can tell (what the child changes stays in
    the child) and its results picklable."""
    if len(items) < 2 or sum(weights) < MIN_WEIGHT or not can_fork():
        return [fn(x) for x in items]
    give_back()
    if resident() > MAX_RESIDENT:
        return [fn(x) for x in items]
    cut = balanced_cut(weights)
    head, tail = items[:cut], items[cut:]
    if not head or not tail:
        return [fn(x) for x in items]
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return [fn(x) for x in items]
    if pid == 0:  # the child: never returns
        _child(fn, tail, read_end, write_end)
    os.close(write_end)
    try:
        mine = [fn(x) for x in head]
        theirs = _collect(pid, read_end, len(tail))
    except BaseException:
        _stop(pid)
        raise
    finally:
        os.close(read_end)
    if theirs is None:  # the child failed: its part is computed here
        theirs = [fn(x) for x in tail]
    return mine + theirs


def _child(fn: Callable[[T], R], tail: Sequence[T], read_end: int, write_end: int) -> NoReturn:
    """Compute ``tail``, write it pickled to ``write_end`` and leave at once: no exit
    handler, no flush of inherited buffers, no destructor of the parent's open files
    (its notmuch database, its cache connection) runs here."""
    code = 1
    try:
        os.close(read_end)
        # the collector would write to every object it walks, copying the pages the child
        # shares with the parent; the child lives for seconds, its garbage dies with it
        gc.freeze()
        gc.disable()
        data = pickle.dumps([fn(x) for x in tail], protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb", closefd=True) as out:
            out.write(data)
        code = 0
    except BaseException:  # noqa: BLE001 — any failure: the parent computes this part
        code = 1
    finally:
        os._exit(code)


def _collect(pid: int, read_end: int, expected: int) -> list | None:
    """The child's results, or None when it did not deliver all of them."""
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(read_end, 1 << 20)
        except InterruptedError:
            continue
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        got = pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 — a torn answer is no answer
        return None
    if not isinstance(got, list) or len(got) != expected:
        return None
    return got


def _stop(pid: int) -> None:
    """The parent is failing (an error, Ctrl-C): the child goes with it."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (OSError, ChildProcessError):
        pass
