"""Keeping the cyclic garbage collector out of the way of scrolling.

A full collection walks every tracked object; with a large store and a 5,000-line diff
in memory that is a 150 ms stall in the middle of scrolling (measured with
benchmarks/tui_bench.py; the stalls vanish with the collector out of the way). The app
freezes what a load leaves alive (moved out of the collector's reach); a view that
brings a big diff freezes again once it is built, and when it closes the freeze is
lifted and one collection runs, at a moment the user is not scrolling, so the closed
screen's widgets (which do form cycles) are not pinned forever.

Only a big diff is worth it: that collection walks the whole heap again (0.3 s at 40k
real messages), while a small view's own objects are few, the load's are frozen, and
the collector's young generations free them as it goes.
"""

from __future__ import annotations

import gc

BIG_DIFF_LINES = 2_000
"""A view holding a diff of this many lines or more holds the heap while it is open."""


def freeze_heap() -> None:
    gc.freeze()


def hold_heap(diff_lines: int) -> bool:
    """Freeze for a view of ``diff_lines`` lines when that is big; True if it froze
    (the view then owes a ``release_heap`` when it closes)."""
    if diff_lines < BIG_DIFF_LINES:
        return False
    gc.freeze()
    return True


def release_heap() -> None:
    gc.unfreeze()
    gc.collect()
