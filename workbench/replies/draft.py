"""A composed reply: its headers, its body, and the bytes a mail client will send.

Kept as plain fields (not an EmailMessage) so the TUI can show and edit them; the
message is built only when needed. The rules that make every client thread it under the
series live here: ``Re:`` once, In-Reply-To plus the full References chain, a fresh
Message-ID on my own domain, and a Date (``notmuch reply`` leaves both to the caller).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

from workbench import __version__
from workbench.errors import DraftError
from workbench.model import Person
from workbench.replies.kinds import DraftKind
from workbench.text import one_line

MAIL_POLICY = policy.default.clone(linesep="\n", max_line_length=78)
"""LF line ends, as maildir files are stored; headers folded at 78 (RFC 5322)."""

EDITABLE = ("From", "To", "Cc", "Subject")


def _address(person: Person) -> Address:
    local, _, domain = person.email.partition("@")
    return Address(display_name=person.name, username=local, domain=domain)


@dataclass(slots=True)
class Draft:
    kind: DraftKind
    sender: Person
    to: list[Person]
    cc: list[Person]
    subject: str
    body: str
    message_id: str  # without angle brackets
    in_reply_to: str
    references: list[str]
    date: datetime
    series_id: str
    section: str | None = None
    target_path: str = ""
    notes: list[str] = field(default_factory=list)  # what the user should know (skipped addresses …)

    # --- the message ---------------------------------------------------------------

    def message(self) -> EmailMessage:
        msg = EmailMessage(policy=MAIL_POLICY)
        msg["From"] = _address(self.sender)
        if self.to:
            msg["To"] = [_address(p) for p in self.to]
        if self.cc:
            msg["Cc"] = [_address(p) for p in self.cc]
        msg["Subject"] = self.subject
        msg["Date"] = format_datetime(self.date)
        msg["Message-ID"] = f"<{self.message_id}>"
        if self.in_reply_to:
            msg["In-Reply-To"] = f"<{self.in_reply_to}>"
        if self.references:
            msg["References"] = " ".join(f"<{r}>" for r in self.references)
        msg["User-Agent"] = f"vfio-workbench/{__version__}"
        body = self.body if self.body.endswith("\n") else self.body + "\n"
        longest = max((len(line.encode("utf-8")) for line in body.split("\n")), default=0)
        if longest > 990:
            cte = "quoted-printable"  # 8bit allows at most 998 octets a line
        else:
            cte = "7bit" if body.isascii() else "8bit"
        msg.set_content(body, subtype="plain", charset="utf-8", cte=cte)
        return msg

    def as_bytes(self) -> bytes:
        return _refold_subject(self.message().as_bytes(policy=MAIL_POLICY))

    @property
    def headers(self) -> dict[str, str]:
        """The headers as they will be written (RFC 2047 decoded), for display."""
        msg = self.message()
        return {name: str(value) for name, value in msg.items()}

    # --- editing (TUI TextArea or $EDITOR) -------------------------------------------

    def edit_text(self) -> str:
        """Editable headers, a blank line, the body. Threading headers are not shown:
        they are what keeps the draft in the series' thread and are kept as composed."""
        lines = [f"From: {self.sender.mailbox()}",
                 f"To: {', '.join(p.mailbox() for p in self.to)}",
                 f"Cc: {', '.join(p.mailbox() for p in self.cc)}",
                 f"Subject: {self.subject}", ""]
        return "\n".join(lines) + "\n" + self.body

    def with_edit(self, text: str) -> Draft:
        """This draft with the user's edits of ``edit_text()``; raises DraftError when the
        header block does not parse (the user is told which line)."""
        head, sep, body = text.replace("\r\n", "\n").partition("\n\n")
        if not sep:
            raise DraftError("the draft needs a blank line between the headers and the body")
        values: dict[str, str] = {}
        current: str | None = None
        for number, line in enumerate(head.split("\n"), 1):
            if line[:1] in (" ", "\t") and current:
                values[current] += " " + line.strip()
                continue
            name, colon, value = line.partition(":")
            name = name.strip()
            canonical = next((h for h in EDITABLE if h.lower() == name.lower()), None)
            if not colon or canonical is None:
                raise DraftError(f"draft header line {number}: {line[:60]!r}: only "
                                 f"{', '.join(EDITABLE)} can be edited here")
            current = canonical
            values[canonical] = value.strip()
        changes: dict = {"body": body}
        if "Subject" in values:
            changes["subject"] = one_line(values["Subject"]) or self.subject
        for header, attr in (("To", "to"), ("Cc", "cc")):
            if header in values:
                changes[attr] = parse_people(values[header], header)
        if "From" in values:
            people = parse_people(values["From"], "From")
            if len(people) != 1:
                raise DraftError("From: must name exactly one address")
            changes["sender"] = people[0]
        edited = replace(self, **changes)
        if not edited.to:
            raise DraftError("the draft has no To: address")
        return edited

    def file_name(self) -> str:
        """A file name for ``--out``: the kind and the series id, only safe characters."""
        stem = re.sub(r"[^A-Za-z0-9._@+-]+", "_", f"{self.kind}-{self.series_id}").strip("._") or "draft"
        return stem[:120] + ".eml"


_LONE_VALUE = re.compile(rb"^(Subject|To|Cc):\n((?: [^\n]*\n)+)", re.MULTILINE)


def _refold_subject(data: bytes) -> bytes:
    """The email package moves a value that would fit a line of its own onto the next
    line ("To:" then " Eric ..."), which some readers keep as a leading space and every
    reader shows as an empty first line; fold after "Name: " at the last space that fits
    instead (for To/Cc only between addresses, outside quotes, when one fits)."""
    head, sep, body = data.partition(b"\n\n")

    def fold(m: re.Match[bytes]) -> bytes:
        name = m.group(1)
        value = b" ".join(line.strip() for line in m.group(2).split(b"\n") if line.strip())
        words = value.split(b" ") if name == b"Subject" else _address_items(value)
        lines = [name + b": " + words[0]]
        for word in words[1:]:
            if len(lines[-1]) + 1 + len(word) > 78:
                lines.append(b" " + word)
            else:
                lines[-1] += b" " + word
        return b"\n".join(lines) + b"\n"

    return _LONE_VALUE.sub(fold, head + b"\n")[:-1] + sep + body


def _address_items(value: bytes) -> list[bytes]:
    """``a <x>, "b, c" <y>`` split after each top-level comma: ``[b"a <x>,", b'"b, c" <y>']``."""
    items: list[bytes] = []
    start, quoted, angle = 0, False, False
    for i, ch in enumerate(value):
        if ch == 0x22 and (i == 0 or value[i - 1] != 0x5C):
            quoted = not quoted
        elif not quoted and ch == 0x3C:
            angle = True
        elif not quoted and ch == 0x3E:
            angle = False
        elif ch == 0x2C and not quoted and not angle:
            items.append(value[start:i + 1].strip())
            start = i + 1
    items.append(value[start:].strip())
    return [item for item in items if item]


def parse_people(text: str, header: str) -> list[Person]:
    out: list[Person] = []
    for name, email in getaddresses([text]):
        email = email.strip()
        if not email:
            continue
        if "@" not in email:
            raise DraftError(f"{header}: {email!r} is not an email address")
        out.append(Person(one_line(name), email.lower()))
    return out
