"""Reply drafts on real threads from ../shared/corpus/lore-vfio: each kind, parsed back and
checked against the real message it answers, then indexed with notmuch next to the
thread to show it threads under the series."""

from __future__ import annotations

import csv
import email
import email.header
import re
from datetime import datetime, timezone
from email import policy
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

import notmuch2
import pytest

from conftest import shared_path
from vfio_workbench_demo.mailwriter import build_store
from workbench.config import Settings
from workbench.errors import DraftError
from workbench.mail.drafts import save_draft
from workbench.model import Person, Status
from workbench.pipeline import build_workbench
from workbench.replies.compose import compose
from workbench.replies.kinds import available_kinds

ME = Person("Alex Williamson", "alex.williamson@redhat.com")
QAT_RFC = "20230630131304.64243-1-xin.zeng@intel.com"  # QAT DRIVER and CRYPTO API approvals missing
HISI_V10 = "20251017091057.3770403-1-liulongfang@huawei.com"  # parent approved by the QM/CRYPTO API group
HISI_V9 = "20220308184902.2242-1-shameerali.kolothum.thodi@huawei.com"  # PCI SUBSYSTEM missing on 3/9
QAT_V7 = "20240426064051.2859652-1-xin.zeng@intel.com"  # one patch, no cover, docs missing
ISM_V1 = "20260212-vfio_pci_ism-v1-0-333262ade074@linux.ibm.com"  # no listed-reviewer review
VIRTIO_V2 = "20231029155952.67686-1-yishaih@nvidia.com"  # VIRTIO CORE AND NET DRIVERS missing, 6 patches
KEVIN_ON_1_5 = "BN9PR11MB527649234A93384F1EB11F478C09A@BN9PR11MB5276.namprd11.prod.outlook.com"


def thread_files(root_id: str, *, drop: tuple[str, ...] = ()) -> list[Path]:
    corpus = shared_path("corpus", "lore-vfio")
    with open(corpus / "INDEX.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    files = [corpus / r["file"] for r in rows
             if r["thread_root"] == f"<{root_id}>" and r["message_id"].strip("<>") not in drop]
    assert files, root_id
    return files


def workbench_for(tmp_path: Path, files: list[Path]):
    data = shared_path("data")
    root = build_store(tmp_path / "mail", [f.read_bytes() for f in files])
    # query "*": the whole small store (the default query's term search does not see
    # "vfio" inside "hisi_acc_vfio_pci", which some of these threads use in every subject)
    settings = Settings(db_path=root, maintainers=data / "MAINTAINERS", mailmap=data / "mailmap",
                        me=ME, cache_dir=tmp_path / "cache", query="*")
    return settings, build_workbench(settings)


def original(path: str):
    with open(path, "rb") as fh:
        return email.message_from_binary_file(fh, policy=policy.compat32)


def parsed(draft):
    return email.message_from_bytes(draft.as_bytes(), policy=policy.default)


def emails(msg, header):
    return [a.lower() for _n, a in getaddresses([str(msg[header] or "")]) if a]


def ids(text: str | None) -> list[str]:
    return [t.strip("<>") for t in (text or "").split() if t.startswith("<")]


HEADERS = {"From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
           "User-Agent", "Content-Type", "Content-Transfer-Encoding", "MIME-Version"}


def check_threading(draft, settings, mailmap=None):
    """Every header against the real target file, then notmuch's verdict on the thread."""
    msg = parsed(draft)
    assert set(msg.keys()) <= HEADERS and HEADERS - {"Cc"} <= set(msg.keys()), msg.keys()
    assert all(len(v) == 1 for v in (msg.get_all(h) for h in msg.keys())), "a header appears twice"
    target = original(draft.target_path)
    target_id = ids(target["Message-ID"])[0]
    assert getaddresses([str(msg["From"])]) == [(ME.name, ME.email)]
    subject = str(email.header.make_header(email.header.decode_header(str(target["Subject"]))))
    assert msg["Subject"] == "Re: " + re.sub(r"^(?:(?:re|aw)\s*:\s*)+", "", " ".join(subject.split()), flags=re.I)
    when = parsedate_to_datetime(msg["Date"])
    assert when.tzinfo is not None and abs((datetime.now(timezone.utc) - when).total_seconds()) < 600
    assert msg["In-Reply-To"] == f"<{target_id}>"
    chain = ids(str(target["References"] or "")) or ids(str(target["In-Reply-To"] or ""))
    assert ids(msg["References"]) == chain + [target_id]
    assert msg["Message-ID"].endswith("@redhat.com>") and msg["Message-ID"] != target["Message-ID"]
    assert msg["MIME-Version"] == "1.0"
    assert msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8"
    assert msg["Content-Transfer-Encoding"] in ("7bit", "8bit")
    everyone = emails(msg, "To") + emails(msg, "Cc")
    assert emails(msg, "To") and ME.email not in everyone
    if mailmap is not None:  # one address per person, after .mailmap
        people = [mailmap.canonical(Person(n, a.lower())).email
                  for n, a in getaddresses([str(msg["To"] or ""), str(msg["Cc"] or "")])]
        assert len(people) == len(set(people)), people
    for line in msg.get_content().splitlines():
        if not line.startswith((">", " ")) and " " in line.strip():
            assert len(line) <= 72, line
    saved = save_draft(draft.as_bytes(), settings)
    assert saved.indexed, saved.warning
    db = notmuch2.Database(str(settings.db_path), mode=notmuch2.Database.MODE.READ_ONLY,
                           config=notmuch2.Database.CONFIG.EMPTY)
    try:
        mine, theirs = db.find(draft.message_id), db.find(target_id)
        assert mine.threadid == theirs.threadid
        assert set(mine.tags) == {"draft"}
        assert Path(str(mine.path)) == saved.path.resolve()
        series_ids = {m.messageid for m in db.messages(f"thread:{theirs.threadid}")}
        assert draft.series_id in series_ids  # the same thread as the series itself
    finally:
        db.close()
    return msg


