"""One body decoder and one diff parse for every reader of a message file
(``workbench.mail.reading``): the loader, the views and the drafts see the same text.

The loader decodes a body from the full set of header fields it reads for a record; the
views and drafts from a message's bytes alone. These tests hold the three entry points
(the loader's ``decode_body`` with its fields, the TUI's ``read_body``, the draft's
``read_body``) to one answer on real corpus mail with transfer encodings, foreign
charsets and MIME parts, and on hostile shapes made here; and show that the reader
parses a patch once for the hunk view and the parent-approval draft together.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest

from workbench.mail import headers as H
from workbench.mail.bodies import decode_body, message_text
from workbench.mail.reading import MailReader, read_patch
from workbench.patchmail.diff import split_patch
from workbench.patchmail.hunks import parse_diff
from workbench.replies.source import read_body as draft_body
from workbench.tui.body import read_body as view_body

_ODD = re.compile(rb"^content-(?:transfer-encoding:\s*(?:base64|quoted-printable)|type:\s*multipart)"
                  rb"|charset=\"?(?!utf-8|us-ascii)[a-z]", re.IGNORECASE | re.MULTILINE)


def _loader_text(data: bytes) -> str:
    """The text the loader analyses (``parse.parse_message``'s own steps)."""
    block, body = H.split_message(data)
    fields, _junk = H.read_headers(block)
    return decode_body(data, body, fields, []).whole


def _odd_corpus_mails(lore: Path) -> list[Path]:
    out = []
    for path in sorted(lore.glob("*/*.eml")):
        head = path.read_bytes()[:16384]
        if _ODD.search(head):
            out.append(path)
    return out


def test_three_readers_agree_on_real_encoded_mail(lore: Path) -> None:
    mails = _odd_corpus_mails(lore)
    assert len(mails) >= 150, "the corpus has base64, quoted-printable and foreign-charset mail"
    base64_bodies = 0
    for path in mails:
        data = path.read_bytes()
        loader = _loader_text(data)
        assert view_body(str(path)) == loader, path.name
        assert draft_body(data) == loader, path.name
        if re.search(rb"(?im)^content-transfer-encoding:\s*base64", data):
            base64_bodies += 1
            assert " " in loader, f"{path.name}: a base64 body was not decoded"
    assert base64_bodies >= 50


HOSTILE = {
    "broken-base64": b"From: a@x\nSubject: s\nContent-Transfer-Encoding: base64\n\n"
                     b"SGVsbG8g!!d29ybGQ*\nbm90IHZhbGlk===\n",
    "unknown-charset": "From: a@x\nSubject: s\nContent-Type: text/plain; charset=x-klingon\n\n"
                       "caf\u00e9 au lait\n".encode(),
    "latin1-as-utf8": b"From: a@x\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\ncaf\xe9\n",
    "qp-soft-breaks": b"From: a@x\nSubject: s\nContent-Transfer-Encoding: quoted-printable\n"
                      b"Content-Type: text/plain; charset=iso-8859-1\n\nlong =\nline caf=E9 a=3Db\n",
    "multipart-no-boundary": b"From: a@x\nSubject: s\nContent-Type: multipart/mixed\n\nplain after all\n",
    "multipart-patch": (b"From: a@x\nSubject: s\nMIME-Version: 1.0\n"
                        b"Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\n"
                        b"Content-Type: text/plain\n\nSee attached.\n--XX\n"
                        b"Content-Type: text/x-patch; name=\"a.patch\"\nContent-Transfer-Encoding: base64\n\n"
                        + base64.encodebytes(b"diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n")
                        + b"--XX--\n"),
    "folded-content-type": b"From: a@x\nSubject: s\nContent-Type: text/plain;\n\tcharset=\"koi8-r\"\n\n\xf0\xd2\xc9\n",
    "crlf": b"From: a@x\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\nline one\r\nline two\r\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_three_readers_agree_on_hostile_mail(name: str, tmp_path: Path) -> None:
    data = HOSTILE[name]
    path = tmp_path / f"{name}.eml"
    path.write_bytes(data)
    loader = _loader_text(data)
    assert view_body(str(path)) == loader == draft_body(data) == message_text(data)
    assert "\r" not in loader


def test_hostile_bodies_decode_to_what_a_reader_expects(tmp_path: Path) -> None:
    assert "caf\u00e9 au lait" in message_text(HOSTILE["unknown-charset"])
    assert "long line caf\u00e9 a=b" in message_text(HOSTILE["qp-soft-breaks"])
    assert "\u041f\u0440\u0438" in message_text(HOSTILE["folded-content-type"])
    whole = message_text(HOSTILE["multipart-patch"])
    assert "See attached." in whole and "+b" in whole
    problems: list[str] = []
    message_text(HOSTILE["unknown-charset"], problems)
    assert any("x-klingon" in p for p in problems)


def test_reader_parses_a_patch_once_and_as_the_careful_parser(lore: Path, tmp_path: Path) -> None:
    patches = [p for p in _odd_corpus_mails(lore) if b"diff --git" in p.read_bytes()][:20]
    assert patches
    reader = MailReader()
    for path in patches:
        read = reader.patch(str(path))
        _prose, diff = split_patch(_loader_text(path.read_bytes()))
        careful = parse_diff(diff)
        assert [(f.path, f.status, [(h.header, [(x.kind, x.text, x.old_no, x.new_no) for x in h.lines])
                                    for h in f.hunks]) for f in read.files] == \
               [(f.path, f.status, [(h.header, [(x.kind, x.text, x.old_no, x.new_no) for x in h.lines])
                                    for h in f.hunks]) for f in careful], path.name
    assert reader.parsed == len(patches)
    for path in patches:  # a second reader of the same files (the draft after the hunk view)
        assert reader.patch(str(path)) is reader.patch(str(path))
    assert reader.parsed == len(patches)


def test_reader_reads_a_rewritten_file_again_and_never_keeps_a_missing_one(tmp_path: Path) -> None:
    reader = MailReader()
    path = tmp_path / "m.eml"
    path.write_bytes(b"From: a@x\nSubject: s\n\nfirst\n")
    assert reader.body(str(path)) == "first\n"
    path.write_bytes(b"From: a@x\nSubject: s\n\nsecond, longer\n")
    os.utime(path, ns=(1, 1))  # a new identity even on a coarse-clock file system
    assert reader.body(str(path)) == "second, longer\n"
    gone = tmp_path / "gone.eml"
    first = reader.patch(str(gone))
    assert not first.readable and first.problem.startswith("[cannot read ")
    gone.write_bytes(b"From: a@x\nSubject: s\n\nback\n")
    assert reader.body(str(gone)) == "back\n"
    assert read_patch(str(gone)).readable


def test_reader_memo_is_bounded(tmp_path: Path) -> None:
    reader = MailReader(bodies=3, patches=2)
    paths = []
    for i in range(6):
        path = tmp_path / f"{i}.eml"
        path.write_bytes(f"From: a@x\nSubject: s\n\nbody {i}\n".encode())
        paths.append(str(path))
        reader.patch(str(path))
    assert reader.parsed == 6
    reader.patch(paths[-1])
    assert reader.parsed == 6  # the newest is kept
    reader.patch(paths[0])
    assert reader.parsed == 7  # the oldest was dropped
