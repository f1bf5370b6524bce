"""Keeping the cyclic garbage collector off a run's long-lived records.

A cold report at 40k real messages holds millions of objects: the decoded records (their
strings, tuples, people), then the analysis built on them. None of them is cyclic
garbage, and all of them live until the run ends, yet every full collection the run
triggers walks them all again, and a growing heap triggers many (about a tenth of a cold
report's time at 40k). ``gc.freeze`` moves the objects alive at that moment out of the
collector's reach.

Freezing is scoped: ``freeze`` does something only inside a ``held`` block (the report
opens one around loading, analysing and rendering), so a load elsewhere (the TUI, which
freezes after its load itself, ``workbench.tui.memory``; a test) is left as it was. The
block lifts the freeze at its end only when it was the one that started it: a freeze
made before it (the TUI's) is never undone here.

Inside the block the collector does not run at all. Freezing leaves it walking what the
analysis builds (the series, the verdicts) every time that grows by a quarter: at 100k
messages 0.7 s of the grouping's 4 s went to it, for garbage that is hardly ever cyclic
(peak memory of a cold 40k report: 206 MB without the collector, 217 MB with it). A
report is one pass that ends when the block does; what cycles it leaves are collected
after it, when the collector is on again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_depth = 0  # open held() blocks


@contextmanager
def held() -> Iterator[None]:
    """Within the block, ``freeze`` freezes and the collector is off; at its end, the
    freeze is lifted again if nothing was frozen when it began, and the collector is on
    again if it was on."""
    global _depth
    was_frozen = gc.get_freeze_count() > 0
    was_enabled = gc.isenabled()
    _depth += 1
    gc.disable()
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and not was_frozen:
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def freeze() -> None:
    """Move every object alive now out of the cyclic collector's reach, when a ``held``
    block is open (else nothing): called once a batch of long-lived objects is built."""
    if _depth:
        gc.freeze()