def test_parent_ack_for_two_real_parent_sections(tmp_path):
    settings, wb = workbench_for(tmp_path, thread_files(QAT_RFC))
    judged = wb.find(QAT_RFC)
    sections = [o.section for o in available_kinds(judged, wb.context) if o.kind == "parent-ack"]
    assert sections == ["QAT DRIVER", "CRYPTO API"]

    qat = compose("parent-ack", judged, wb.context, section="QAT DRIVER")
    msg = check_threading(qat, settings, wb.context.mailmap)
    assert emails(msg, "To") == ["giovanni.cabiddu@intel.com"]
    assert emails(msg, "Cc") == ["qat-linux@intel.com", "xin.zeng@intel.com", "kvm@vger.kernel.org"]
    assert msg["Subject"] == "Re: [RFC 0/5] crypto: qat - enable SRIOV VF live migration"
    body = msg.get_content()
    assert "drivers/crypto/intel/qat/" in body and "drivers/vfio/pci/qat" not in body

    crypto = compose("parent-ack", judged, wb.context, section="CRYPTO API")
    msg = check_threading(crypto, settings)
    assert emails(msg, "To") == ["herbert@gondor.apana.org.au", "davem@davemloft.net"]
    assert emails(msg, "Cc") == ["linux-crypto@vger.kernel.org", "xin.zeng@intel.com", "kvm@vger.kernel.org"]
    assert msg.get_content().startswith("Hi Herbert and David,\n")
    assert '"crypto: qat - enable SRIOV VF live migration" (RFC v1)' in " ".join(msg.get_content().split())


def test_parent_ack_for_one_patch_answers_that_patch(tmp_path):
    """hisi v9: the PCI SUBSYSTEM owns include/linux/pci_ids.h alone (no other section of
    3/9 shares a file with it), so it needs its own ack, and the draft asks for exactly that."""
    settings, wb = workbench_for(tmp_path, thread_files(HISI_V9))
    judged = wb.find(HISI_V9)
    draft = compose("parent-ack", judged, wb.context)
    msg = check_threading(draft, settings)
    patch3 = judged.series.patch(3)
    assert draft.in_reply_to == patch3.msgid and ids(msg["References"])[-1] == patch3.msgid
    assert msg["Subject"] == "Re: " + patch3.subject
    assert emails(msg, "To") == ["bhelgaas@google.com"]
    assert "include/linux/pci_ids.h" in msg.get_content()


def test_no_parent_ack_to_ask_when_the_group_approved(tmp_path):
    """hisi v10: Herbert Xu's ack (CRYPTO API, which shares qm.c with HISILICON QM in 1/2)
    covers hisi_acc_qm.h of the same patch: there is nobody left to ask."""
    _settings, wb = workbench_for(tmp_path, thread_files(HISI_V10))
    judged = wb.find(HISI_V10)
    parent = judged.check("parent-approval")
    assert parent is not None and parent.status is Status.PASS
    with pytest.raises(DraftError, match="nothing to ask"):
        compose("parent-ack", judged, wb.context)


def test_incomplete_on_a_real_thread_missing_a_patch(tmp_path):
    patch2 = "20251017091057.3770403-3-liulongfang@huawei.com"
    settings, wb = workbench_for(tmp_path, thread_files(HISI_V10, drop=(patch2,)))
    judged = wb.find(HISI_V10)
    assert judged.series.missing_numbers == [2]
    msg = check_threading(compose("incomplete", judged, wb.context), settings)
    assert emails(msg, "To") == ["liulongfang@huawei.com"]
    assert "2/2 never arrived" in " ".join(msg.get_content().split())


