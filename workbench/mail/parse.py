"""One message file → one MailRecord: the facts grouping and the checks need.

The file is read once; headers come from a byte-level pass (``headers``), the body from
``bodies``. What is odd but survivable (a wrong charset, a garbage Date, no Message-Id)
is recorded in ``MailRecord.problems`` and the record is still made, because a
maintainer would rather see a series with one odd mail than lose the mail. Only a file
that is not a message at all raises ParseFailure.

The real author is recovered here, once, and only where the mail's own shape vouches for
it (DESIGN.md, "Identities"): git send-email puts the patch author on a ``From:`` line at
the top of a *posting's* body (a patch or its cover letter; in a reply that line is just
text anybody can type), and
a mailing list that rewrites senders for DMARC ("Yishai Hadas via Virtualization
<virtualization@lists…>") keeps the person in Reply-To or X-Original-From — believed only
when the From address is that list's own (its List-Id or List-Post); the policy also
accepts an ``L:`` address of MAINTAINERS (``series.senders``). Otherwise the From header is
the author, whatever its display name says.
"""

from __future__ import annotations

import hashlib
import re

from workbench.mail import headers as H
from workbench.mail.bodies import decode_body
from workbench.model import MailRecord, Person
from workbench.patchmail.applied import applied_line
from workbench.patchmail.diff import split_patch, summarize_diff
from workbench.patchmail.subject import parse_subject
from workbench.patchmail.trailers import extract_trailers, own_lines

COVER_CAP = 32 * 1024
COMMIT_CAP = 8 * 1024
"""Enough for any real cover letter's prose; keeps a 100k-message store compact."""
SUBJECT_CAP = 1000

_VIA = re.compile(r"^(?P<name>.*?)\s+via\s+(?P<list>[^<>]+?)\s*$", re.IGNORECASE)
_REPLY_SUBJECT = re.compile(r"^\s*(?:(?:re|aw|sv|vs|antw|odp|fwd?|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+",
                            re.IGNORECASE)
_INBODY_FROM = re.compile(r"^From:[ \t]*(\S.*)$")
_INBODY_NEXT = re.compile(r"^(?:$|Date:|Subject:)")
_CHANGE_ID = re.compile(r"^change-id:[ \t]*(\S+)[ \t]*$", re.MULTILINE | re.IGNORECASE)
_CHANGE_ID_HINT = re.compile(r"-[iI][dD]:")
"""Searched first: a literal start is found at C speed, while ``_CHANGE_ID``'s "^" in
MULTILINE mode is tried at every offset of the text (3 µs against 24 on the corpus's
message bodies)."""


class ParseFailure(Exception):
    """The file is not a usable message; ``reason`` says why, for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_reply_subject(subject: str) -> bool:
    return bool(_REPLY_SUBJECT.match(subject))


def synthetic_id(data: bytes) -> str:
    """notmuch's own id for a message without Message-Id (sha1 of the file), so that the
    record and the database agree on what to call it."""
    return "notmuch-sha1-" + hashlib.sha1(data).hexdigest()


def _inbody_author(text: str, problems: list[str]) -> Person | None:
    """The person on a ``From:`` line that opens the body (git send-email's way of naming
    the patch author). Outlook's quoted "From: … / Sent: …" block is not one."""
    start = 0
    n = len(text)
    while start < n and text[start] in "\r\n":
        start += 1
    if not text.startswith("From:", start):
        return None
    end = text.find("\n", start)
    first = text[start:end if end >= 0 else n].rstrip("\r")
    m = _INBODY_FROM.match(first)
    if not m:
        return None
    nxt_end = text.find("\n", end + 1) if end >= 0 else -1
    nxt = text[end + 1: nxt_end if nxt_end >= 0 else n].rstrip("\r") if end >= 0 else ""
    if not _INBODY_NEXT.match(nxt):
        return None
    person = H.parse_person(H.decode_words(m.group(1), problems), problems)
    if person is None or not person.email:
        return None
    return person


def _relayed(sender: Person, fields: dict[bytes, list[bytes]], problems: list[str]) -> Person | None:
    """The person behind a list-rewritten From ("X via List"), as Reply-To or
    X-Original-From name them; None when From is not rewritten or nobody is named."""
    m = _VIA.match(sender.name) if sender.name else None
    if m is None:
        return None
    for name in (b"x-original-from", b"reply-to"):
        for raw in fields.get(name, ()):
            people = H.parse_addresses(H.to_text(raw, problems, name.decode()), problems)
            if len(people) == 1 and people[0].email and people[0].email != sender.email:
                found = people[0]
                if not found.name:
                    found = Person(m.group("name").strip().strip('"'), found.email)
                return found
    problems.append(f"sender rewritten by {m.group('list').strip()[:40]!r}; real address unknown")
    return None


_LIST_ID = re.compile(r"<([^<>\s]+)>")
_MAILTO = re.compile(r"mailto:([^>\s?]+)", re.IGNORECASE)


def _from_list(sender: Person, fields: dict[bytes, list[bytes]], problems: list[str]) -> bool:
    """Whether the From address is the list's own: List-Post's address, or List-Id's
    ``local.domain`` for ``local@domain``. A list that rewrites From sends as itself."""
    email = sender.email
    if "@" not in email:
        return False
    dotted = email.replace("@", ".", 1)
    for raw in fields.get(b"list-id", ()):
        for found in _LIST_ID.findall(H.to_text(raw, problems, "List-Id")):
            if found.lower() == dotted:
                return True
    for raw in fields.get(b"list-post", ()):
        for found in _MAILTO.findall(H.to_text(raw, problems, "List-Post")):
            if found.lower() == email:
                return True
    return False


