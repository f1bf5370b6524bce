"""The series list of the last load, shown at once while the store is read again.

On a 100k-message store the record cache makes reading fast, but grouping and judging
60,000 messages still takes seconds, every start. The list itself is small (a row per
series), so after each load its rows are kept on disk, and the next start paints them
before the worker has finished — but only when every input is provably the same: the
kept rows go through the report memo's checks (same code, database, query and notmuch
revision or unchanged matches, same MAINTAINERS and .mailmap content, same "me";
``workbench.report.memo``). Anything else, and the list waits for the real load as
before. The rows are a picture, not the data: a series asked for on it is judged from
its version chain alone, kept beside the rows (``workbench.tui.opening``), or else opens
once the load is done.
"""

from __future__ import annotations

import json
from dataclasses import replace

from workbench.analysis import Workbench
from workbench.config import Settings
from workbench.mail.session import StoreSession
from workbench.tui.listing import ListRow, rows_of

FORMAT = "tui-rows-3"  # part of the memo key: bump when ListRow changes


def _memo(settings: Settings, session: StoreSession | None):
    from workbench.report.memo import ReportMemo

    return ReportMemo(replace(settings, show_all=False), FORMAT, session)


def kept_rows(settings: Settings, session: StoreSession | None = None) -> list[ListRow] | None:
    """The rows of the last load of these inputs, or None (never raises). ``session``:
    the load's look at the store, so asking costs no notmuch open of its own."""
    if not settings.use_cache:
        return None
    try:
        kept = _memo(settings, session).lookup()
        if kept is None:
            return None
        return [ListRow.from_json(item) for item in json.loads(kept.output)["rows"]]
    except Exception:  # noqa: BLE001 — a bad picture only means "wait for the load"
        return None


def keep_rows(settings: Settings, workbench: Workbench, session: StoreSession | None = None) -> None:
    """Remember this load's rows for the next start (never raises)."""
    if not settings.use_cache:
        return
    try:
        memo = _memo(settings, session)
        if memo.lookup() is not None:
            return  # already kept for exactly these inputs
        if memo.key is None:
            return
        ctx = workbench.context
        output = json.dumps({"rows": [r.to_json() for r in rows_of(workbench)]}, ensure_ascii=False)
        memo.store(output, uuid=ctx.uuid, rev=ctx.revision, matched=ctx.matched, settled=ctx.settled,
                   problems=list(workbench.problems), has_missing=False)
    except Exception:  # noqa: BLE001
        return
