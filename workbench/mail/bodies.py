"""The readable text of a message body: transfer encodings, charsets, MIME parts.

Most list mail is a single text/plain part, decoded here directly from the raw bytes.
Multipart mail (a patch attached as text/x-patch, signed mail, Outlook's
text+html) goes through the stdlib email package, which is slower but knows MIME's
corners; it is a small share of a kernel list, so the cost stays small.

What counts as text: text/plain parts and patch attachments (text/x-patch, text/x-diff,
``*.patch``/``*.diff`` files), in message order. HTML is used only when there is no
plain text at all, with tags stripped, so an HTML-only reply still yields its trailers.

The headers → Content-Type → body chain is ``decode_body`` (``message_text`` from a raw
message): the loader, the views and the drafts all decode through it, so the text a
maintainer reads and quotes is the text the trailers were found in.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import html
import quopri
import re
from dataclasses import dataclass
from email.message import Message

from workbench.mail import headers as H
from workbench.mail.headers import content_type, lookup_charset

PATCH_TYPES = frozenset({"text/x-patch", "text/x-diff", "text/patch", "text/diff",
                         "application/x-patch", "application/x-diff", "text/x-log"})
_TAG = re.compile(r"<[^>]*>")
_BR = re.compile(r"<\s*(?:br|/p|/div|/tr)\s*/?>", re.IGNORECASE)


def decode_transfer(raw: bytes, cte: str, problems: list[str]) -> bytes:
    """The bytes of a part after its Content-Transfer-Encoding."""
    cte = cte.strip().lower()
    if cte in ("", "7bit", "8bit", "binary", "none"):
        return raw
    if cte == "base64":
        try:
            return binascii.a2b_base64(raw)
        except binascii.Error:
            cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", raw)
            try:
                return base64.b64decode(cleaned + b"=" * (-len(cleaned) % 4))
            except (binascii.Error, ValueError):
                problems.append("broken base64 body; shown undecoded")
                return raw
    if cte in ("quoted-printable", "qp"):
        try:
            return quopri.decodestring(raw)
        except (ValueError, binascii.Error):
            problems.append("broken quoted-printable body; shown undecoded")
            return raw
    if cte in ("x-uuencode", "uuencode"):
        problems.append("uuencoded body; shown undecoded")
        return raw
    problems.append(f"unknown transfer encoding {cte[:30]!r}; read as 8-bit")
    return raw


def decode_charset(raw: bytes, charset: str | None, problems: list[str]) -> str:
    """Text from bytes: the declared charset, else UTF-8, else Windows-1252. A wrong
    declaration (us-ascii on UTF-8 text, a typo) is common and not fatal."""
    codec = lookup_charset(charset) if charset else None
    if charset and codec is None:
        problems.append(f"unknown charset {charset.strip()[:30]!r}; read as UTF-8")
    if codec is not None:
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            pass
        except LookupError:
            codec = None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"body is not valid {charset or 'UTF-8'}; read as Windows-1252")
        return raw.decode("cp1252", "replace")
    if codec is not None and codec not in ("ascii", "us-ascii"):
        problems.append(f"body is not valid {charset}; read as UTF-8")
    return text


def simple_body(body: bytes, ctype: str, params: dict[str, str], cte: str,
                problems: list[str]) -> str:
    """The text of a single-part message."""
    if not (ctype.startswith("text/") or ctype in PATCH_TYPES or ctype.startswith("message/")):
        if ctype in ("application/octet-stream", "application/mbox"):
            pass  # often a patch sent with the wrong type; decode and see
        else:
            problems.append(f"no text part ({ctype})")
            return ""
    text = decode_charset(decode_transfer(body, cte, problems), params.get("charset"), problems)
    if ctype == "text/html":
        text = html_to_text(text)
    return text


_BLOCKQUOTE = re.compile(r"<\s*(/?)\s*blockquote\b[^>]*>", re.IGNORECASE)


def html_to_text(text: str) -> str:
    """Tags stripped, line breaks kept, and what sits inside ``<blockquote>`` prefixed
    with ``>`` per level: an HTML reply quotes that way, and a quoted trailer is the
    quoted person's word, not the replier's."""
    out: list[str] = []
    depth = 0
    pos = 0
    for m in _BLOCKQUOTE.finditer(text):
        out.append(_quoted(_plain(text[pos:m.start()]), depth))
        depth = max(0, depth - 1) if m.group(1) else depth + 1
        pos = m.end()
    out.append(_quoted(_plain(text[pos:]), depth))
    return "\n".join(part for part in out if part)


def _plain(fragment: str) -> str:
    return html.unescape(_TAG.sub("", _BR.sub("\n", fragment)))


def _quoted(text: str, depth: int) -> str:
    if depth == 0 or not text.strip():
        return text if depth == 0 else ""
    mark = ">" * depth + " "
    return "\n".join(mark + line for line in text.splitlines())


def _is_patch_part(part: Message, ctype: str) -> bool:
    if ctype in PATCH_TYPES:
        return True
    name = part.get_filename() or ""
    if not isinstance(name, str):
        return False
    return name.endswith((".patch", ".diff"))


def _part_text(part: Message, problems: list[str]) -> str:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, LookupError, AssertionError, binascii.Error):
        problems.append("undecodable MIME part")
        return ""
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 form
        charset = charset[2] if len(charset) > 2 else None
    return decode_charset(payload, charset if isinstance(charset, str) else None, problems)


@dataclass(frozen=True, slots=True)
class BodyText:
    """A body's readable text: ``whole`` is every text part in order (what a view shows,
    where a patch's diff is found); ``own`` leaves out attached files, patch attachments
    included — in a reply, only that is the sender's own word."""

    whole: str
    own: str


