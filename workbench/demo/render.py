"""One demo mail as RFC 5322 bytes, the way the real clients on the kvm list write them.

The headers are written by hand rather than through ``email.message``: the point of the
demo is to look like git send-email, b4, mutt, Thunderbird, Outlook and Claws Mail output
(their header order, their Message-ID shapes, their folding, RFC 2047 names), which the
stdlib's generator would normalise away. The tests then check that the stdlib parser
reads every one of them without a defect.
"""

from __future__ import annotations

import base64
import hashlib
import quopri
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from workbench.model import Person

_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')


@dataclass(frozen=True, slots=True)
class ListRewrite:
    """A list that rewrites From: (DMARC mitigation), e.g. the old virtualization list."""

    display: str  # "Virtualization"
    address: str  # the list address put in From:
    bounces: str  # the Sender:
    list_id: str


VIRTUALIZATION = ListRewrite("Virtualization", "virtualization@lists.linux-foundation.org",
                             "virtualization-bounces@lists.linux-foundation.org",
                             "Linux virtualization <virtualization.lists.linux-foundation.org>")


@dataclass(slots=True)
class Mail:
    msgid: str  # without angle brackets
    author: Person
    date: datetime
    subject: str
    body: str
    to: tuple[Person, ...]
    cc: tuple[Person, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    client: str = "git"  # git | b4 | mutt | thunderbird | outlook | claws
    via: ListRewrite | None = None
    encoding: str = "8bit"  # 8bit | quoted-printable | base64
    attachment: tuple[str, str] | None = None  # (file name, text/x-patch content)
    list_id: str = "<kvm.vger.kernel.org>"


_MAILERS = {
    "git": ("X-Mailer", "git-send-email 2.43.0"),
    "b4": ("X-Mailer", "b4 0.14.2"),
    "mutt": ("User-Agent", "Mutt/2.2.13 (2024-03-09)"),
    "thunderbird": ("User-Agent", "Mozilla Thunderbird"),
    "claws": ("X-Mailer", "Claws Mail 4.3.0 (GTK 3.24.43; x86_64-redhat-linux-gnu)"),
}


def _encode_word(text: str) -> str:
    """RFC 2047 Q-encoding, as git send-email writes non-ASCII names."""
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        out.append(ch if ch.isascii() and (ch.isalnum() or ch in "!*+-/") else f"={byte:02X}")
    return f"=?UTF-8?q?{''.join(out)}?="


def format_person(p: Person) -> str:
    if not p.name:
        return p.email
    if not p.name.isascii():
        return f"{_encode_word(p.name)} <{p.email}>"
    name = f'"{p.name}"' if _SPECIALS.search(p.name) else p.name
    return f"{name} <{p.email}>"


def _fold(name: str, items: list[str], sep: str = ",", cont: str = "\t") -> str:
    """A structured header folded before 78 columns, at the separators."""
    line = f"{name}: "
    lines: list[str] = []
    for i, item in enumerate(items):
        piece = item + (sep if i < len(items) - 1 else "")
        if len(line) + len(piece) + 1 > 78 and line.strip() != f"{name}:":
            lines.append(line.rstrip())
            line = cont
        line += piece + " "
    lines.append(line.rstrip())
    return "\n".join(lines)


def _fold_text(name: str, value: str) -> str:
    """An unstructured header (Subject) folded at spaces, as mailers do."""
    if not value.isascii():
        return f"{name}: {_encode_word(value)}"
    words = value.split(" ")
    return _fold(name, words, sep="", cont=" ")


def _boundary(msgid: str) -> str:
    return "------------" + hashlib.sha1(msgid.encode()).hexdigest()[:24]


def _encode_body(text: str, encoding: str) -> tuple[list[str], str]:
    """(headers, encoded body) for a text/plain part."""
    charset = "us-ascii" if text.isascii() else "UTF-8"
    headers = [f"Content-Type: text/plain; charset={charset}"]
    data = text.encode("utf-8")
    if encoding == "base64":
        body = base64.encodebytes(data).decode("ascii")
    elif encoding == "quoted-printable":
        body = quopri.encodestring(data).decode("ascii")
    else:
        encoding = "8bit" if not text.isascii() else "7bit"
        body = text
    headers.append(f"Content-Transfer-Encoding: {encoding}")
    return headers, body


def render(mail: Mail) -> bytes:
    """The message file's bytes (LF line ends, as in a maildir)."""
    h: list[str] = []
    if mail.via:
        shown = f"{mail.author.name} via {mail.via.display}"
        h.append(f"From: {format_person(Person(shown, mail.via.address))}")
    else:
        h.append(f"From: {format_person(mail.author)}")
    h.append(_fold("To", [format_person(p) for p in mail.to]))
    if mail.cc:
        h.append(_fold("Cc", [format_person(p) for p in mail.cc]))
    h.append(_fold_text("Subject", mail.subject))
    h.append(f"Date: {format_datetime(mail.date)}")
    h.append(f"Message-ID: <{mail.msgid}>")
    if mail.client in _MAILERS:
        key, value = _MAILERS[mail.client]
        h.append(f"{key}: {value}")
    if mail.in_reply_to:
        h.append(f"In-Reply-To: <{mail.in_reply_to}>")
    if mail.references:
        h.append(_fold("References", [f"<{r}>" for r in mail.references], sep=""))
    if mail.client == "outlook":
        topic = re.sub(r"^(?:re|RE):\s*", "", mail.subject)
        h.append(_fold_text("Thread-Topic", topic))
        h.append("Content-Language: en-US")
    if mail.via:
        h.append(f"Reply-To: {format_person(mail.author)}")
        h.append(f"X-Original-From: {format_person(mail.author)}")
        h.append(f'Sender: "{mail.via.display}" <{mail.via.bounces}>')
        h.append(f"List-Id: {mail.via.list_id}")
    else:
        h.append(f"List-Id: {mail.list_id}")
    h.append("MIME-Version: 1.0")

    if mail.attachment is None:
        part_headers, body = _encode_body(mail.body, mail.encoding)
        h += part_headers
        return ("\n".join(h) + "\n\n" + body).encode("utf-8")

    name, content = mail.attachment
    boundary = _boundary(mail.msgid)
    h.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
    text_headers, text_body = _encode_body(mail.body, "8bit")
    patch_b64 = base64.encodebytes(content.encode("utf-8")).decode("ascii")
    parts = [
        "This is a multi-part message in MIME format.",
        f"--{boundary}",
        *text_headers,
        "",
        text_body.rstrip("\n") + "\n",
        f"--{boundary}",
        f'Content-Type: text/x-patch; charset=UTF-8; name="{name}"',
        f'Content-Disposition: attachment; filename="{name}"',
        "Content-Transfer-Encoding: base64",
        "",
        patch_b64.rstrip("\n"),
        "",
        f"--{boundary}--",
        "",
    ]
    return ("\n".join(h) + "\n\n" + "\n".join(parts)).encode("utf-8")
