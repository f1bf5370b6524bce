"""Reading RFC 5322 headers straight from raw bytes.

The email package parses every header of every message into objects; a patch mail
carries 50-150 header lines (Received:, ARC-*, DKIM…) of which the workbench needs ten.
Splitting the header block with ``bytes.split`` and decoding only the wanted fields is
what makes a cold load of a large store take seconds rather than minutes (DESIGN.md,
"Facts worth knowing"). Everything here is tolerant: mail from the wild has raw 8-bit
headers, broken encoded words and addresses without domains, and none of that may stop
a load.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from workbench.model import Person

WANTED = frozenset({
    b"message-id", b"subject", b"from", b"reply-to", b"x-original-from", b"date",
    b"in-reply-to", b"references", b"to", b"cc", b"content-type",
    b"content-transfer-encoding", b"mime-version", b"list-id", b"list-post",
})


def _unfold(parts: list[bytes]) -> bytes:
    """A folded value's physical lines (split at "\n": each but the first opens with a
    space or tab) as one line, stripped: every line break, with the one "\r" of a CRLF
    before it, becomes a space. Byte operations, no regex: the same result as substituting
    ``\r?\n(?=[ \t])`` in the joined lines, since the only "\n"s are the joins."""
    return b" ".join([p[:-1] if p[-1:] == b"\r" else p for p in parts[:-1]] + [parts[-1]]).strip()


def split_message(data: bytes) -> tuple[bytes, bytes]:
    """(header block, body). An mbox ``From `` separator line is dropped; a message
    without a blank line is all headers."""
    if data.startswith(b"From "):  # "From:" is a header; "From sender date" is mbox
        nl = data.find(b"\n")
        data = data[nl + 1:] if nl >= 0 else b""
    lf = data.find(b"\n\n")
    crlf = data.find(b"\r\n\r\n")
    if crlf >= 0 and (lf < 0 or crlf < lf):
        end, skip = crlf, 4
    elif lf >= 0:
        end, skip = lf, 2
    else:
        return data, b""
    if data[:1] in (b"\n", b"\r"):
        return b"", data.lstrip(b"\r\n")
    return data[:end], data[end + skip:]


_BLANKS = frozenset(b" \t\n\r\f\v")  # what may not open a header line (a continuation opens with space/tab)


def read_headers(block: bytes, wanted: frozenset[bytes] = WANTED) -> tuple[dict[bytes, list[bytes]], int]:
    """The wanted headers (lower-cased names → unfolded raw values, in order) and how
    many lines looked like no header at all.

    One walk over the block's lines: a line is a header when it opens with a space or tab
    (a continuation) or with a name — no blank, no colon first — followed by a colon; only
    the wanted fields' values are kept and unfolded. The dozens of Received:/ARC-*/DKIM
    lines of list mail cost one ``find`` each (two regex passes over the block cost twice
    as much: the header block is ~6 KB of real list mail)."""
    found: dict[bytes, list[list[bytes]]] = {}
    junk = 0
    cur: list[bytes] | None = None
    for line in block.split(b"\n"):
        first = line[:1]
        if first == b" " or first == b"\t":
            if cur is not None:
                cur.append(line)
            continue
        cur = None
        colon = line.find(b":")
        if colon <= 0 or line[0] in _BLANKS:
            junk += 1
            continue
        name = line[:colon].rstrip(b" \t").lower()
        if name in WANTED and name in wanted:
            cur = [line[colon + 1:]]
            found.setdefault(name, []).append(cur)
    # a one-line value has no line break to unfold
    values = {name: [_unfold(parts) if len(parts) > 1 else parts[0].strip() for parts in raw]
              for name, raw in found.items()}
    return values, max(0, junk - block.count(b"\n\n"))


def to_text(raw: bytes, problems: list[str], what: str) -> str:
    """Header bytes as text: ASCII and UTF-8 as they are (raw UTF-8 headers are common
    and RFC 6532 allows them), anything else as Windows-1252 with a recorded problem."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"{what} header is not UTF-8; read as Windows-1252")
        return raw.decode("cp1252", "replace")


_ENCODED = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)\s+(?==\?)")
_Q_HEX = re.compile(r"=([0-9A-Fa-f]{2})")


def lookup_charset(name: str) -> str | None:
    """A Python codec name for a MIME charset, or None when unknown."""
    name = name.strip().strip('"').split("*", 1)[0].strip().lower()
    if not name:
        return None
    if name in ("unknown-8bit", "x-unknown", "unknown"):
        return None
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError, TypeError):
        return None


