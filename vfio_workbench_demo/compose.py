"""Posting series and writing replies: the demo's small model of a mailing list.

A series spec is turned into the mails git send-email (or b4) would send: the cover
letter with its shortlog and diffstat, numbered patches threaded under it, Message-IDs in
git's ``<date>.<pid>-<n>-<sender>`` shape. A reply quotes its parent the way the
replier's client does (mutt, Thunderbird, Outlook, Claws), so trailer extraction meets
real quoting, attributions and signatures. Everything is derived from the specs and a
hash of them, never from the clock, so two builds produce the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from vfio_workbench_demo.patches import FileEdit, diffstat, render_diff
from vfio_workbench_demo.render import ListRewrite, Mail
from workbench.model import Person


@dataclass(frozen=True, slots=True)
class PatchSpec:
    title: str  # "vfio/mlx5: Add support for ..." (the subject without the [PATCH] tag)
    message: str  # commit message, without trailers
    trailers: tuple[str, ...]
    files: tuple[FileEdit, ...]
    notes: str = ""  # between '---' and the diffstat ("Changes in v2: ...")
    lost: bool = False  # sent but never arrived: the series is incomplete
    attach: bool = False  # sent by a mail client as a text/x-patch attachment
    encoding: str = "8bit"


@dataclass(slots=True)
class SeriesSpec:
    key: str  # stable name, used by expectations.py
    author: Person
    title: str  # the cover letter's title (also the chain key across versions)
    date: datetime
    patches: list[PatchSpec]
    to: tuple[Person, ...]
    cc: tuple[Person, ...] = ()
    version: int = 1
    version_mark: str = "v"  # "v" or "V" (NVIDIA posts "V2")
    tag: str = "PATCH"  # "PATCH", "RFC PATCH", "PATCH RESEND"
    words: tuple[str, ...] = ()  # subsystem words: "vfio", "mlx5-next"
    cover: str | None = None  # cover-letter prose; None: no cover letter
    in_reply_to: Mail | None = None  # posted with --in-reply-to (e.g. v2 under v1)
    via: ListRewrite | None = None
    pid: int = 1000
    b4_change_id: str | None = None  # sent with b4: change-id trailer block in the cover
    client: str = "git"


@dataclass(slots=True)
class Posted:
    spec: SeriesSpec
    cover: Mail | None
    patches: list[Mail | None]  # None for a patch that never arrived

    def patch(self, number: int) -> Mail:
        mail = self.patches[number - 1]
        if mail is None:
            raise ValueError(f"{self.spec.key}: patch {number} never arrived")
        return mail

    def cover_letter(self) -> Mail:
        if self.cover is None:
            raise ValueError(f"{self.spec.key}: posted without a cover letter")
        return self.cover

    @property
    def first(self) -> Mail:
        return self.cover or self.patch(1)


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x00".join(map(str, parts)).encode()).hexdigest()


def _stamp(date: datetime) -> str:
    return date.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


def _tag(spec: SeriesSpec, number: int | None, total: int) -> str:
    words = [spec.tag]
    if spec.version > 1:
        words.append(f"{spec.version_mark}{spec.version}")
    words += list(spec.words)
    if number is not None:
        width = len(str(total))
        words.append(f"{str(number).zfill(width)}/{total}")
    return "[" + " ".join(words) + "]"


def _merged_stat(patches: list[PatchSpec]) -> list[FileEdit]:
    """The files of the whole series, one entry per path, for the cover's diffstat."""
    merged: dict[str, FileEdit] = {}
    for p in patches:
        for f in p.files:
            if f.path in merged:
                old = merged[f.path]
                merged[f.path] = FileEdit(f.path, old.hunks + f.hunks, old.new)
            else:
                merged[f.path] = f
    return [merged[k] for k in sorted(merged)]


def patch_text(spec: SeriesSpec, p: PatchSpec) -> str:
    """The commit as format-patch writes it below the headers."""
    head = p.message.strip("\n") + "\n\n" + "\n".join(p.trailers) + "\n---\n"
    if p.notes:
        head += p.notes.strip("\n") + "\n\n"
    files = list(p.files)
    return head + diffstat(files) + "\n" + render_diff(files) + "-- \n2.43.0\n"


