"""A series' messages in thread order, with the trailers each one gave.

The maintainer reads a thread to see *who said what where*: which reply carried the
Acked-by, and whether that trailer names someone other than the sender (a trailer pasted
on someone's behalf, or one b4 would have misattributed). So every message lists the
trailers that came from it, suspect ones flagged, above its text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rich.text import Text

from workbench.analysis import Judged, Workbench
from workbench.model import MailRecord, Person, Trailer
from workbench.patchmail.diff import split_patch
from workbench.text import one_line, sanitize
from workbench.tui.body import read_body

_TRAILER_STYLE = {"Acked-by": "bold green", "Reviewed-by": "bold green", "Tested-by": "green",
                  "Signed-off-by": "cyan", "Nacked-by": "bold red"}
_MAX_BODY_LINES = 400


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


def _body_lines(node: ThreadMessage, indent: str) -> list[Text]:
    body = read_body(node.path)
    if node.kind == "patch":
        body, diff = split_patch(body)
        if diff:
            body = body.rstrip("\n") + f"\n[diff: {diff.count(chr(10))} lines — see the hunk view]"
    lines = sanitize(body).rstrip("\n").split("\n")
    out: list[Text] = []
    for raw in lines[:_MAX_BODY_LINES]:
        style = "dim" if raw.lstrip().startswith(">") else ""
        out.append(Text(indent + "  " + raw, style=style))
    if len(lines) > _MAX_BODY_LINES:
        out.append(Text(indent + f"  … {len(lines) - _MAX_BODY_LINES} more lines", style="dim italic"))
    return out


def thread_lines(messages: list[ThreadMessage], *, bodies: bool = True) -> tuple[list[Text], list[int]]:
    """The lines of the thread view and the index of each message's first line."""
    lines: list[Text] = []
    starts: list[int] = []
    for node in messages:
        indent = "  " * min(node.depth, 12)
        starts.append(len(lines))
        head = Text(indent)
        head.append({"cover": "◆ ", "patch": "● ", "reply": "↳ "}[node.kind], style="bold")
        head.append(one_line(node.subject), style="bold")
        lines.append(head)
        who = Text(indent + "  ")
        who.append(one_line(node.author.display()), style="cyan")
        who.append("  " + (node.date.strftime("%Y-%m-%d %H:%M") if node.date else "undated"), style="dim")
        who.append(f"  <{one_line(node.msgid, 70)}>", style="dim")
        lines.append(who)
        for t in node.trailers:
            line = Text(indent + "  ")
            line.append(f"{t.name}: ", style=_TRAILER_STYLE.get(t.name, "bold"))
            line.append(one_line(t.person.display()))
            if t.suspect:
                line.append(f"  ⚠ suspect: sent by {one_line(t.sender.display())}", style="bold yellow")
            lines.append(line)
        if bodies:
            lines.extend(_body_lines(node, indent))
        lines.append(Text(""))
    return lines, starts
