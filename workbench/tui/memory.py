"""Keeping the cyclic garbage collector out of the way of scrolling.

A full collection walks every tracked object; with a large store and a 5,000-line diff
in memory that is a 150 ms stall in the middle of scrolling (measured with
benchmarks/tui_bench.py; the stalls vanish with the collector out of the way). So when a
big view opens, what is alive is frozen (moved out of the collector's reach), and when
it closes the freeze is lifted and one collection runs, at a moment the user is not
scrolling, so the closed screen's widgets (which do form cycles) are not pinned forever.
"""

from __future__ import annotations

import gc


def freeze_heap() -> None:
    gc.freeze()


def release_heap() -> None:
    gc.unfreeze()
    gc.collect()