def cover_text(spec: SeriesSpec) -> str:
    assert spec.cover is not None
    titles = "\n".join(("      " if spec.b4_change_id else "  ") + p.title for p in spec.patches)
    shortlog = f"{spec.author.name} ({len(spec.patches)}):\n{titles}\n"
    stat = diffstat(_merged_stat(spec.patches))
    text = spec.cover.strip("\n") + "\n\n"
    if spec.b4_change_id:
        base = _digest(spec.key, "base")[:40]
        return (text + "---\n" + shortlog + "\n" + stat + "---\n"
                f"base-commit: {base}\nchange-id: {spec.b4_change_id}\n\n"
                f"Best regards,\n-- \n{spec.author.name} <{spec.author.email}>\n\n")
    return text + shortlog + "\n" + stat + "\n-- \n2.43.0\n"


def _attachment(spec: SeriesSpec, p: PatchSpec, date: datetime) -> tuple[str, str]:
    from email.utils import format_datetime

    name = f"0001-{re.sub(r'[^A-Za-z0-9]+', '-', p.title).strip('-')[:60]}.patch"
    content = (f"From {_digest(spec.key, p.title)} Mon Sep 17 00:00:00 2001\n"
               f"From: {spec.author.name} <{spec.author.email}>\n"
               f"Date: {format_datetime(date)}\n"
               f"Subject: [PATCH] {p.title}\n\n" + patch_text(spec, p))
    return name, content


