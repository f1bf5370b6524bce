"""Opening a series from the list of the last load, before this load has finished.

On a warm start the list is painted at once from the rows the last load kept
(``workbench.tui.preview``), but grouping and judging every message again takes seconds
on a large store (tens of seconds at 100k), and a series could only open after that.
What one series needs is much smaller than the store: the messages of its version
chain (every posting's cover letter, patches, replies and extras). So each load also
keeps, beside the rows and under the same checks (``workbench.report.memo``: same code,
database, query, unchanged matches, MAINTAINERS, .mailmap, "me"), which message-ids make
up each chain. A series asked for while the store still loads is then opened from those
messages alone: read by key from the record cache (``StoreSession.cached_records``), grouped
and judged (``pipeline.analyse``), in about the time one chain takes, whatever the size
of the store.

This is the analysis of a part, not of the whole: the judged series is what the whole
load gives for it as long as nothing outside its chain changes its grouping, which is
what the chain is chosen for. The app still replaces it with the full load's series
when that arrives (and says so when anything differs), and anything that writes (a
state, a draft, an mbox) waits for the full load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from workbench.analysis import Context, Judged, Workbench
from workbench.config import Settings
from workbench.mail.session import StoreSession
from workbench.model import Series

FORMAT = "tui-chains-1"  # part of the memo key: bump when the kept shape changes


def _memo(settings: Settings, session: StoreSession | None):
    from workbench.report.memo import ReportMemo

    return ReportMemo(replace(settings, show_all=False), FORMAT, session)


def chain_messages(series: list[Series]) -> list[str]:
    """Every message-id of these postings: cover letters, patches, replies, extras."""
    out: dict[str, None] = {}
    for s in series:
        if s.cover is not None:
            out[s.cover.msgid] = None
        for p in s.patches:
            out[p.msgid] = None
        for r in s.replies:
            out[r.msgid] = None
        for e in s.extras:
            out[e.msgid] = None
    return list(out)


def chains_of(workbench: Workbench) -> dict[str, list[str]]:
    """series id → the message-ids of its version chain, for every judged series."""
    by_id = {j.series.id: j.series for j in workbench.judged}
    done: dict[tuple[str, ...], list[str]] = {}
    out: dict[str, list[str]] = {}
    for s in by_id.values():
        members = tuple(m for m in (s.revisions or [s.id]) if m in by_id) or (s.id,)
        if s.id not in members:
            members = (*members, s.id)
        if members not in done:
            done[members] = chain_messages([by_id[m] for m in members])
        out[s.id] = done[members]
    return out


@dataclass(frozen=True, slots=True)
class KeptChains:
    """The chains the last load of these inputs kept: each a list of message-ids, and
    which chain each series id is in."""

    settings: Settings
    chains: list[list[str]]
    index: dict[str, int]

    def messages(self, series_id: str) -> list[str] | None:
        at = self.index.get(series_id)
        return self.chains[at] if at is not None and 0 <= at < len(self.chains) else None


def kept_chains(settings: Settings, session: StoreSession | None = None) -> KeptChains | None:
    """The chains of the last load of these inputs, or None (never raises)."""
    if not settings.use_cache:
        return None
    try:
        kept = _memo(settings, session).lookup()
        if kept is None:
            return None
        data = json.loads(kept.output)
        chains = [[str(m) for m in chain] for chain in data["chains"]]
        index = {str(k): int(v) for k, v in data["series"].items()}
        return KeptChains(settings, chains, index)
    except Exception:  # noqa: BLE001 — nothing kept only means "wait for the load"
        return None


def keep_chains(settings: Settings, workbench: Workbench, session: StoreSession | None = None) -> None:
    """Remember this load's chains for the next start (never raises)."""
    if not settings.use_cache:
        return
    try:
        memo = _memo(settings, session)
        if memo.lookup() is not None or memo.key is None:
            return  # already kept for exactly these inputs (or nothing to key it by)
        chains: list[list[str]] = []
        seen: dict[int, int] = {}
        index: dict[str, int] = {}
        for series_id, messages in chains_of(workbench).items():
            at = seen.get(id(messages))
            if at is None:
                at = seen[id(messages)] = len(chains)
                chains.append(messages)
            index[series_id] = at
        ctx = workbench.context
        output = json.dumps({"chains": chains, "series": index}, ensure_ascii=False)
        memo.store(output, uuid=ctx.uuid, rev=ctx.revision, matched=ctx.matched, settled=ctx.settled,
                   problems=list(workbench.problems), has_missing=False)
    except Exception:  # noqa: BLE001
        return


_contexts: dict[tuple, tuple] = {}


def _context(settings: Settings) -> Context:
    """``load_context``, with MAINTAINERS and .mailmap parsed once per version of the
    files (by path, size and mtime): a real MAINTAINERS takes a noticeable part of a
    second to parse, and each series opened before the load would parse it again."""
    from workbench.pipeline import load_context

    def stamp(path: Path | None) -> tuple:
        if path is None:
            return ()
        st = path.stat()
        return (str(path), st.st_size, st.st_mtime_ns)

    key = (stamp(settings.maintainers_path()), stamp(settings.mailmap_path()))
    got = _contexts.get(key)
    if got is None:
        context = load_context(settings)
        _contexts.clear()
        got = _contexts[key] = (context.maintainers, context.mailmap)
    return Context(maintainers=got[0], mailmap=got[1], me=settings.me)


def open_kept(kept: KeptChains, series_id: str) -> tuple[Judged, Workbench] | None:
    """The judged series ``series_id`` and a workbench of its chain alone, from the kept
    chain and the record cache; None when anything is missing or no longer holds
    (the caller then waits for the full load). Raises nothing."""
    from workbench.pipeline import analyse

    wanted = kept.messages(series_id)
    if not wanted:
        return None
    settings = kept.settings
    try:
        context = _context(settings)
        with StoreSession(settings) as session:
            facts = session.facts()
            context.me = context.me or session.user_identity()
            records = session.cached_records(wanted)  # None: the cache no longer holds the store as it is
        if records is None:
            return None
        context.db_path, context.query = facts.db_path, settings.effective_query()
        context.revision, context.uuid = facts.revision.rev, facts.revision.uuid
        judged = analyse(records, context)
        found = next((j for j in judged if j.series.id == series_id), None)
        if found is None:
            return None
        return found, Workbench(context=context, judged=judged, records={r.msgid: r for r in records})
    except Exception:  # noqa: BLE001 — a part that cannot be judged waits for the whole
        return None