def _decode_word(m: re.Match[str], problems: list[str]) -> str:
    charset, kind, text = m.group(1), m.group(2).lower(), m.group(3)
    try:
        if kind == "b":
            raw = base64.b64decode(text + "=" * (-len(text) % 4))
        else:
            raw = _Q_HEX.sub(lambda h: chr(int(h.group(1), 16)), text.replace("_", " ")).encode("latin-1")
    except (binascii.Error, ValueError, UnicodeEncodeError):
        problems.append(f"undecodable encoded word {m.group(0)[:40]!r}")
        return m.group(0)
    codec = lookup_charset(charset)
    if codec is None:
        problems.append(f"unknown charset {charset[:30]!r} in a header; read as UTF-8")
        codec = "utf-8"
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        problems.append(f"header not valid {charset[:30]}; read as UTF-8")
        return raw.decode("utf-8", "replace")


def decode_words(text: str, problems: list[str]) -> str:
    """RFC 2047 encoded words decoded; whitespace between adjacent words dropped."""
    if "=?" not in text:
        return text
    text = _BETWEEN_WORDS.sub(r"\1", text)
    return _ENCODED.sub(lambda m: _decode_word(m, problems), text)


def one_line(text: str) -> str:
    return " ".join(text.split())


# --- addresses ---------------------------------------------------------------------------

_ADDRESS_ITEM = re.compile(
    r"""(?:"(?:[^"\\]|\\.)*"?     # a quoted name (an unterminated one runs to the end)
        | <[^>]*>?                  # an address in angle brackets
        | \([^)]*\)?                # a comment
        | =\?[^?\s]+\?[bBqQ]\?[^?]*\?=  # an encoded word (may hide a comma)
        | [^,;"<(=]+ | =            # anything else
      )+""",
    re.VERBOSE,
)


def _split_addresses(text: str) -> list[str]:
    """Split an address list on commas outside quotes, <>, () and encoded words."""
    return [p.strip() for p in _ADDRESS_ITEM.findall(text) if p.strip()]


_COMMENT = re.compile(r"\(([^()]*)\)")
_BARE = re.compile(r"[^\s<>()\",;]+@[^\s<>()\",;]+")


def _clean_name(name: str, problems: list[str]) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == '"' and name[-1] == '"':
        name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    name = decode_words(name, problems)
    return one_line(name.strip().strip('"').strip("'").strip())


_PEOPLE: dict[str, Person | None] = {}
"""Addresses repeat endlessly on a list (every Cc of every reply): parse each once.
Only results that raised no problem are remembered, so problems are never lost."""


def parse_person(text: str, problems: list[str]) -> Person | None:
    """One address (``Name <a@b>``, ``a@b (Name)``, ``a@b``); None when there is none."""
    try:
        return _PEOPLE[text]
    except KeyError:
        pass
    mine: list[str] = []
    person = _parse_person(text, mine)
    if mine:
        problems.extend(mine)
    else:
        if len(_PEOPLE) > 100_000:
            _PEOPLE.clear()
        _PEOPLE[text] = person
    return person


_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def _parse_person(text: str, problems: list[str]) -> Person | None:
    person = _parse_person_raw(text, problems)
    if person is not None and (_CONTROLS.search(person.name) or _CONTROLS.search(person.email)):
        person = Person(" ".join(_CONTROLS.sub(" ", person.name).split()), _CONTROLS.sub("", person.email))
    return person


def _parse_person_raw(text: str, problems: list[str]) -> Person | None:
    text = text.strip()
    if not text:
        return None
    lt = text.rfind("<")
    if lt >= 0:
        gt = text.find(">", lt)
        email = text[lt + 1: gt if gt >= 0 else len(text)].strip()
        name = text[:lt]
        # "group: Name <a>" — a group label, not part of the name
        if ":" in name and '"' not in name and "=?" not in name:
            name = name.split(":", 1)[1]
        name = _COMMENT.sub(" ", name) if name.strip() else name
        if " " in email:
            email = "".join(email.split())
        person = Person(_clean_name(name, problems), email.lower())
    else:
        m = _BARE.search(text)
        if m:
            comment = _COMMENT.search(text[m.end():])
            name = comment.group(1) if comment else text[: m.start()]
            person = Person(_clean_name(name, problems), m.group(0).lower())
        else:
            name = _clean_name(_COMMENT.sub(" ", text), problems)
            if not name or name.endswith(":"):
                return None
            person = Person(name, "")
    if not person.name and not person.email:
        return None
    return person


