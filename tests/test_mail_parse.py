"""The raw-message parser, on hand-written hostile mail and on the real corpus."""

from __future__ import annotations

import base64
import csv
import hashlib
import mailbox
import quopri
from datetime import datetime, timezone
from pathlib import Path

import pytest

from workbench.mail.parse import ParseFailure, parse_message
from workbench.model import Person

PATCH_BODY = """\
The device needs a reset before resume.

Signed-off-by: Jane Dev <jane@example.com>
Reviewed-by: Kevin Reviewer <kevin@example.org>
---
 drivers/vfio/pci/foo/main.c | 2 ++
 1 file changed, 2 insertions(+)

diff --git a/drivers/vfio/pci/foo/main.c b/drivers/vfio/pci/foo/main.c
index 1111111..2222222 100644
--- a/drivers/vfio/pci/foo/main.c
+++ b/drivers/vfio/pci/foo/main.c
@@ -1,3 +1,5 @@
 int a;
+static int foo_resume_write(void __user *buf);
+int b;
 int c;
 int d;
--
2.43.0
"""


def mail(headers: str, body: str = "Hello.\n", *, raw_body: bytes | None = None) -> bytes:
    head = headers.strip("\n").encode("utf-8")
    return head + b"\n\n" + (raw_body if raw_body is not None else body.encode("utf-8"))


BASIC = """\
From: Jane Dev <Jane@Example.com>
To: kvm@vger.kernel.org, "Williamson, Alex" <alex@example.com>
Cc: =?utf-8?q?J=C3=B6rg_R=C3=B6del?= <joro@example.org>
Subject: [PATCH v2 1/3] vfio/foo: fix resume
Date: Tue, 5 Mar 2024 10:00:00 +0100
Message-Id: <patch-1@example.com>
In-Reply-To: <cover@example.com>
References: <cover@example.com>
"""


def parse(data: bytes, name: str = "msg.eml") -> object:
    return parse_message(name, data)


def test_plain_patch_fields():
    r = parse(mail(BASIC, PATCH_BODY))
    assert r.msgid == "patch-1@example.com"
    assert r.subject == "[PATCH v2 1/3] vfio/foo: fix resume"
    assert r.sender == Person("Jane Dev", "jane@example.com")
    assert r.author == r.sender
    assert r.date == datetime(2024, 3, 5, 9, 0, tzinfo=timezone.utc)
    assert r.in_reply_to == "cover@example.com" and r.references == ("cover@example.com",)
    assert r.to == (Person("", "kvm@vger.kernel.org"), Person("Williamson, Alex", "alex@example.com"))
    assert r.cc == (Person("Jörg Rödel", "joro@example.org"),)
    assert [f.path for f in r.files] == ["drivers/vfio/pci/foo/main.c"]
    assert (r.files[0].added, r.files[0].removed) == (2, 0)
    assert {t.name for t in r.trailers} == {"Signed-off-by", "Reviewed-by"}
    assert {s.pattern for s in r.signals} >= {"resume_write", "__user"}
    # patch 1 keeps its commit message (it stands in for a missing cover letter), not the diff
    assert r.cover_text.startswith("The device needs a reset before resume.")
    assert "diff --git" not in r.cover_text and "1 file changed" not in r.cover_text
    assert r.problems == ()
    second = parse(mail(BASIC.replace("1/3]", "2/3]"), PATCH_BODY))
    assert second.cover_text == ""  # later patches: nothing kept


def test_rfc2047_subject_and_raw_utf8_header():
    data = mail("""\
From: =?ISO-8859-1?Q?Andr=E9?= Example <andre@example.com>
Subject: =?UTF-8?B?W1BBVENIXSB2ZmlvOiDDvGJlcg==?=
 =?UTF-8?Q?_und_mehr?=
Message-Id: <a@b>
Date: Tue, 5 Mar 2024 10:00:00 +0000
""")
    r = parse(data)
    assert r.subject == "[PATCH] vfio: über und mehr"
    assert r.sender.name == "André Example"
    raw = mail("From: Łukasz Kęska <lk@example.pl>\nSubject: Zażółć gęślą\nMessage-Id: <c@d>\n")
    r = parse(raw)
    assert r.sender == Person("Łukasz Kęska", "lk@example.pl")
    assert r.subject == "Zażółć gęślą"
    latin1 = b"From: Ren\xe9 <r@example.com>\nSubject: caf\xe9\nMessage-Id: <e@f>\n\nbody\n"
    r = parse(latin1)
    assert r.subject == "café" and r.sender.name == "René"
    assert any("not UTF-8" in p for p in r.problems)


