"""The JSON report: ``{"schema": 1, "series": [...]}`` — a stable shape for scripts.

Field names and meanings are documented in the README; add fields, never rename them
without bumping ``schema``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from workbench.analysis import Context, Judged, Workbench
from workbench.model import CheckPart, CheckResult, Evidence, Patch, Person, RobotSignal, Trailer
from workbench.policy.signals import describe
from workbench.triage import activity, mine_to_act_on
from workbench.report.states import ReportStates, report_rows

SCHEMA = 1


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _person(person: Person | None) -> dict[str, str] | None:
    return {"name": person.name, "email": person.email} if person else None


def _trailer(t: Trailer) -> dict[str, Any]:
    return {
        "name": t.name,
        "person": t.person.name,
        "email": t.person.email,
        "source": t.source,
        "origin": str(t.origin),
        "suspect": t.suspect,
        "given_by": _person(t.given_by),
        "sent_from": t.sender.email,
        "carried": str(t.carried),
        "given_in": t.given_in,
        "given_on": t.given_version,
    }


def _patch(p: Patch) -> dict[str, Any]:
    return {
        "number": p.number,
        "msgid": p.msgid,
        "subject": p.subject,
        "author": _person(p.author),
        "date": _date(p.date),
        "files": [f.path for f in p.files],
        "trailers": [_trailer(t) for t in p.trailers],
    }


def _evidence(e: Evidence) -> dict[str, Any]:
    return {
        "text": e.text,
        "person": _person(e.person),
        "msgid": e.msgid,
        "trailer": e.trailer,
        "date": _date(e.date),
        "suspect": e.suspect,
    }


def _part(part: CheckPart) -> dict[str, Any]:
    return {
        "name": part.name,
        "status": str(part.status),
        "summary": part.summary,
        "patches": part.patches,
        "files": part.files,
        "evidence": [_evidence(e) for e in part.evidence],
        "missing": [_person(p) for p in part.missing],
        "group": part.group or None,
    }


def _check(c: CheckResult) -> dict[str, Any]:
    return {
        "id": c.id,
        "status": str(c.status),
        "summary": c.summary,
        "evidence": [_evidence(e) for e in c.evidence],
        "missing": [_person(p) for p in c.missing],
        "parts": [_part(p) for p in c.parts],
    }


def _triage(judged: Judged, ctx: Context | None) -> dict[str, Any]:
    """Facts about *me* beside the verdicts (which never depend on me): when the series
    last moved, how many of its mails came after my last one, whether it waits on me."""
    if ctx is None:
        return {}
    lists = ctx.maintainers.list_addresses()
    seen = activity(judged.series, ctx.me, ctx.mailmap, lists)
    return {"last_activity": _date(seen.last), "since_my_last_mail": seen.since_me,
            "mine": mine_to_act_on(judged, ctx.me, ctx.maintainers, ctx.mailmap)}


def _signal(sig: RobotSignal) -> dict[str, Any]:
    """A CI robot's report: beside the checks, never one of them (workbench.policy.signals)."""
    return {
        "kind": "ci-robot",
        "status": str(sig.status),
        "bot": sig.bot,
        "report": sig.kind,
        "config": sig.config or None,
        "patch": sig.patch,
        "patch_title": sig.patch_title,
        "series_id": sig.series_id,
        "version": sig.version,
        "msgid": sig.msgid,
        "lore": sig.lore,
        "closes": sig.link or None,
        "date": _date(sig.date),
        "cleared_by_version": sig.cleared_by,
        "text": describe(sig),
    }


def series_dict(judged: Judged, ctx: Context | None = None, states: ReportStates | None = None) -> dict[str, Any]:
    s = judged.series
    return {
        "id": s.id,
        "title": s.title,
        "version": s.version,
        "rfc": s.rfc,
        "resend": s.resend,
        "prefixes": list(s.prefixes),
        "author": _person(s.author),
        "date": _date(s.date),
        "cover": s.cover.msgid if s.cover else None,
        "expected": s.expected,
        "present": s.present,
        "missing_patches": s.missing_numbers,
        "complete": s.complete,
        "superseded_by": s.superseded_by,
        "revisions": s.revisions,
        "change_id": s.change_id,
        "in_scope": judged.in_scope,
        "drivers": judged.drivers,
        "replies": len(s.replies),
        "patches": [_patch(p) for p in s.patches],
        "cover_trailers": [_trailer(t) for t in s.cover_trailers],
        "checks": [_check(c) for c in judged.checks],
        "applied": _evidence(judged.applied) if judged.applied else None,
        "signals": [_signal(sig) for sig in judged.signals],
        **_triage(judged, ctx),
        **(states.fields(judged) if states is not None else {}),
    }


def _head(workbench: Workbench) -> dict[str, Any]:
    ctx = workbench.context
    return {
        "schema": SCHEMA,
        "database": ctx.db_path,
        "query": ctx.query,
        "revision": ctx.revision,
        "maintainers": ctx.maintainers.origin,
        "mailmap": ctx.mailmap.origin,
        "me": _person(ctx.me),
    }


def render_json(workbench: Workbench, *, show_all: bool = False, states: ReportStates | None = None) -> str:
    """The JSON report as one string (``json_pieces`` joined)."""
    return "".join(json_pieces(workbench, show_all=show_all, states=states))


def json_pieces(workbench: Workbench, *, show_all: bool = False,
                states: ReportStates | None = None) -> Iterator[str]:
    """The JSON report in pieces: the head (``"revision"`` is in it), then one piece per
    series and per problem. One line per top-level field and per series: readable with
    ``less`` and diffable from one day to the next, while every series is encoded by the
    C encoder (``indent`` would switch json to its pure-Python encoder, ~5x slower on a
    100k-message store).

    Series are turned into dicts and encoded one at a time, and never joined into one
    string by the report command (issue 13): a string takes the width of its widest
    character, so one name with a "ł" made the whole 42 MB report of a 40k-message store
    85 MB, twice over in the joins; kept apart, only that series' piece is wide."""
    dump = json.JSONEncoder(ensure_ascii=False).encode
    head = [f" {dump(key)}: {_inert(dump(value))}" for key, value in _head(workbench).items()]
    yield "{\n" + ",\n".join(head) + ",\n"
    ctx = workbench.context
    yield from _array(dump, "series", (series_dict(j, ctx, states) for j in report_rows(workbench, show_all, states)))
    yield ",\n"
    yield from _array(dump, "problems", ({"path": p.path, "reason": p.reason, "msgid": p.msgid}
                                        for p in workbench.problems))
    yield "\n}\n"


def _array(dump: Callable[[Any], str], key: str, items: Iterable[dict[str, Any]]) -> Iterator[str]:
    start = f" {dump(key)}: [\n  "
    for item in items:
        yield start + _inert(dump(item))
        start = ",\n  "
    yield f" {dump(key)}: []" if start != ",\n  " else "\n ]"


def _inert(text: str) -> str:
    if text.isascii() and "\x7f" not in text:  # nothing to escape: no regex walk over the series
        return text
    return _INERT.sub(_escape, text)


_INERT = re.compile("[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""What ``ensure_ascii=False`` leaves raw although a terminal acts on it: C1 controls
(U+009B is CSI on its own) and bidi/zero-width characters. JSON escapes C0 (ESC) itself;
these are escaped here the same way. They can only stand inside strings, so ``\\uXXXX``
keeps every value exactly while ``--report --format json`` on a terminal stays inert."""


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"