_LISTS: dict[tuple[str, int], tuple[Person, ...]] = {}
_LISTS_CHARS = 0
_LISTS_MAX_CHARS = 4 << 20
"""Whole address lists repeat too: a thread's replies carry the same To and Cc (81% of the
To/Cc values of the real corpus are exact repeats, two thirds of the time spent on them).
Only lists read without a problem are kept; emptied when they total 4 M characters."""


def parse_addresses(text: str, problems: list[str], limit: int = 200) -> tuple[Person, ...]:
    """Every person of an address list (To, Cc), at most ``limit`` of them."""
    global _LISTS_CHARS
    key = (text, limit)
    try:
        return _LISTS[key]
    except KeyError:
        pass
    mine: list[str] = []
    people = _parse_addresses(text, mine, limit)
    if mine:
        problems.extend(mine)
    else:
        if _LISTS_CHARS + len(text) > _LISTS_MAX_CHARS:
            _LISTS.clear()
            _LISTS_CHARS = 0
        _LISTS[key] = people
        _LISTS_CHARS += len(text)
    return people


def _parse_addresses(text: str, problems: list[str], limit: int) -> tuple[Person, ...]:
    out: list[Person] = []
    for part in _split_addresses(text):
        if ":" in part and "<" not in part.split(":", 1)[0] and '"' not in part.split(":", 1)[0] \
                and "@" not in part.split(":", 1)[0]:
            part = part.split(":", 1)[1]  # "undisclosed-recipients:" group label
        person = parse_person(part, problems)
        if person is not None:
            if len(out) >= limit:
                if limit > 1:
                    problems.append(f"address list cut at {limit} entries")
                break
            out.append(person)
    return tuple(out)


# --- message ids and dates ---------------------------------------------------------------

_ANGLE_ID = re.compile(r"<([^<>]*)>")
_BARE_ID = re.compile(r"[^\s<>,;\"()]+@[^\s<>,;\"()]+")
MAX_ID = 998  # the longest line RFC 5322 allows; anything longer is garbage


def _clean_id(text: str) -> str | None:
    text = "".join(text.split())
    if not text or len(text) > MAX_ID or not text.isprintable():
        return None
    return text


def message_ids(text: str) -> list[str]:
    """Every message-id in a References/In-Reply-To value, in order. Ids in angle
    brackets are taken; without any, bare ``local@domain`` tokens are."""
    ids = [i for i in (_clean_id(m) for m in _ANGLE_ID.findall(text)) if i]
    if ids:
        return ids
    return [i for i in (_clean_id(m) for m in _BARE_ID.findall(text)) if i]


def first_id(text: str) -> str | None:
    ids = message_ids(text)
    return ids[0] if ids else None


def parse_date(text: str, problems: list[str]) -> datetime | None:
    """A timezone-aware datetime, or None (with a problem) for missing or garbage."""
    text = one_line(text)
    if not text:
        problems.append("empty Date header")
        return None
    try:
        value = parsedate_to_datetime(text)
    except (ValueError, TypeError, IndexError, OverflowError, OSError, AttributeError):
        problems.append(f"unparseable Date {text[:60]!r}")
        return None
    if value is None:
        problems.append(f"unparseable Date {text[:60]!r}")
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    try:
        value.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        problems.append(f"Date out of range {text[:60]!r}")
        return None
    return value


# --- Content-Type ------------------------------------------------------------------------

def content_type(raw: str) -> tuple[str, dict[str, str]]:
    """(lower-cased type/subtype, params); 'text/plain' when absent or malformed."""
    parts = _split_params(raw)
    ctype = parts[0].strip().lower() if parts else ""
    if "/" not in ctype:
        ctype = "text/plain"
    params: dict[str, str] = {}
    for p in parts[1:]:
        if "=" in p:
            key, _, value = p.partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            params[key.strip().lower()] = value
    return ctype, params


def _split_params(raw: str) -> list[str]:
    out: list[str] = []
    cur: list[str] = []
    quote = False
    for c in raw:
        if c == '"':
            quote = not quote
        if c == ";" and not quote:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    out.append("".join(cur))
    return out