def _real_author(sender: Person, relayed: Person | None, from_list: bool, text: str, posting: bool,
                 problems: list[str]) -> Person:
    if posting:
        inbody = _inbody_author(text, problems)
        if inbody is not None:
            return inbody
    if relayed is not None and from_list:
        return relayed
    m = _VIA.match(sender.name) if sender.name else None
    if m is not None and relayed is not None:
        problems.append(f"From says 'via {m.group('list').strip()[:40]}' but is not that list's address; "
                        "Reply-To/X-Original-From not believed")
    return sender


def _text(fields: dict[bytes, list[bytes]], name: bytes, problems: list[str]) -> str | None:
    values = fields.get(name)
    if not values:
        return None
    return H.to_text(values[0], problems, name.decode())


def _dedupe(ids: list[str], own: str) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for i in ids:
        if i != own and i not in seen:
            seen.add(i)
            out.append(i)
    return tuple(out)


def parse_message(path: str, data: bytes | None = None) -> MailRecord:
    """Parse one message file (``data`` when the bytes are already in hand)."""
    if data is None:
        with open(path, "rb") as fh:
            data = fh.read()
    if not data or data.isspace():  # as ``not data.strip()``, without copying the message
        raise ParseFailure("empty file")
    block, body = H.split_message(data)
    fields, junk = H.read_headers(block)
    if not fields:
        raise ParseFailure("no mail headers (not an RFC 5322 message)")
    problems: list[str] = []
    if junk:
        problems.append(f"{junk} malformed header line(s)")

    raw_id = _text(fields, b"message-id", problems)
    msgid = H.first_id(raw_id) if raw_id else None
    if msgid is None:
        msgid = synthetic_id(data)
        problems.append("no usable Message-Id; using notmuch's content hash id")

    subject_raw = _text(fields, b"subject", problems)
    if subject_raw is None:
        subject = ""
        problems.append("no Subject")
    else:
        subject = H.one_line(H.decode_words(subject_raw, problems))
        if len(subject) > SUBJECT_CAP:
            subject = subject[:SUBJECT_CAP]
            problems.append("Subject cut to 1000 characters")

    from_raw = _text(fields, b"from", problems)
    sender = None
    if from_raw is not None:
        people = H.parse_addresses(from_raw, problems, limit=1)
        sender = people[0] if people else None
    if sender is None:
        problems.append("no usable From")
        sender = Person("", "")

    date_raw = _text(fields, b"date", problems)
    if date_raw is None:
        problems.append("no Date")
        date = None
    else:
        date = H.parse_date(date_raw, problems)

    irt_raw = _text(fields, b"in-reply-to", problems)
    in_reply_to = H.first_id(irt_raw) if irt_raw else None
    if in_reply_to == msgid:
        problems.append("In-Reply-To names the message itself")
        in_reply_to = None
    refs_raw = _text(fields, b"references", problems)
    ref_ids = H.message_ids(refs_raw) if refs_raw else []
    if msgid in ref_ids:
        problems.append("References name the message itself")
    references = _dedupe(ref_ids, msgid)

    to = tuple(p for v in fields.get(b"to", ()) for p in H.parse_addresses(H.to_text(v, problems, "To"), problems))
    cc = tuple(p for v in fields.get(b"cc", ()) for p in H.parse_addresses(H.to_text(v, problems, "Cc"), problems))

    text = decode_body(data, body, fields, problems)

    reply = is_reply_subject(subject)

    trailers: tuple = ()
    files: tuple = ()
    signals: tuple = ()
    prose, diff = text.own, ""
    own: list[str] | None = None  # the replier's own lines: trailers and "applied" read them
    try:
        prose, diff = split_patch(text.whole)
        if diff:
            files, signals = summarize_diff(diff)
            trailers = extract_trailers(text.whole, patch=True)
        else:
            # a patch's commit message may sit in its attached patch; a reply's trailers
            # are only in what the replier wrote, never in a file they attached
            own = own_lines(text.own, patch=False)
            trailers = extract_trailers(text.own, patch=False, lines=own)
    except Exception as err:  # noqa: BLE001 — a bug in one analyser must not lose the mail
        problems.append(f"body analysis failed ({type(err).__name__}: {str(err)[:80]})")
    relayed = _relayed(sender, fields, problems)
    from_list = relayed is not None and _from_list(sender, fields, problems)
    # a posting's own mail (a patch, or its cover letter) may name its author in-body;
    # in a reply that line is text anybody can type
    author = _real_author(sender, relayed, from_list, text.whole, bool(diff) or not reply, problems)

    cover_text = ""
    change_id = None
    applied = ""
    if reply and not diff:
        try:
            applied = applied_line(text.own, own)
        except Exception as err:  # noqa: BLE001 — as above
            problems.append(f"body analysis failed ({type(err).__name__}: {str(err)[:80]})")
    if not reply:
        if not diff:
            cover_text = prose[:COVER_CAP]
        elif parse_subject(subject).number in (None, 1):
            cover_text = prose[:COMMIT_CAP]  # the documentation check reads it without a cover
        m = _CHANGE_ID.search(text.whole) if _CHANGE_ID_HINT.search(text.whole) else None
        if m:
            change_id = m.group(1)

    return MailRecord(
        msgid=msgid,
        path=path,
        subject=subject,
        author=author,
        sender=sender,
        date=date,
        in_reply_to=in_reply_to,
        references=references,
        to=to,
        cc=cc,
        trailers=tuple(trailers),
        files=tuple(files),
        signals=tuple(signals),
        cover_text=cover_text,
        change_id=change_id,
        applied=applied,
        problems=tuple(dict.fromkeys(problems)),
        relayed=relayed,
        from_list=from_list,
    )