def test_unknown_and_wrong_charsets_fall_back_with_problem():
    r = parse(mail(BASIC + "Content-Type: text/plain; charset=x-klingon\n", raw_body="Grüße\n".encode()))
    assert any("unknown charset 'x-klingon'" in p for p in r.problems)
    r = parse(mail(BASIC + "Content-Type: text/plain; charset=us-ascii\n",
                   raw_body="Acked-by: Jörg Rödel <joro@example.org>\n".encode()))
    assert [t.person.name for t in r.trailers] == ["Jörg Rödel"]
    r = parse(mail(BASIC + "Content-Type: text/plain; charset=utf-8\n",
                   raw_body=b"Acked-by: J\xf6rg <joro@example.org>\n"))
    assert [t.person.name for t in r.trailers] == ["Jörg"]
    assert any("not valid utf-8" in p.lower() for p in r.problems)


def test_base64_and_quoted_printable_bodies():
    b64 = base64.encodebytes(PATCH_BODY.encode())
    r = parse(mail(BASIC + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n",
                   raw_body=b64))
    assert [f.path for f in r.files] == ["drivers/vfio/pci/foo/main.c"]
    assert len(r.trailers) == 2
    qp = quopri.encodestring(PATCH_BODY.replace("int a;", "int a; /* caf\u00e9 = x */").encode())
    r = parse(mail(BASIC + "Content-Type: text/plain; charset=utf-8\n"
                   "Content-Transfer-Encoding: quoted-printable\n", raw_body=qp))
    assert r.files and r.files[0].added == 2
    broken = mail(BASIC + "Content-Transfer-Encoding: base64\n", raw_body=b"!!!not base64 at all")
    r = parse(broken)  # survives
    assert r.msgid == "patch-1@example.com"


