"""Which kind of child process the loader may start.

``fork`` is cheapest (the parser is already imported, nothing is re-read), but forking a
process that runs other threads (the TUI's workers) can leave the child stuck on a lock
some other thread held at the fork: then ``forkserver``, a clean single-threaded server
with the loader preloaded, forks the children instead.
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.context import ForkContext, ForkServerContext


def process_context() -> ForkContext | ForkServerContext:
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["workbench.mail.loader"])
    return ctx
