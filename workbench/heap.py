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
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_depth = 0  # open held() blocks


@contextmanager
def held() -> Iterator[None]:
    """Within the block, ``freeze`` freezes; at its end, the freeze is lifted again if
    nothing was frozen when it began."""
    global _depth
    was_frozen = gc.get_freeze_count() > 0
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and not was_frozen:
            gc.unfreeze()


def freeze() -> None:
    """Move every object alive now out of the cyclic collector's reach, when a ``held``
    block is open (else nothing): called once a batch of long-lived objects is built."""
    if _depth:
        gc.freeze()
