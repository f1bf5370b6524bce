"""``headers.read_headers`` walks the header block line by line (issue 13: two regex passes
over ~6 KB of Received/ARC/DKIM lines per real mail were a sixth of parsing). What it must
keep: wanted fields only, folded values unfolded in order, names matched case-blind with
blanks before the colon, CRLF mail, and the count of lines that are no header at all."""

from __future__ import annotations

import re
from pathlib import Path

from workbench.mail import headers as H

_NAMES = b"|".join(re.escape(w) for w in sorted(H.WANTED))
_WANTED_LINE = re.compile(rb"^(" + _NAMES + rb")[ \t]*:(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
_HEADER_LINE = re.compile(rb"^[^\s:][^:\n]*:|^[ \t]", re.MULTILINE)
_FOLD = re.compile(rb"\r?\n(?=[ \t])")  # what unfolding means: each line break (and a CR before it) a space


def by_regex(block: bytes, wanted: frozenset[bytes] = H.WANTED) -> tuple[dict[bytes, list[bytes]], int]:
    """The definition the walk replaced: one regex for the fields, one for the header lines."""
    found: dict[bytes, list[bytes]] = {}
    for name, value in _WANTED_LINE.findall(block):
        if name.lower() in wanted:
            found.setdefault(name.lower(), []).append(_FOLD.sub(b" ", value).strip())
    lines = block.count(b"\n") + 1
    return found, max(0, lines - len(_HEADER_LINE.findall(block)) - block.count(b"\n\n"))


def test_fields_folding_case_and_junk() -> None:
    block = (b"Received: from x\n\tby y\nSUBJECT : [PATCH] vfio: a\n  folded\nTo: a@x,\n b@x\n"
             b"not a header\n: no name\nCc: c@x\nX-Other: o\n continued other\ncc: d@x")
    fields, junk = H.read_headers(block)
    assert fields == {b"subject": [b"[PATCH] vfio: a   folded"], b"to": [b"a@x,  b@x"], b"cc": [b"c@x", b"d@x"]}
    assert junk == 2
    assert (fields, junk) == by_regex(block)
    crlf = block.replace(b"\n", b"\r\n")
    assert H.read_headers(crlf) == by_regex(crlf)
    assert H.read_headers(crlf)[0][b"subject"] == [b"[PATCH] vfio: a   folded"]
    only = frozenset({b"cc"})
    assert H.read_headers(block, only) == ({b"cc": [b"c@x", b"d@x"]}, 2)


def test_odd_lines_count_as_the_regexes_counted() -> None:
    for block in (b"", b"\n", b"a", b"a:\n", b"\rSubject: x", b"Subject: x\n", b" lead\nTo: y", b"\x0bTo: y",
                  b"To: y\n\n\nCc: z", b"From: a\r\n\r\nbody", b"Subject:x\n\tmore\n\tand more\nDate: 1"):
        assert H.read_headers(block) == by_regex(block), block


def test_every_real_header_block_reads_as_before(lore: Path) -> None:
    for path in sorted(lore.glob("*/*.eml")):
        block, _body = H.split_message(path.read_bytes())
        assert H.read_headers(block) == by_regex(block), path.name


def test_hostile_folding_unfolds_as_the_regex_did() -> None:
    """Unfolding is byte operations now: a CR alone, CRs piled before a break, a bare
    continuation, tabs and empty continuation lines give what the regex gave."""
    for block in (b"To: a\r\r\n b", b"To: a\r\n\r b", b"To: a\r \r\n\t\r\n c\r", b"To: \n \n \n",
                  b"Cc: x\n\t\ty\r\n \r\n z", b"To: a\n\r\n b\nCc: c", b"Subject: \r\n =?utf-8?q?a?=\r\n\t=?utf-8?q?b?=",
                  b"References: <a@x>\r\n <b@x>\n\t<c@x>\r\r\n  <d@x> \r"):
        assert H.read_headers(block) == by_regex(block), block


def test_a_repeated_address_list_is_read_once_and_its_problems_told_every_time() -> None:
    """Address lists are kept by their text (a thread's replies repeat their To and Cc);
    one that raised a problem is not kept, so every message with it reports it."""
    good = "Alex Williamson <Alex.Williamson@redhat.com>, \"Tian, Kevin\" <kevin.tian@intel.com>"
    first = H.parse_addresses(good, [])
    assert [p.email for p in first] == ["alex.williamson@redhat.com", "kevin.tian@intel.com"]
    assert first[1].name == "Tian, Kevin"
    assert H.parse_addresses(good, []) is first  # kept, not read again
    assert H.parse_addresses(good, [], limit=1) == first[:1]  # another limit, another answer
    bad = "=?x-no-such-charset?q?Caf=E9?= <cafe@example.org>, kvm@vger.kernel.org"
    for _ in range(2):
        problems: list[str] = []
        people = H.parse_addresses(bad, problems)
        assert [p.email for p in people] == ["cafe@example.org", "kvm@vger.kernel.org"]
        assert any("unknown charset" in p for p in problems), problems
