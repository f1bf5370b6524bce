"""One demo mail as RFC 5322 bytes, the way the real clients on the kvm list write them.

The headers are written by hand (with ``mailwriter``) rather than through
``email.message``: the point of the demo is to look like git send-email, b4, mutt,
Thunderbird, Outlook and Claws Mail output (their header order, their Message-ID shapes,
their folding, RFC 2047 names), which the stdlib's generator would normalise away. The tests then check that the stdlib parser
reads every one of them without a defect.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from vfio_workbench_demo.mailwriter import address, fold, fold_text, message, multipart, text_part
from workbench.model import Person


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


def format_person(p: Person) -> str:
    return address(p.name, p.email)


def _boundary(msgid: str) -> str:
    return "------------" + hashlib.sha1(msgid.encode()).hexdigest()[:24]


def _text_part(text: str, encoding: str) -> tuple[list[str], str]:
    if encoding not in ("base64", "quoted-printable"):
        encoding = "7bit" if text.isascii() else "8bit"
    return text_part(text, encoding, "us-ascii" if text.isascii() else "UTF-8")


def render(mail: Mail) -> bytes:
    """The message file's bytes (LF line ends, as in a maildir)."""
    h: list[str] = []
    if mail.via:
        shown = f"{mail.author.name} via {mail.via.display}"
        h.append(f"From: {format_person(Person(shown, mail.via.address))}")
    else:
        h.append(f"From: {format_person(mail.author)}")
    h.append(fold("To", [format_person(p) for p in mail.to]))
    if mail.cc:
        h.append(fold("Cc", [format_person(p) for p in mail.cc]))
    h.append(fold_text("Subject", mail.subject))
    h.append(f"Date: {format_datetime(mail.date)}")
    h.append(f"Message-ID: <{mail.msgid}>")
    if mail.client in _MAILERS:
        key, value = _MAILERS[mail.client]
        h.append(f"{key}: {value}")
    if mail.in_reply_to:
        h.append(f"In-Reply-To: <{mail.in_reply_to}>")
    if mail.references:
        h.append(fold("References", [f"<{r}>" for r in mail.references], sep=""))
    if mail.client == "outlook":
        topic = re.sub(r"^(?:re|RE):\s*", "", mail.subject)
        h.append(fold_text("Thread-Topic", topic))
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
        part_headers, body = _text_part(mail.body, mail.encoding)
        return message(h + part_headers, body)

    name, content = mail.attachment
    boundary = _boundary(mail.msgid)
    h.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
    text_headers, text_body = _text_part(mail.body, "8bit")
    patch_headers = [f'Content-Type: text/x-patch; charset=UTF-8; name="{name}"',
                     f'Content-Disposition: attachment; filename="{name}"', "Content-Transfer-Encoding: base64"]
    patch_b64 = base64.encodebytes(content.encode("utf-8")).decode("ascii")
    body = multipart(boundary, [(text_headers, text_body.rstrip("\n") + "\n"), (patch_headers, patch_b64)],
                     preamble="This is a multi-part message in MIME format.")
    return message(h, body)
