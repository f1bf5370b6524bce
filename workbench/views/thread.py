"""A series' messages in thread order (covers, patches, replies by References), each with
the trailers that came from it: who said what where. Textual-free, so the report and the
drafts can walk a thread the way the thread view shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from workbench.analysis import Judged, Workbench
from workbench.model import MailRecord, Person, Trailer


@dataclass(slots=True)
class ThreadMessage:
    msgid: str
    subject: str
    author: Person
    date: datetime | None
    path: str
    depth: int
    kind: str  # "cover" | "patch" | "reply"
    trailers: list[Trailer] = field(default_factory=list)


def _trailers_by_source(judged: Judged) -> dict[str, list[Trailer]]:
    """Each trailer once per (source, name, person): a cover-letter ack applies to every
    patch but was given once, in one mail."""
    out: dict[str, list[Trailer]] = {}
    seen: set[tuple[str, str, str]] = set()
    all_trailers = list(judged.series.cover_trailers)
    for patch in judged.series.patches:
        all_trailers.extend(patch.trailers)
    for t in all_trailers:
        key = (t.source, t.name, t.person.email or t.person.name)
        if key in seen:
            continue
        seen.add(key)
        out.setdefault(t.source, []).append(t)
    return out


def thread_messages(judged: Judged, workbench: Workbench | None = None) -> list[ThreadMessage]:
    s = judged.series
    nodes: dict[str, ThreadMessage] = {}
    parent_of: dict[str, str | None] = {}
    order: list[str] = []

    def add(msgid: str, subject: str, author: Person, date: datetime | None, path: str,
            kind: str, parent: str | None) -> None:
        if msgid in nodes:
            return
        nodes[msgid] = ThreadMessage(msgid, subject, author, date, path, 0, kind)
        parent_of[msgid] = parent
        order.append(msgid)

    if s.cover is not None:
        add(s.cover.msgid, s.cover.subject, s.cover.author, s.cover.date, s.cover.path, "cover", s.cover.parent)
    records = workbench.records if workbench is not None else {}
    for p in s.patches:
        rec: MailRecord | None = records.get(p.msgid)
        parent = rec.parent if rec is not None else (s.cover.msgid if s.cover else None)
        add(p.msgid, p.subject, p.author, p.date, p.path, "patch", parent)
    for r in sorted(s.replies, key=lambda r: (r.date is None, r.date or datetime.min)):
        add(r.msgid, r.subject, r.author, r.date, r.path, "reply", r.parent)

    children: dict[str | None, list[str]] = {}
    for msgid in order:
        parent = parent_of[msgid]
        if parent not in nodes or parent == msgid:
            parent = None
        children.setdefault(parent, []).append(msgid)

    out: list[ThreadMessage] = []
    visited: set[str] = set()

    def walk(msgid: str, depth: int) -> None:
        if msgid in visited:  # References cycles exist in real mail
            return
        visited.add(msgid)
        node = nodes[msgid]
        node.depth = depth
        out.append(node)
        for child in children.get(msgid, []):
            walk(child, depth + 1)

    for root in children.get(None, []):
        walk(root, 0)
    for msgid in order:  # anything a cycle kept unreachable
        if msgid not in visited:
            walk(msgid, 0)
    by_source = _trailers_by_source(judged)
    for node in out:
        node.trailers = by_source.get(node.msgid, [])
    return out