class Corpus:
    """Every demo mail, in posting order."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self.series: dict[str, Posted] = {}
        self._seen: set[str] = set()

    def _add(self, mail: Mail) -> Mail:
        if mail.msgid in self._seen:
            raise ValueError(f"duplicate demo message-id {mail.msgid}")
        self._seen.add(mail.msgid)
        self.mails.append(mail)
        return mail

    def post(self, spec: SeriesSpec) -> Posted:
        if spec.key in self.series:
            raise ValueError(f"duplicate demo series key {spec.key}")
        total = len(spec.patches)
        stamp = _stamp(spec.date)
        local, domain = spec.author.email.split("@")
        n = 0

        def msgid() -> str:
            nonlocal n
            n += 1
            return f"{stamp}.{spec.pid}-{n}-{local}@{domain}"

        root_refs: tuple[str, ...] = ()
        root_parent: str | None = None
        if spec.in_reply_to is not None:
            root_parent = spec.in_reply_to.msgid
            root_refs = spec.in_reply_to.references + (root_parent,)

        cover = None
        numbered = total > 1 or spec.cover is not None
        if spec.cover is not None:
            cover = self._add(Mail(
                msgid=msgid(), author=spec.author, date=spec.date,
                subject=f"{_tag(spec, 0, total)} {spec.title}", body=cover_text(spec),
                to=spec.to, cc=spec.cc, in_reply_to=root_parent, references=root_refs,
                client=spec.client, via=spec.via))
        patches: list[Mail | None] = []
        parent: str | None
        for i, p in enumerate(spec.patches, start=1):
            date = spec.date + timedelta(seconds=i)
            mid = msgid()  # a lost patch still used up its number
            if p.lost:
                patches.append(None)
                continue
            if cover is not None:
                parent, refs = cover.msgid, root_refs + (cover.msgid,)
            elif patches and patches[0] is not None:
                parent, refs = patches[0].msgid, root_refs + (patches[0].msgid,)
            else:
                parent, refs = root_parent, root_refs
            subject = f"{_tag(spec, i if numbered else None, total)} {p.title}"
            if p.attach:
                body = ("Hi,\n\nHere is an early version of this change for comments on the\n"
                        "approach. The patch is attached, as our mail relay still mangles\n"
                        "tabs in inline patches; the next version will be sent inline.\n\n"
                        f"Thanks,\n{spec.author.name.split()[0]}\n")
                mail = Mail(msgid=mid, author=spec.author, date=date, subject=subject, body=body,
                            to=spec.to, cc=spec.cc, in_reply_to=parent, references=refs,
                            client="thunderbird", via=spec.via,
                            attachment=_attachment(spec, p, date))
            else:
                mail = Mail(msgid=mid, author=spec.author, date=date, subject=subject,
                            body=patch_text(spec, p), to=spec.to, cc=spec.cc, in_reply_to=parent,
                            references=refs, client=spec.client, via=spec.via, encoding=p.encoding)
            patches.append(self._add(mail))
        posted = Posted(spec, cover, patches)
        self.series[spec.key] = posted
        return posted

    def reply(self, parent: Mail, who: Person, after: timedelta, text: str, *,
              client: str = "mutt", tz: timezone | None = None, extra_cc: tuple[Person, ...] = (),
              via: ListRewrite | None = None) -> Mail:
        """A reply to ``parent`` written by ``who``; ``text`` may hold ``@quote`` lines
        (see ``expand_quotes``)."""
        date = (parent.date + after).astimezone(tz or parent.date.tzinfo)
        body = quote_header(parent, client, date) + expand_quotes(text, parent)
        subject = re.sub(r"^(?:(?:re|RE|Re):\s*)+", "", parent.subject)
        subject = ("RE: " if client == "outlook" else "Re: ") + subject
        recipients: list[Person] = []  # reply-to-all: the parent's author first, no duplicates
        for p in (parent.author, *parent.to, *parent.cc, *extra_cc):
            if p.email != who.email and all(p.email != r.email for r in recipients):
                recipients.append(p)
        mail = Mail(msgid=reply_msgid(who, date, client, parent.msgid), author=who, date=date,
                    subject=subject, body=body, to=tuple(recipients[:1]), cc=tuple(recipients[1:]),
                    in_reply_to=parent.msgid, references=parent.references + (parent.msgid,),
                    client=client, via=via,
                    encoding="quoted-printable" if client == "outlook" else "8bit")
        return self._add(mail)


def reply_msgid(who: Person, date: datetime, client: str, parent: str) -> str:
    h = _digest(who.email, date.isoformat(), parent)
    local, domain = who.email.split("@")
    if client == "mutt":
        return f"{_stamp(date)}.GA{int(h[:7], 16) % 9000000 + 1000000}@{domain}"
    if client == "outlook":
        box = "BN9PR11MB5276" if domain == "intel.com" else "SJ0PR12MB5676"
        return f"{box}{h[:24].upper()}@{box}.namprd11.prod.outlook.com"
    if client == "claws":
        return f"{_stamp(date)}.{h[:8]}.{local}@{domain}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}@{domain}"


def quote_header(parent: Mail, client: str, date: datetime) -> str:
    """The attribution line(s) each client writes above the quote."""
    pd = parent.date
    name = parent.author.name
    if client == "mutt":
        return f"On {pd.strftime('%a, %b %d, %Y at %I:%M:%S%p %z')}, {name} wrote:\n"
    if client == "claws":
        from email.utils import format_datetime

        return f"On {format_datetime(pd)}\n{name} <{parent.author.email}> wrote:\n\n"
    if client == "outlook":
        local = pd.astimezone(date.tzinfo)
        sent = local.strftime("%A, %B ") + str(local.day) + local.strftime(", %Y ") + \
            local.strftime("%I:%M %p").lstrip("0")
        return f"> From: {name} <{parent.author.email}>\n> Sent: {sent}\n>\n"
    return f"On {pd.day}/{pd.month}/{pd.year} {pd.strftime('%H:%M')}, {name} wrote:\n"


def _quoted(line: str) -> str:
    if not line:
        return ">"
    return ">" + line if line.startswith(">") else "> " + line


def expand_quotes(text: str, parent: Mail) -> str:
    """Replace ``@quote head N`` / ``@quote /regex/ N`` lines with N quoted lines of the
    parent (from its start, or from its first line matching the regex)."""
    source = parent.body.split("\n")
    out: list[str] = []
    for line in text.strip("\n").split("\n"):
        m = re.fullmatch(r"@quote (head|/(.+)/) (\d+)", line)
        if not m:
            out.append(line)
            continue
        count = int(m.group(3))
        start = 0
        if m.group(2):
            rx = re.compile(m.group(2))
            found = next((i for i, s in enumerate(source) if rx.search(s)), None)
            if found is None:
                raise ValueError(f"@quote pattern {m.group(2)!r} not found in {parent.msgid}")
            start = found
        out.extend(_quoted(s) for s in source[start:start + count])
    return "\n".join(out) + "\n"


def tz(hours: float) -> timezone:
    return timezone(timedelta(minutes=int(hours * 60)))


def at(year: int, month: int, day: int, hour: int, minute: int, second: int, offset: float) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=tz(offset))


__all__ = ["Corpus", "Posted", "PatchSpec", "SeriesSpec", "at", "tz"]