def _joined(texts: list[str]) -> str:
    return "\n".join(t if t.endswith("\n") else t + "\n" for t in texts if t)


def multipart_parts(data: bytes, problems: list[str]) -> BodyText:
    """``BodyText`` of a MIME multipart message (whole raw message in ``data``)."""
    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
    except Exception as err:  # noqa: BLE001 — the email package raises anything on junk
        problems.append(f"unparseable MIME structure ({type(err).__name__})")
        return BodyText("", "")
    texts: list[str] = []
    own: list[str] = []
    htmls: list[str] = []
    try:
        parts = list(msg.walk())
    except Exception as err:  # noqa: BLE001
        problems.append(f"unparseable MIME structure ({type(err).__name__})")
        return BodyText("", "")
    for part in parts:
        if part.is_multipart():
            continue
        try:
            ctype, _params = content_type(part.get("content-type", "") or "")
            disposition = str(part.get("content-disposition", "") or "").lower()
        except Exception:  # noqa: BLE001 — a malformed part header: skip the part
            problems.append("malformed MIME part header")
            continue
        if _is_patch_part(part, ctype):
            texts.append(_part_text(part, problems))
        elif ctype == "text/plain" and not disposition.startswith("attachment"):
            text = _part_text(part, problems)
            texts.append(text)
            if not part.get_filename():
                own.append(text)
        elif ctype == "text/html" and not disposition.startswith("attachment"):
            htmls.append(_part_text(part, problems))
    if not texts and htmls:
        text = "\n".join(html_to_text(h) for h in htmls)
        return BodyText(text, text)
    if not texts:
        problems.append("no text part in a multipart message")
    return BodyText(_joined(texts), _joined(own))


def body_text(data: bytes, body: bytes, ctype_raw: str, cte: str, problems: list[str]) -> str:
    """The readable text of a message, whichever MIME shape it has."""
    return body_parts(data, body, ctype_raw, cte, problems).whole


def body_parts(data: bytes, body: bytes, ctype_raw: str, cte: str, problems: list[str]) -> BodyText:
    """``BodyText`` of a message, whichever MIME shape it has; line ends are ``\\n``."""
    ctype, params = content_type(ctype_raw)
    if ctype.startswith("multipart/"):
        if not params.get("boundary"):
            problems.append("multipart without a boundary; read as plain text")
            return _same(decode_charset(body, None, problems))
        parts = multipart_parts(data, problems)
        if "\r" in parts.whole:
            return BodyText(parts.whole.replace("\r\n", "\n"), parts.own.replace("\r\n", "\n"))
        return parts
    return _same(simple_body(body, ctype, params, cte, problems))


def _same(text: str) -> BodyText:
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return BodyText(text, text)


def decode_body(data: bytes, body: bytes, fields: dict[bytes, list[bytes]], problems: list[str]) -> BodyText:
    """The body of a message whose header ``fields`` were read with ``headers.read_headers``:
    Content-Type (text/plain when absent) and Content-Transfer-Encoding decide the rest."""
    ctype = fields.get(b"content-type")
    cte = fields.get(b"content-transfer-encoding")
    ctype_raw = (H.to_text(ctype[0], problems, "content-type") if ctype else "") or "text/plain"
    cte_raw = (H.to_text(cte[0], problems, "content-transfer-encoding") if cte else "") or ""
    return body_parts(data, body, ctype_raw, cte_raw, problems)


_BODY_FIELDS = frozenset({b"content-type", b"content-transfer-encoding"})


def message_text(data: bytes, problems: list[str] | None = None) -> str:
    """Every text part of a raw message, decoded as the loader decodes it (multipart,
    base64/quoted-printable, charsets; line ends ``\\n``). May raise on hostile MIME the
    decoders do not survive: callers that must not fail catch that."""
    block, body = H.split_message(data)
    fields, _junk = H.read_headers(block, _BODY_FIELDS)
    return decode_body(data, body, fields, [] if problems is None else problems).whole