def test_multipart_with_patch_attachment():
    body = f"""\
--XYZ
Content-Type: text/plain; charset=utf-8

Here is the fix, see attachment.

Signed-off-by: Jane Dev <jane@example.com>

--XYZ
Content-Type: text/x-patch; name="0001-fix.patch"
Content-Disposition: attachment; filename="0001-fix.patch"
Content-Transfer-Encoding: base64

{base64.encodebytes(PATCH_BODY.split(chr(10) + "diff --git", 1)[1].join(["diff --git", ""]).encode()).decode()}
--XYZ
Content-Type: text/html

<p>ignored</p>
--XYZ--
"""
    r = parse(mail(BASIC + 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="XYZ"\n', body))
    assert [f.path for f in r.files] == ["drivers/vfio/pci/foo/main.c"]
    assert [t.person.email for t in r.trailers] == ["jane@example.com"]
    diff_type = body.replace("text/x-patch", "text/x-diff")
    r = parse(mail(BASIC + 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="XYZ"\n', diff_type))
    assert r.files


def test_list_rewritten_sender_recovered():
    via = """\
From: Yishai Hadas via Virtualization <virtualization@lists.linux-foundation.org>
List-Id: Linux virtualization <virtualization.lists.linux-foundation.org>
Reply-To: Yishai Hadas <yishaih@nvidia.com>
Subject: Re: [PATCH V1 vfio 6/9] virtio-pci: x
Message-Id: <v@w>
"""
    r = parse(mail(via))
    assert r.author == Person("Yishai Hadas", "yishaih@nvidia.com")
    assert r.sender.email == "virtualization@lists.linux-foundation.org"
    orig = via.replace("Reply-To: Yishai Hadas <yishaih@nvidia.com>",
                       "Reply-To: virtualization@lists.linux-foundation.org\n"
                       "X-Original-From: Yishai Hadas <yishaih@nvidia.com>")
    assert parse(mail(orig)).author.email == "yishaih@nvidia.com"
    assert r.from_list and r.relayed == Person("Yishai Hadas", "yishaih@nvidia.com")
    nothing = via.replace("Reply-To: Yishai Hadas <yishaih@nvidia.com>\n", "")
    r = parse(mail(nothing))
    assert r.author.email == "virtualization@lists.linux-foundation.org"
    assert any("rewritten" in p for p in r.problems)


def test_list_rewrite_believed_only_from_the_lists_address():
    """Anybody can write "X via Y" and a Reply-To: without the list's own List-Id (or
    List-Post) naming the From address, the From address is the sender."""
    forged = """\
From: Michael S. Tsirkin via Virtualization <attacker@evil.example>
List-Id: Linux virtualization <virtualization.lists.linux-foundation.org>
Reply-To: Michael S. Tsirkin <mst@redhat.com>
X-Original-From: Michael S. Tsirkin <mst@redhat.com>
Subject: Re: [PATCH V1 vfio 6/9] virtio-pci: x
Message-Id: <v@w>
"""
    r = parse(mail(forged))
    assert r.author.email == "attacker@evil.example" and not r.from_list
    assert r.relayed == Person("Michael S. Tsirkin", "mst@redhat.com")
    assert any("not believed" in p for p in r.problems)
    posted = forged.replace("<attacker@evil.example>", "<virtualization@lists.linux-foundation.org>").replace(
        "List-Id: Linux virtualization <virtualization.lists.linux-foundation.org>",
        "List-Post: <mailto:virtualization@lists.linux-foundation.org>")
    assert parse(mail(posted)).author.email == "mst@redhat.com"


def test_inbody_from_names_the_author_of_a_patch_only():
    """git send-email's in-body From: is the author in a patch mail; in a reply it is
    text anybody can type."""
    reply = """\
From: Eve <eve@evil.example>
Subject: Re: [PATCH 1/2] vfio: x
Message-Id: <r@w>

From: Michael S. Tsirkin <mst@redhat.com>
Subject: Re: [PATCH 1/2] vfio: x

Acked-by: Michael S. Tsirkin <mst@redhat.com>
"""
    assert parse(mail(reply)).author.email == "eve@evil.example"
    patch_mail = reply.replace("Re: [PATCH", "[PATCH").replace(
        "Acked-by: Michael S. Tsirkin <mst@redhat.com>\n",
        "Signed-off-by: Michael S. Tsirkin <mst@redhat.com>\n---\n"
        "diff --git a/drivers/x.c b/drivers/x.c\n--- a/drivers/x.c\n+++ b/drivers/x.c\n@@ -1 +1 @@\n-a\n+b\n")
    record = parse(mail(patch_mail))
    assert record.files and record.author.email == "mst@redhat.com" and record.sender.email == "eve@evil.example"


def test_inbody_from_names_the_patch_author_but_outlook_quote_does_not():
    r = parse(mail(BASIC, "From: Jason Gunthorpe <jgg@nvidia.com>\n\n" + PATCH_BODY))
    assert r.author == Person("Jason Gunthorpe", "jgg@nvidia.com")
    assert r.sender.email == "jane@example.com"
    outlook = "From: Someone <s@example.com>\nSent: Monday\nTo: x\n\nquoted\n"
    assert parse(mail(BASIC, outlook)).author.email == "jane@example.com"


def test_missing_message_id_gets_notmuchs_hash_id():
    data = mail("From: a@example.com\nSubject: hi\nDate: Tue, 5 Mar 2024 10:00:00 +0000\n")
    r = parse(data)
    assert r.msgid == "notmuch-sha1-" + hashlib.sha1(data).hexdigest()
    assert any("Message-Id" in p for p in r.problems)
    assert parse(data).msgid == r.msgid  # stable


def test_missing_or_garbage_date_and_subject():
    r = parse(mail("From: a@example.com\nMessage-Id: <x@y>\nDate: the day after tomorrow\n"))
    assert r.date is None and r.subject == ""
    assert any("Date" in p for p in r.problems) and "no Subject" in r.problems
    r = parse(mail("From: a@example.com\nMessage-Id: <x@y>\nDate: Wed, 4 Jun 207777777777714 17:50:46 0\n"))
    assert r.date is None
    r = parse(mail("From: a@example.com\nMessage-Id: <x@y>\nDate: Tue, 5 Mar 2024 10:00:00 -0000\n"))
    assert r.date == datetime(2024, 3, 5, 10, 0, tzinfo=timezone.utc)


def test_references_garbage_self_and_duplicates():
    r = parse(mail("""\
From: a@example.com
Message-Id: <me@x>
In-Reply-To: <parent@x> (Jane's message of Tuesday)
References: <root@x> garbage <me@x> <parent@x>
 <root@x> <parent@x>
"""))
    assert r.in_reply_to == "parent@x"
    assert r.references == ("root@x", "parent@x")
    assert r.parent == "parent@x"
    r = parse(mail("From: a@example.com\nMessage-Id: <me@x>\nIn-Reply-To: <me@x>\nReferences: root@x\n"))
    assert r.in_reply_to is None and r.references == ("root@x",)


def test_cover_letter_text_and_change_id():
    cover = mail("""\
From: Jane Dev <jane@example.com>
Subject: [PATCH v3 0/2] vfio/foo: migration
Message-Id: <cover@x>
""", "This series adds migration.\n\n---\nbase-commit: abc\nchange-id: 20240101-foo-abcdef\n\nBest regards,\n")
    r = parse(cover)
    assert r.change_id == "20240101-foo-abcdef"
    assert r.cover_text.startswith("This series adds migration.")
    reply = parse(mail("From: b@x\nSubject: Re: [PATCH v3 0/2] vfio/foo\nMessage-Id: <r@x>\n",
                       "> change-id: 20240101-foo-abcdef\nLooks good.\n"))
    assert reply.cover_text == "" and reply.change_id is None
    huge = parse(mail("From: b@x\nSubject: [PATCH 0/9] big\nMessage-Id: <h@x>\n", "x" * 100_000))
    assert len(huge.cover_text) == 32 * 1024


def test_unusable_files_raise_parse_failure(tmp_path: Path):
    with pytest.raises(ParseFailure, match="empty"):
        parse(b"")
    with pytest.raises(ParseFailure):
        parse(b"\x00\x01\x02 this is not a message at all \xff\xfe")
    path = tmp_path / "m.eml"
    path.write_bytes(mail(BASIC, PATCH_BODY))
    assert parse_message(str(path)).path == str(path)  # reads the file when no data is given


def test_hostile_text_is_kept_verbatim_for_the_renderer_to_sanitize():
    r = parse(mail("From: [bold]evil[/bold] <e@x>\nSubject: \x1b]52;c;SGVsbG8=\x07[red]x\nMessage-Id: <e@x>\n"))
    assert r.sender.name == "[bold]evil[/bold]"
    assert "[red]x" in r.subject


# --- the real corpus ---------------------------------------------------------------------


def test_every_lore_message_parses_and_agrees_with_the_index(lore: Path):
    rows = list(csv.DictReader((lore / "INDEX.tsv").open(encoding="utf-8"), delimiter="\t"))
    assert len(rows) == 2031
    with_diff = via = 0
    for row in rows:
        r = parse_message(str(lore / row["file"]))
        assert r.msgid == row["message_id"].strip("<>"), row["file"]
        assert (r.in_reply_to or "") == row["in_reply_to"].strip("<>"), row["file"]
        assert r.subject == " ".join(row["subject"].split()), row["file"]
        assert r.date is not None, row["file"]
        with_diff += bool(r.files)
        via += " via " in r.sender.name
        if " via " in r.sender.name:
            assert "lists" not in r.author.email, row["file"]
    assert with_diff > 700 and via > 50


def _mbox_messages(path: Path) -> list[bytes]:
    box = mailbox.mbox(str(path), create=False)
    try:
        return [box.get_bytes(key) for key in box.keys()]
    finally:
        box.close()


@pytest.mark.parametrize("folder", ["fuzz", "mail"])
def test_patchwork_odd_and_broken_mail_never_crashes(shared: Path, folder: str):
    files = sorted((shared / "corpus" / "patchwork" / folder).glob("*.mbox"))
    assert files
    parsed = 0
    for path in files:
        data = path.read_bytes()
        for blob in [data, *_mbox_messages(path)]:
            try:
                r = parse_message(str(path), blob)
            except ParseFailure as err:
                assert err.reason
                continue
            parsed += 1
            assert isinstance(r.msgid, str) and r.msgid
            assert r.date is None or r.date.tzinfo is not None
    assert parsed >= len(files)


def test_patchwork_multipart_and_no_subject(shared: Path):
    mail_dir = shared / "corpus" / "patchwork" / "mail"
    r = parse_message(str(mail_dir / "0019-multipart-patch.mbox"))
    assert r.files, "the patch in the text/x-patch part was not found"
    r = parse_message(str(mail_dir / "0016-no-subject.mbox"))
    assert r.subject == "" and r.msgid == "ABC@DEF"
    r = parse_message(str(mail_dir / "0010-invalid-charset.mbox"))
    assert r.subject == "Fix pow overflow in non-default rounding modes (bug 16315)"
    assert "unknown charset 'none'; read as UTF-8" in r.problems
