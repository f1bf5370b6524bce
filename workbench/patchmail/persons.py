"""People written in free text: a trailer's value, a MAINTAINERS ``M:`` line.

Split from the trailer reader because MAINTAINERS parsing, the mail headers' fallbacks and
the reply addressing all need the same reading of ``Name <addr>`` without the trailer
rules; keeping it in its own ground-floor module lets ``kernel/`` use it without importing
the series code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.header import decode_header, make_header

from workbench.model import Person

_NOT_IN_ADDRESS = frozenset(" \t\r\n<>()[]\"',;:@")
MAX_VALUE = 300
"""Longer trailer values are prose or garbage, never a person; capping them also keeps
hostile one-line megabyte bodies from costing more than a glance."""


@dataclass(frozen=True, slots=True)
class _Address:
    start: int
    end: int
    text: str


def find_address(text: str) -> _Address | None:
    """The first ``local@domain.tld`` in ``text``. Written as a scan around each ``@``
    rather than a regex: a regex with a leading ``[^…]+`` backtracks quadratically on a long
    token without ``@`` (a 200 KB line took minutes)."""
    at = text.find("@")
    while at >= 0:
        left = at
        while left > 0 and text[left - 1] not in _NOT_IN_ADDRESS:
            left -= 1
        right = at + 1
        n = len(text)
        while right < n and text[right] not in _NOT_IN_ADDRESS:
            right += 1
        domain = text[at + 1 : right].rstrip(".")
        if left < at and "." in domain and not domain.startswith("."):
            end = at + 1 + len(domain)
            return _Address(left, end, text[left:end])
        at = text.find("@", at + 1)
    return None
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def _decode_words(text: str) -> str:
    """RFC 2047 leftovers (``=?utf-8?q?J=C3=B6rg?=``) that a client pasted undecoded."""
    if "=?" not in text or not _ENCODED_WORD.search(text):
        return text
    try:
        return str(make_header(decode_header(text)))
    except (ValueError, LookupError, UnicodeError, AssertionError):
        return text


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    name = name.strip().strip('"').strip()
    return " ".join(name.split())


def parse_person(text: str) -> Person | None:
    """One person from a trailer value or a MAINTAINERS ``M:`` line.

    Accepts ``Name <email>``, ``"Quoted, Name" <email>``, ``Name (comment) <email>``,
    ``<email>``, a bare ``email``, ``email (Name)``, and a bare name. Whatever follows the
    address (``# for the vfio part``, ``[v2]``) is dropped. Returns None when nothing
    person-like is there.
    """
    text = text.strip()
    if not text or len(text) > 4 * MAX_VALUE:
        return None
    text = _decode_words(text)
    lt = text.find("<")
    if lt >= 0:
        gt = text.find(">", lt)
        inner = text[lt + 1 : gt if gt >= 0 else len(text)]
        found = find_address(inner)
        if found:
            name = re.sub(r"\([^)]*\)", " ", text[:lt])  # "Name (comment) <email>"
            return Person(_clean_name(name), found.text.lower())
    found = find_address(text)
    if found:
        email = found.text.lower()
        rest = text[found.end :].strip()
        before = text[: found.start].strip()
        name = ""
        comment = re.match(r"^\(([^)]*)\)", rest)  # old style: email (Name)
        if comment:
            name = comment.group(1)
        elif before:
            name = before
        return Person(_clean_name(name), email)
    # A bare name ("Acked-by: Jason Gunthorpe"); cut comments, refuse prose.
    name = re.split(r"\s+[#\[(]|\s+-\s", text, maxsplit=1)[0]
    name = _clean_name(name)
    if not name or len(name) > 80 or len(name.split()) > 6 or not re.search(r"\w", name):
        return None
    return Person(name, "")
