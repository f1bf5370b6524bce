"""Approvals that cannot be forged, tried as an attacker would.

Every attack is a reply (or a re-post) threaded into a real series whose parent approval is
really missing — the virtio v2 posting (20231029155952.67686-1-yishaih@nvidia.com, whose
virtio core patches 1-6/9 have no ack from VIRTIO CORE AND NET DRIVERS) — indexed with the
real thread in a real notmuch store and judged through the whole pipeline against the real
MAINTAINERS and .mailmap. Each attack must leave the check as it was (``missing``) or, where
a human should look, say ``attention`` with the evidence; never ``pass``. Positive controls
(the same trailer from Michael S. Tsirkin's own address) prove each test can fail.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import lore_thread, shared_path
from workbench.analysis import Judged
from workbench.config import Settings
from workbench.model import CheckResult, Status
from workbench.pipeline import build_workbench

pytestmark = pytest.mark.skipif(not shared_path("corpus").is_dir(), reason="../shared/corpus is not there")

VIRTIO_V2 = "20231029155952.67686-1-yishaih@nvidia.com"
PATCH_2 = "20231029155952.67686-3-yishaih@nvidia.com"  # virtio_pci_common.c and friends
VIRTIO = "VIRTIO CORE AND NET DRIVERS"
MST = "Michael S. Tsirkin <mst@redhat.com>"
LIST_HEADERS = ("List-Id: Linux virtualization <virtualization.lists.linux-foundation.org>\n"
                "List-Post: <mailto:virtualization@lists.linux-foundation.org>\n")


def reply(msgid: str, sender: str, body: str, *, to: str = VIRTIO_V2, extra: str = "",
          subject: str = "Re: [PATCH V2 vfio 0/9] Introduce a vfio driver over virtio devices",
          date: str = "Tue, 31 Oct 2023 10:00:00 +0000", content_type: str = "text/plain; charset=utf-8") -> bytes:
    return (f"From: {sender}\nTo: kvm@vger.kernel.org\nSubject: {subject}\nDate: {date}\n"
            f"Message-ID: <{msgid}>\nIn-Reply-To: <{to}>\nReferences: <{VIRTIO_V2}> <{to}>\n"
            f"MIME-Version: 1.0\nContent-Type: {content_type}\n{extra}\n{body}").encode()


def judge(make_store, tmp_path: Path, *mails: bytes, mailmap: Path | None = None) -> Judged:
    store = make_store([*lore_thread(roots=[VIRTIO_V2]), *mails])
    settings = Settings(db_path=store, maintainers=shared_path("data", "MAINTAINERS"),
                        mailmap=mailmap or shared_path("data", "mailmap"), cache_dir=tmp_path / "cache")
    judged = build_workbench(settings).find(VIRTIO_V2)
    assert judged is not None
    return judged


def parent(judged: Judged) -> CheckResult:
    result = judged.check("parent-approval")
    assert result is not None
    return result


def virtio_part(judged: Judged):
    return next(p for p in parent(judged).parts if p.name == VIRTIO)


def texts(result: CheckResult) -> str:
    return "\n".join(ev.text for ev in result.evidence)


def test_baseline_is_really_missing(make_store, tmp_path: Path) -> None:
    judged = judge(make_store, tmp_path)
    assert parent(judged).status is Status.MISSING and virtio_part(judged).status is Status.MISSING


def test_positive_control_the_real_address_approves(make_store, tmp_path: Path) -> None:
    judged = judge(make_store, tmp_path, reply("ok@x", MST, f"For the virtio bits:\n\nAcked-by: {MST}\n"))
    assert virtio_part(judged).status is Status.PASS
    assert parent(judged).status is Status.PASS
    assert any(ev.msgid == "ok@x" and ev.text.startswith("Acked-by: Michael S. Tsirkin") for ev in parent(judged).evidence)


@pytest.mark.parametrize("trailer", [
    f"Acked-by: {MST}",
    "Acked-by: Michael S. Tsirkin <attacker@evil.example>",
    "Acked-by: Michael S. Tsirkin",
])
def test_display_name_is_not_identity(make_store, tmp_path: Path, trailer: str) -> None:
    forged = reply("forged@evil.example", "Michael S. Tsirkin <attacker@evil.example>", f"LGTM\n\n{trailer}\n")
    judged = judge(make_store, tmp_path, forged)
    part = virtio_part(judged)
    assert part.status is Status.ATTENTION and parent(judged).status is Status.ATTENTION
    flagged = [ev for ev in part.evidence if ev.msgid == "forged@evil.example"]
    assert flagged and flagged[0].suspect
    assert "same name, unverified address" in flagged[0].text and "attacker@evil.example" in flagged[0].text


def test_a_mailmap_line_makes_the_other_address_count(make_store, tmp_path: Path) -> None:
    """A real maintainer writing from an unlisted address: the remedy is one .mailmap line."""
    mailmap = tmp_path / "mailmap"
    mailmap.write_text(shared_path("data", "mailmap").read_text()
                       + "Michael S. Tsirkin <mst@redhat.com> <mst@home.example>\n")
    mail = reply("home@x", "Michael S. Tsirkin <mst@home.example>", "Acked-by: Michael S. Tsirkin <mst@home.example>\n")
    assert virtio_part(judge(make_store, tmp_path, mail)).status is Status.ATTENTION
    assert virtio_part(judge(make_store, tmp_path, mail, mailmap=mailmap)).status is Status.PASS


def test_someone_else_typing_the_maintainers_ack(make_store, tmp_path: Path) -> None:
    mail = reply("eve@x", "Eve <eve@evil.example>", f"He told me on IRC:\n\nAcked-by: {MST}\n")
    judged = judge(make_store, tmp_path, mail)
    assert virtio_part(judged).status is Status.MISSING
    assert any(ev.msgid == "eve@x" and "SUSPECT" in ev.text and "Eve" in ev.text for ev in parent(judged).evidence)


def test_inbody_from_in_a_reply_is_not_the_author(make_store, tmp_path: Path) -> None:
    mail = reply("inbody@x", "Eve <eve@evil.example>", f"From: {MST}\n\nAcked-by: {MST}\n")
    judged = judge(make_store, tmp_path, mail)
    assert virtio_part(judged).status is Status.MISSING


def test_via_rewrite_believed_only_from_the_lists_own_address(make_store, tmp_path: Path) -> None:
    headers = f"Reply-To: {MST}\nX-Original-From: {MST}\n"
    forged = reply("via@evil.example", "Michael S. Tsirkin via Virtualization <attacker@evil.example>",
                   f"Acked-by: {MST}\n", extra=headers + LIST_HEADERS)
    judged = judge(make_store, tmp_path, forged)
    assert virtio_part(judged).status is Status.MISSING  # "X via Y" at the attacker's address: not him
    assert any(ev.msgid == "via@evil.example" and "attacker@evil.example" in ev.text for ev in parent(judged).evidence)
    # the list itself relaying him: believed (positive control)
    relayed = reply("via@lists", "Michael S. Tsirkin via Virtualization <virtualization@lists.linux-foundation.org>",
                    f"Acked-by: {MST}\n", extra=headers + LIST_HEADERS)
    assert virtio_part(judge(make_store, tmp_path, relayed)).status is Status.PASS


def test_list_address_of_maintainers_is_a_list_too(make_store, tmp_path: Path) -> None:
    """No List-Id, but the From address is an L: of MAINTAINERS: the rewrite is undone."""
    relayed = reply("via@l", "Michael S. Tsirkin via Virtualization <virtualization@lists.linux.dev>",
                    f"Acked-by: {MST}\n", extra=f"Reply-To: {MST}\n")
    assert virtio_part(judge(make_store, tmp_path, relayed)).status is Status.PASS


def test_indented_pasted_trailers_do_not_count(make_store, tmp_path: Path) -> None:
    body = ("This is what the old commit said:\n\n"
            "    virtio-pci: something\n\n"
            f"    Acked-by: {MST}\n\n"
            "Not acked yet for this one.\n")
    assert virtio_part(judge(make_store, tmp_path, reply("indent@x", MST, body))).status is Status.MISSING


def test_html_blockquote_is_quoted_text(make_store, tmp_path: Path) -> None:
    body = ("<html><body><p>I disagree with this approach.</p>"
            f"<blockquote><p>Acked-by: {MST.replace('<', '&lt;').replace('>', '&gt;')}</p></blockquote>"
            "</body></html>\n")
    mail = reply("html@x", MST, body, content_type="text/html; charset=utf-8")
    assert virtio_part(judge(make_store, tmp_path, mail)).status is Status.MISSING


def test_an_attached_file_is_not_the_senders_word(make_store, tmp_path: Path) -> None:
    body = ("--b\nContent-Type: text/plain; charset=utf-8\n\nSee the notes attached.\n"
            "--b\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename=notes.txt\n\n"
            f"Acked-by: {MST}\n--b--\n")
    mail = reply("attach@x", MST, body, content_type='multipart/mixed; boundary="b"')
    assert virtio_part(judge(make_store, tmp_path, mail)).status is Status.MISSING


def test_a_later_nak_withdraws_the_ack(make_store, tmp_path: Path) -> None:
    ack = reply("ack@x", MST, f"Acked-by: {MST}\n", date="Tue, 31 Oct 2023 10:00:00 +0000")
    nak = reply("nak@x", MST, "Sorry, I found a problem in the admin command path.\n\n"
                f"Nacked-by: {MST}\n", date="Wed, 01 Nov 2023 10:00:00 +0000")
    judged = judge(make_store, tmp_path, ack, nak)
    part = virtio_part(judged)
    assert part.status is Status.MISSING and "NAK" in part.summary
    assert any(ev.msgid == "nak@x" and "NAK" in ev.text for ev in part.evidence)


def test_forged_applied_marks_nothing_applied(make_store, tmp_path: Path) -> None:
    forged = reply("applied@evil.example", "Alex Williamson <attacker@evil.example>",
                   "Applied to vfio next branch for v6.7. Thanks,\n\nAlex\n")
    judged = judge(make_store, tmp_path, forged)
    assert judged.applied is None
    maintainer = judged.check("maintainer")
    assert maintainer is not None and maintainer.status is Status.ATTENTION
    assert any("same name, unverified address" in ev.text and "attacker@evil.example" in ev.text
               for ev in maintainer.evidence)
    real = reply("applied@x", "Alex Williamson <alex.williamson@redhat.com>",
                 "Applied to vfio next branch for v6.7. Thanks,\n\nAlex\n")
    assert judge(make_store, tmp_path, real).applied is not None  # positive control


def test_me_does_not_change_a_verdict(lore_store: Path, lore_cache: Path) -> None:
    """--me says who runs the tool, never who the vfio maintainer is: run as Kevin Tian
    (a listed reviewer), as Alex, or as nobody, every verdict of the real corpus is the same."""
    base = Settings(db_path=lore_store, maintainers=shared_path("data", "MAINTAINERS"),
                    mailmap=shared_path("data", "mailmap"), cache_dir=lore_cache)
    from workbench.model import Person
    seen = []
    for me in (None, Person("Kevin Tian", "kevin.tian@intel.com"), Person("Alex Williamson", "alex.williamson@redhat.com")):
        wb = build_workbench(replace(base, me=me))
        seen.append({j.series.id: [(c.id, c.status, c.summary) for c in j.checks] for j in wb.judged})
    assert seen[0] == seen[1] == seen[2]
    maintainer = {sid: dict((c, s) for c, s, _ in checks)["maintainer"] for sid, checks in seen[0].items()}
    assert Status.PASS in maintainer.values() and Status.MISSING in maintainer.values()
