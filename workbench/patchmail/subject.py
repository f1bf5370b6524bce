"""Patch subject prefixes: [PATCH v9 3/9], [RFC v4 0/8], Re:/AW: chains …

Subjects are written by hand, by git, by hg and by mail clients in a dozen languages, so
the parser is deliberately lenient: it reads *tokens* from the leading bracket groups
instead of matching one fixed layout. ``[PATCHv2 1/2]``, ``[PATCH v6,19/24]``,
``[net,v2,1/2]``, ``[PATCH 1 of 2]`` and ``[RFC RESEND 00/16]`` all come out the same way.

A bracket group counts as the patch tag only when it carries a patch word (PATCH, RFC,
RESEND) or a counter/version token; other leading groups (``[Linaro-mm-sig]``,
``[EXTERNAL]``) are list or mail-system tags and are dropped. A subject that merely
*mentions* a patch later on ("vfio migration discussions (was: [PATCH V2 …])") is not a
patch: only leading brackets count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class SubjectInfo:
    title: str  # without reply markers and bracketed prefixes
    is_reply: bool  # Re:/RE:/AW:/Aw:/Fwd: …
    is_patch: bool  # a [PATCH…]/[RFC…] tag was present
    version: int  # 1 when absent
    number: int | None  # k of k/N
    total: int | None  # N of k/N
    rfc: bool
    resend: bool
    prefixes: tuple[str, ...]  # other words in the brackets: "mlx5-next", "vfio"
    versioned: bool = False  # the version was written ("v1"), not assumed


# Reply/forward markers in the languages seen on kernel lists: English, German (AW, WG),
# Scandinavian (SV, VS), Dutch (Antw), Italian (R, RIF, I), Polish (Odp), Portuguese (RES,
# ENC), Turkish (YNT), Chinese (回复, 答复, 转发). "Re[2]:" and "Re^2:" counters, full-width
# colons and b4's "(subset)" marker on thank-you mails are accepted.
_REPLY = re.compile(
    r"^\s*(?:(?:re|aw|sv|vs|antw|ref|rif|odp|res|ynt|r|回复|答复|回覆)"
    r"|(?P<fwd>fwd?|wg|tr|i|enc|转发|轉寄))"
    r"\s*(?:\[\d+\]|\^\d+)?\s*[:：]\s*",
    re.IGNORECASE,
)
_SUBSET = re.compile(r"^\s*\((?:subset|partial)\)\s*", re.IGNORECASE)
_GROUP = re.compile(r"^\s*\[([^\[\]]*)\]")
_COUNTER = re.compile(r"(?<![\w.])(\d{1,4})\s*(?:/|\s+of\s+)\s*(\d{1,4})(?![\w.])", re.IGNORECASE)
_VERSION = re.compile(r"^v(\d{1,4})(?:\.\d+)?$", re.IGNORECASE)
_PATCH_WORD = re.compile(r"^patch(?:v(\d{1,4}))?$", re.IGNORECASE)
_RFC_WORD = re.compile(r"^rfc(?:v(\d{1,4}))?$", re.IGNORECASE)
_RESEND = re.compile(r"^resend$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(slots=True)
class _Tag:
    """What the bracket groups said, accumulated group by group."""

    patch: bool = False
    rfc: bool = False
    resend: bool = False
    version: int | None = None
    number: int | None = None
    total: int | None = None
    words: list[str] | None = None


def _strip_reply_markers(subject: str) -> tuple[str, bool]:
    is_reply = False
    while True:
        m = _REPLY.match(subject)
        if m:
            # "I:" and "R:" are Italian markers but also legitimate one-letter title starts
            # only in theory; as a prefix followed by a colon they are reply markers.
            subject = subject[m.end():]
            is_reply = True
            continue
        m = _SUBSET.match(subject)
        if m and is_reply:
            subject = subject[m.end():]
            continue
        return subject, is_reply


def _read_group(content: str, tag: _Tag) -> bool:
    """Read one bracket group into ``tag``; False when the group is not a patch tag."""
    counter = _COUNTER.search(content)
    rest = content
    if counter:
        rest = content[: counter.start()] + " " + content[counter.end():]
    tokens = [t for t in _SEPARATORS.split(rest) if t]
    found = counter is not None
    words: list[str] = []
    version: int | None = None
    patch = rfc = resend = False
    for token in tokens:
        if m := _PATCH_WORD.match(token):
            patch = True
            if m.group(1):
                version = int(m.group(1))
        elif m := _RFC_WORD.match(token):
            rfc = True
            if m.group(1):
                version = int(m.group(1))
        elif _RESEND.match(token):
            resend = True
        elif m := _VERSION.match(token):
            version = int(m.group(1))
        else:
            words.append(token)
    found = found or patch or rfc or resend or version is not None
    if not found and not tag.patch:
        return False  # a list tag such as [Linaro-mm-sig] before the patch tag
    tag.patch = tag.patch or patch or rfc or found
    tag.rfc = tag.rfc or rfc
    tag.resend = tag.resend or resend
    if version is not None:
        tag.version = version
    if counter and tag.number is None:
        tag.number, tag.total = int(counter.group(1)), int(counter.group(2))
    tag.words = (tag.words or []) + words
    return True


@lru_cache(maxsize=1 << 16)
def parse_subject(subject: str) -> SubjectInfo:
    """Read a subject line; never raises (an empty or odd subject is just a title).

    Cached: a thread repeats one subject behind "Re:" dozens of times, and the result is
    immutable."""
    text = " ".join((subject or "").split())
    text, is_reply = _strip_reply_markers(text)
    untagged = text  # the title when no bracket group turns out to be a patch tag
    tag = _Tag()
    seen_tag = False
    while True:
        m = _GROUP.match(text)
        if not m:
            break
        if _read_group(m.group(1), tag):
            seen_tag = True
        text = text[m.end():]
        if seen_tag:
            # "Re:" inside the title after the tag is part of the title, but a second
            # bracket group right after the tag ("[PATCH] [net-next]") is still a tag.
            continue
        # Reply markers may follow a list tag: "[Linaro-mm-sig] Re: [PATCH …]".
        text, more_reply = _strip_reply_markers(text)
        is_reply = is_reply or more_reply
    if seen_tag:
        title = text.strip().lstrip(":：-").strip()  # "[Patch 2/2]: powerpc/…"
    else:
        title = untagged.strip()  # "[GIT PULL] vfio" keeps its brackets
    number, total = tag.number, tag.total
    if number is not None and total is not None and total == 0:
        number = total = None  # "[PATCH 0/0]" says nothing
    return SubjectInfo(
        title=title,
        is_reply=is_reply,
        is_patch=seen_tag and tag.patch,
        version=tag.version if tag.version else 1,
        number=number,
        total=total,
        rfc=tag.rfc,
        resend=tag.resend,
        prefixes=tuple(tag.words or ()),
        versioned=bool(tag.version),
    )


_TITLE_NOISE = re.compile(r"\(v\d+\)|\bv\d+\b|[^\w]+", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def normalize_title(title: str) -> str:
    """A title key for linking versions: case, punctuation and "(v3)" notes ignored, so
    "add acc live migration driver" and "add ACC live migration driver" are one series.
    Remembered: grouping asks it of the same few thousand titles again and again (every
    patch against every version it might continue), and the case-blind regex is slow."""
    return " ".join(_TITLE_NOISE.sub(" ", title.lower()).split())