def test_single_patch_docs_thanks_and_reply(tmp_path):
    settings, wb = workbench_for(tmp_path, thread_files(QAT_V7))
    judged = wb.find(QAT_V7)
    assert judged.series.cover is None

    docs = check_threading(compose("docs", judged, wb.context), settings)
    assert docs["Subject"] == "Re: [PATCH v7] vfio/qat: Add vfio_pci driver for Intel QAT SR-IOV VF devices"
    assert emails(docs, "To") == ["xin.zeng@intel.com"]

    thanks = compose("thanks", judged, wb.context)
    msg = check_threading(thanks, settings, wb.context.mailmap)
    patch = original(judged.series.patch(1).path)
    mailmap = wb.context.mailmap  # addresses go out at their current (.mailmap) address
    theirs = [mailmap.canonical(Person(n, a.lower())).email
              for n, a in getaddresses([str(patch["To"] or ""), str(patch["Cc"] or "")]) if a]
    assert "jgg@nvidia.com" in str(patch["To"]) + str(patch["Cc"]) and "jgg@ziepe.ca" in theirs
    assert emails(msg, "To") == ["xin.zeng@intel.com"]
    assert emails(msg, "Cc") == [a for a in dict.fromkeys(theirs) if a not in ("xin.zeng@intel.com", ME.email)]

    reply = compose("reply", judged, wb.context, trailer="Acked-by")
    msg = check_threading(reply, settings)
    assert msg.get_content().rstrip().endswith("Acked-by: Alex Williamson <alex.williamson@redhat.com>")
    assert "> +" in msg.get_content()  # the diff is quoted


def test_reply_to_an_outlook_RE_reply(tmp_path):
    settings, wb = workbench_for(tmp_path, thread_files(QAT_RFC))
    judged = wb.find(QAT_RFC)
    draft = compose("reply", judged, wb.context, target_msgid=KEVIN_ON_1_5)
    msg = check_threading(draft, settings)
    assert msg["Subject"].startswith("Re: [RFC 1/5] crypto: qat - add bank save/restore")
    assert emails(msg, "To") == ["kevin.tian@intel.com"]


def test_review_to_the_listed_reviewers(tmp_path):
    settings, wb = workbench_for(tmp_path, thread_files(ISM_V1))
    judged = wb.find(ISM_V1)
    msg = check_threading(compose("review", judged, wb.context), settings)
    # the kernel .mailmap moves Jason's jgg@nvidia.com to jgg@ziepe.ca; the 6.12
    # MAINTAINERS lists Shameer at his huawei address, which the .mailmap leaves alone
    assert emails(msg, "To") == ["jgg@ziepe.ca", "yishaih@nvidia.com",
                                 "shameerali.kolothum.thodi@huawei.com", "kevin.tian@intel.com"]
    assert "kvm@vger.kernel.org" in emails(msg, "Cc")


def test_parent_ack_on_a_big_parent_change_stays_short(tmp_path):
    from workbench.replies.compose import MAX_HUNK_LINES

    settings, wb = workbench_for(tmp_path, thread_files(VIRTIO_V2))
    judged = wb.find(VIRTIO_V2)
    draft = compose("parent-ack", judged, wb.context)
    raw = draft.as_bytes()
    assert b"Eugenio =?utf-8?q?P=C3=A9rez?= <eperezma@redhat.com>" in raw  # RFC 2047 in the Cc
    msg = check_threading(draft, settings, wb.context.mailmap)
    assert draft.in_reply_to == VIRTIO_V2  # six patches: the cover letter is answered
    assert emails(msg, "To") == ["mst@redhat.com", "jasowang@redhat.com"]
    assert emails(msg, "Cc") == ["xuanzhuo@linux.alibaba.com", "eperezma@redhat.com",
                                 "virtualization@lists.linux.dev", "yishaih@nvidia.com", "kvm@vger.kernel.org"]
    body = msg.get_content()
    assert body.startswith("Hi Michael and Jason,\n")
    summary = [ln for ln in body.splitlines() if ln.startswith("  ")]
    assert 6 < len(summary) <= MAX_HUNK_LINES
    for n in range(1, 7):  # every patch of the section is named, none of the vfio ones
        assert f"  [{n}/9] {judged.series.patch(n).title}" in summary
    assert "drivers/vfio/pci" not in body and "[7/9]" not in body
    assert "    include/linux/virtio_pci_admin.h (+21/-0, new file)" in summary
