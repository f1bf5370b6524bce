"""Reply drafts on the demo store: every kind, every header, parsed back with the email
package; addressing, templates and editing."""

from __future__ import annotations

import email
import re
from email import policy
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

import pytest

from workbench.config import Settings
from workbench.errors import DraftError, TemplateError
from workbench.kernel.mailmap import Mailmap
from workbench.model import Person
from workbench.pipeline import build_workbench
from workbench.replies.addressing import Recipients
from workbench.replies.compose import compose, first_name, reply_subject
from workbench.replies.kinds import available_kinds
from workbench.replies.templates import VARIABLES

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

ALEX = Person("Alex Williamson", "alex.williamson@redhat.com")
MLX5_V1 = "20250304120512.1742-1-yishaih@nvidia.com"  # two parent sections missing
QAT = "20250923103004.5123-1-xin.zeng@intel.com"  # 3/4 never arrived, docs missing
XE_V1 = "20251118134102.7001-1-michal.winiarski@intel.com"  # xe parent missing, review missing
MLX5_V3 = "20250513072241.1902-1-yishaih@nvidia.com"  # complete, applied


@pytest.fixture(scope="module")
def wb(demo_store, tmp_path_factory):
    settings = Settings(db_path=demo_store.root, maintainers=demo_store.maintainers,
                        mailmap=demo_store.mailmap, me=demo_store.me,
                        cache_dir=tmp_path_factory.mktemp("cache"))
    return build_workbench(settings)


def parsed(draft):
    return email.message_from_bytes(draft.as_bytes(), policy=policy.default)


def addrs(msg, header):
    return [(n, a.lower()) for n, a in getaddresses([str(msg[header] or "")]) if a]


def emails(msg, header):
    return [a for _n, a in addrs(msg, header)]


def check_common(draft, judged, target_msgid, refs):
    """The headers every draft must carry, checked on the parsed-back message."""
    msg = parsed(draft)
    assert addrs(msg, "From") == [("Alex Williamson", "alex.williamson@redhat.com")]
    assert msg["Subject"].startswith("Re: ") and not msg["Subject"].lower().startswith("re: re:")
    assert msg["In-Reply-To"] == f"<{target_msgid}>"
    assert msg["References"].split() == [f"<{r}>" for r in refs]
    assert msg["Message-ID"].endswith("@redhat.com>") and msg["Message-ID"] != f"<{target_msgid}>"
    assert parsedate_to_datetime(msg["Date"]).tzinfo is not None
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"
    everyone = emails(msg, "To") + emails(msg, "Cc")
    assert "alex.williamson@redhat.com" not in everyone and "alex@shazbot.org" not in everyone
    assert len(everyone) == len(set(everyone)), everyone
    for line in msg.get_content().splitlines():
        if not line.startswith((">", " ")) and " " in line.strip():
            assert len(line) <= 72, line
    return msg


def test_offers_follow_the_checks(wb):
    offers = available_kinds(wb.find(MLX5_V1), wb.context)
    assert [(o.kind, o.section) for o in offers] == [
        ("parent-ack", "MELLANOX MLX5 core VPI driver"), ("parent-ack", "MELLANOX MLX5 IB driver"),
        ("review", None), ("docs", None), ("thanks", None), ("reply", None)]
    assert [o.kind for o in available_kinds(wb.find(QAT), wb.context)] == [
        "review", "docs", "incomplete", "thanks", "reply"]
    assert [o.kind for o in available_kinds(wb.find(MLX5_V3), wb.context)] == ["thanks", "reply"]


def test_parent_ack_two_sections_addressing(wb):
    judged = wb.find(MLX5_V1)
    core = compose("parent-ack", judged, wb.context, section="MELLANOX MLX5 core VPI driver")
    msg = check_common(core, judged, MLX5_V1, [MLX5_V1])
    assert emails(msg, "To") == ["saeedm@nvidia.com", "leonro@nvidia.com", "tariqt@nvidia.com", "mbloch@nvidia.com"]
    assert emails(msg, "Cc") == ["netdev@vger.kernel.org", "linux-rdma@vger.kernel.org",
                                 "yishaih@nvidia.com", "kvm@vger.kernel.org"]
    body = msg.get_content()
    prose = " ".join(body.split())
    assert body.startswith("Hi Saeed, Leon, Tariq and Mark,\n")
    assert 'MAINTAINERS lists under "MELLANOX MLX5 core VPI driver"' in prose
    assert "Acked-by or Reviewed-by" in prose
    # per patch of the section: its files with counts, and the hunk headers naming functions
    assert ("  [1/4] net/mlx5: Add IFC bits for migration state compression\n"
            "    include/linux/mlx5/mlx5_ifc.h (+9/-2)\n"
            "      @@ -2071,7 +2071,8 @@ struct mlx5_ifc_cmd_hca_cap_2_bits {\n") in body
    assert ("  [2/4] net/mlx5: Expose migration state compression capability\n"
            "    drivers/net/ethernet/mellanox/mlx5/core/fw.c (+23/-0)\n"
            "      @@ -248,6 +248,13 @@ int mlx5_query_hca_caps(struct mlx5_core_dev *dev)\n") in body
    assert "3/4" not in body and "drivers/vfio/pci" not in body  # the vfio patches are not the parent's business

    ib = compose("parent-ack", judged, wb.context, section="mellanox mlx5 ib driver")  # case-insensitive
    msg = check_common(ib, judged, MLX5_V1, [MLX5_V1])
    assert emails(msg, "To") == ["leonro@nvidia.com"]
    assert emails(msg, "Cc") == ["linux-rdma@vger.kernel.org", "yishaih@nvidia.com", "kvm@vger.kernel.org"]
    assert "fw.c" not in msg.get_content()  # only the IB section's files

    with pytest.raises(DraftError, match="several sections.*MLX5 IB driver"):
        compose("parent-ack", judged, wb.context)
    with pytest.raises(DraftError, match="no missing approval from section 'VIRTIO CORE'"):
        compose("parent-ack", judged, wb.context, section="VIRTIO CORE")


def test_parent_ack_single_section_and_non_ascii_names(wb):
    judged = wb.find(XE_V1)
    draft = compose("parent-ack", judged, wb.context)
    raw = draft.as_bytes()
    assert b"=?utf-8?" in raw  # Thomas Hellstr\xf6m and Micha\u0142 go out RFC 2047-encoded
    assert all(b < 128 for line in raw.split(b"\n\n", 1)[:1] for b in line)  # headers are ASCII
    # Matthew Brost's Reviewed-by on 1/3 approves the xe PF patch; only 2/3 still needs
    # DRM XE's word, so the draft answers that patch
    patch2 = judged.series.patch(2)
    msg = check_common(draft, judged, patch2.msgid, [XE_V1, patch2.msgid])
    assert ("Thomas Hellström", "thomas.hellstrom@linux.intel.com") in addrs(msg, "To")
    assert ("Michał Winiarski", "michal.winiarski@intel.com") in addrs(msg, "Cc")
    assert emails(msg, "Cc") == ["intel-xe@lists.freedesktop.org", "michal.winiarski@intel.com",
                                 "kvm@vger.kernel.org"]


def test_review_goes_to_listed_reviewers_and_answers_the_single_patch(wb):
    judged = wb.find(XE_V1)
    patch3 = judged.series.patch(3)
    draft = compose("review", judged, wb.context)
    msg = check_common(draft, judged, patch3.msgid, [XE_V1, patch3.msgid])
    assert emails(msg, "To") == ["jgg@nvidia.com", "yishaih@nvidia.com", "skolothumtho@nvidia.com",
                                 "kevin.tian@intel.com"]
    assert emails(msg, "Cc") == ["michal.winiarski@intel.com", "kvm@vger.kernel.org"]
    assert msg["Subject"] == "Re: " + patch3.subject
    assert "VFIO PCI DEVICE SPECIFIC DRIVERS" in msg.get_content().replace("\n", " ")


def test_review_excludes_the_author_who_is_a_listed_reviewer(wb):
    judged = wb.find(MLX5_V1)  # by Yishai Hadas, himself an R: of the section
    msg = parsed(compose("review", judged, wb.context))
    assert "yishaih@nvidia.com" not in emails(msg, "To")
    assert emails(msg, "To") == ["jgg@nvidia.com", "skolothumtho@nvidia.com", "kevin.tian@intel.com"]
    assert emails(msg, "Cc")[0] == "yishaih@nvidia.com"


def test_docs_lists_only_unanswered_questions(wb):
    judged = wb.find(QAT)
    msg = check_common(compose("docs", judged, wb.context), judged, QAT, [QAT])
    assert emails(msg, "To") == ["xin.zeng@intel.com"] and emails(msg, "Cc") == ["kvm@vger.kernel.org"]
    body = msg.get_content()
    listed = [line[4:] for line in body.splitlines() if line.startswith("  - ")]
    doc = judged.check("documentation")
    assert listed == [p.name for p in doc.parts if p.status.value == "missing"]
    assert "what safeguards validate the data" in listed
    assert "composed and consumed" not in body  # answered by the cover letter


def test_incomplete_names_the_missing_patch(wb):
    judged = wb.find(QAT)
    msg = check_common(compose("incomplete", judged, wb.context), judged, QAT, [QAT])
    assert emails(msg, "To") == ["xin.zeng@intel.com"]
    body = " ".join(msg.get_content().split())
    assert "3/4 never arrived (I have 1/4, 2/4, 4/4)" in body
    with pytest.raises(DraftError, match="every patch of this series arrived"):
        compose("incomplete", wb.find(MLX5_V3), wb.context)


def test_thanks_quotes_the_cover_and_lists_the_patches(wb):
    judged = wb.find(MLX5_V3)
    msg = check_common(compose("thanks", judged, wb.context), judged, MLX5_V3, [MLX5_V3])
    cover = judged.series.cover
    assert emails(msg, "To") == ["yishaih@nvidia.com"]
    expected_cc = [p.email for p in cover.to + cover.cc if p.email not in ("yishaih@nvidia.com", ALEX.email)]
    assert emails(msg, "Cc") == list(dict.fromkeys(expected_cc))
    body = msg.get_content()
    assert body.startswith("On Tue, 13 May 2025 10:22:41 +0300, Yishai Hadas wrote:\n> ")
    assert "> [...]" in body and "Applied, thanks!" in body
    for patch in judged.series.patches:  # listed as b4 ty does: [n/N] title
        assert f"\n  [{patch.number}/5] {patch.title}\n" in body
    assert "[PATCH" not in body.split("Applied, thanks!")[1]


def test_thanks_names_the_branch_when_configured(wb, tmp_path):
    from workbench.config import Settings

    judged = wb.find(MLX5_V3)
    settings = Settings(cache_dir=tmp_path, branch="vfio next branch for v6.19")
    body = parsed(compose("thanks", judged, wb.context, settings=settings)).get_content()
    assert "Applied to vfio next branch for v6.19, thanks!" in body


def test_reply_to_a_patch_with_my_trailer(wb):
    judged = wb.find(QAT)
    patch = judged.series.patch(2)
    draft = compose("reply", judged, wb.context, target_msgid=f"<{patch.msgid}>", trailer="reviewed-by")
    msg = check_common(draft, judged, patch.msgid, [QAT, patch.msgid])
    assert msg["Subject"] == "Re: " + patch.subject
    assert emails(msg, "To") == ["xin.zeng@intel.com"]
    body = msg.get_content()
    assert body.rstrip().endswith("Reviewed-by: Alex Williamson <alex.williamson@redhat.com>")
    quoted = [ln for ln in body.splitlines() if ln.startswith(">")]
    assert len(quoted) > 10 and all(ln == ">" or ln.startswith("> ") or ln.startswith(">>") for ln in quoted)
    assert not any(ln.startswith("> -- ") for ln in quoted)  # the signature is not quoted
    with pytest.raises(DraftError, match="not one of"):
        compose("reply", judged, wb.context, trailer="Signed-off-by")
    with pytest.raises(DraftError, match="not part of series"):
        compose("reply", judged, wb.context, target_msgid=MLX5_V3)


def test_message_ids_are_fresh(wb):
    judged = wb.find(QAT)
    ids = {compose("thanks", judged, wb.context).message_id for _ in range(5)}
    assert len(ids) == 5


def test_reply_subject_strips_every_reply_marker():
    assert reply_subject("Re: RE: AW: Aw: [PATCH v2 1/3] vfio/mlx5: x") == "Re: [PATCH v2 1/3] vfio/mlx5: x"
    assert reply_subject("re:re:  [PATCH] y") == "Re: [PATCH] y"
    assert reply_subject("[PATCH] Re-add the thing") == "Re: [PATCH] Re-add the thing"
    assert first_name(Person("Tian, Kevin", "kevin.tian@intel.com")) == "Kevin"


def test_recipients_dedupe_through_mailmap_and_never_me():
    mailmap = Mailmap.parse("Jason Gunthorpe <jgg@nvidia.com> <jgg@mellanox.com>\n"
                            "Alex Williamson <alex.williamson@redhat.com> <alex@shazbot.org>\n")
    r = Recipients(mailmap, ALEX)
    r.add([Person("Jason Gunthorpe", "jgg@mellanox.com"), Person("Alex W", "alex@shazbot.org")], to=True)
    r.add([Person("jgg", "JGG@nvidia.com"), Person("", "kvm@vger.kernel.org"), Person("x", "not-an-address"),
           Person("Alex Williamson", "alex.williamson@redhat.com"), Person("", "kvm@vger.kernel.org")])
    assert r.to == [Person("Jason Gunthorpe", "jgg@nvidia.com")]  # the current address
    assert r.cc == [Person("", "kvm@vger.kernel.org")]


def test_hostile_names_do_not_inject_headers(wb):
    r = Recipients(Mailmap.empty(), ALEX)
    r.add([Person("Eve\r\nBcc: victim@example.org", "eve@example.org")], to=True)
    assert "\n" not in r.to[0].name and "\r" not in r.to[0].name


def test_user_template_overrides_and_unknown_variable(wb, tmp_path):
    judged = wb.find(QAT)
    (tmp_path / "incomplete.txt").write_text("Dear ${author_name}: ${missing_patches} is missing.\n")
    draft = compose("incomplete", judged, wb.context, settings=Settings(templates_dir=tmp_path))
    assert draft.body == "Dear Xin Zeng: 3/4 is missing.\n"

    (tmp_path / "docs.txt").write_text("Hi ${author_name},\nplease answer ${questoins}\n")
    with pytest.raises(TemplateError) as err:
        compose("docs", judged, wb.context, settings=Settings(templates_dir=tmp_path))
    assert str(tmp_path / "docs.txt") in str(err.value) and "${questoins}" in str(err.value)

    (tmp_path / "thanks.txt").write_text("ok\ncosts $5\n")
    with pytest.raises(TemplateError, match=r"thanks.txt: line 2: a '\$'"):
        compose("thanks", judged, wb.context, settings=Settings(templates_dir=tmp_path))


def test_builtin_templates_use_only_documented_variables():
    from workbench.replies.kinds import KINDS
    from workbench.replies.templates import check_template, load_template

    for kind in KINDS:
        text, origin = load_template(kind)
        check_template(text, origin)  # raises on an unknown variable
    doc = (Path(__file__).resolve().parent.parent / "docs" / "templates.md").read_text()
    for name in VARIABLES:
        assert f"${{{name}}}" in doc, name


def test_edit_round_trip_keeps_threading(wb):
    judged = wb.find(QAT)
    draft = compose("incomplete", judged, wb.context)
    text = draft.edit_text().replace("Cc: kvm@vger.kernel.org",
                                     "Cc: kvm@vger.kernel.org, Giovanni Cabiddu <giovanni.cabiddu@intel.com>")
    text = text.replace("Thanks,", "Thanks a lot,")
    edited = draft.with_edit(text)
    msg = parsed(edited)
    assert emails(msg, "Cc") == ["kvm@vger.kernel.org", "giovanni.cabiddu@intel.com"]
    assert "Thanks a lot," in msg.get_content()
    assert msg["In-Reply-To"] == f"<{QAT}>" and msg["Message-ID"] == f"<{draft.message_id}>"
    with pytest.raises(DraftError, match="only From, To, Cc, Subject"):
        draft.with_edit("Bcc: x@example.org\n\nbody")


def test_no_identity_is_a_clear_error(wb):
    from dataclasses import replace

    ctx = replace(wb.context, me=None)
    with pytest.raises(DraftError, match="user.primary_email"):
        compose("thanks", wb.find(QAT), ctx)


def test_run_draft_prints_writes_and_refuses(demo_settings, tmp_path, capsys):
    from workbench.replies.command import run_draft

    assert run_draft(demo_settings, kind="incomplete", series_id=f"<{QAT}>") == 0
    out = capsys.readouterr().out
    assert out.startswith("From: Alex Williamson <alex.williamson@redhat.com>\n")
    assert f"In-Reply-To: <{QAT}>" in out

    assert run_draft(demo_settings, kind="thanks", series_id=QAT, out_dir=tmp_path / "out") == 0
    files = list((tmp_path / "out").iterdir())
    assert [f.name for f in files] == [f"thanks-{QAT}.eml"]
    assert email.message_from_bytes(files[0].read_bytes(), policy=policy.default)["In-Reply-To"] == f"<{QAT}>"

    with pytest.raises(DraftError, match="no series with id"):
        run_draft(demo_settings, kind="thanks", series_id="nope@example.org")
    with pytest.raises(DraftError, match=r"this series can use: review, docs, incomplete, thanks, reply"):
        run_draft(demo_settings, kind="parent-ack", series_id=QAT)


def test_from_comes_from_notmuch_user_config(demo_store, tmp_path):
    """No --me: From is notmuch's user.name/user.primary_email, the Message-ID is on that
    domain, and my other address (the same person by .mailmap) is never a recipient."""
    config = tmp_path / "notmuch-config"
    config.write_text(f"[database]\npath={demo_store.root}\n[user]\nname=Alex Williamson\n"
                      "primary_email=Alex@Shazbot.org\n")
    settings = Settings(db_path=demo_store.root, notmuch_config=config, maintainers=demo_store.maintainers,
                        mailmap=demo_store.mailmap, cache_dir=tmp_path / "cache")
    wb = build_workbench(settings)
    judged = wb.find(MLX5_V3)
    assert ALEX.email in [p.email for p in judged.series.cover.to + judged.series.cover.cc]
    msg = parsed(compose("thanks", judged, wb.context, settings=settings))
    assert addrs(msg, "From") == [("Alex Williamson", "alex@shazbot.org")]
    assert msg["Message-ID"].endswith("@shazbot.org>")
    everyone = emails(msg, "To") + emails(msg, "Cc")
    assert ALEX.email not in everyone and "alex@shazbot.org" not in everyone
    assert emails(msg, "To") == ["yishaih@nvidia.com"] and len(everyone) > 3


def test_run_draft_reply_to_a_patch_number_with_a_trailer(demo_settings, capsys):
    from workbench.replies.command import run_draft

    assert run_draft(demo_settings, kind="reply", series_id=QAT, reply_to="2/4", trailer="Acked-by") == 0
    msg = email.message_from_bytes(capsys.readouterr().out.encode(), policy=policy.default)
    assert msg["In-Reply-To"] == "<20250923103004.5123-3-xin.zeng@intel.com>"
    assert msg["Subject"].startswith("Re: [PATCH 2/4] ")
    assert msg.get_content().rstrip().endswith("Acked-by: Alex Williamson <alex.williamson@redhat.com>")
    with pytest.raises(DraftError, match=r"no patch 3 \(it has 1, 2, 4\)"):
        run_draft(demo_settings, kind="reply", series_id=QAT, reply_to="3")


def test_hostile_subject_is_inert():
    assert reply_subject("Re: \x1b]52;c;ZXZpbA==\x07[PATCH]\u202e x\r\nBcc: a@b") == "Re: [PATCH] x Bcc: a@b"


def test_drafting_never_loads_textual():
    import subprocess
    import sys

    code = ("import sys, workbench.replies.command, workbench.replies.compose, workbench.mail.drafts; "
            "print('textual' in sys.modules, 'smtplib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"  # and nothing that could send mail


def test_nothing_in_drafting_can_send_mail():
    import re

    base = Path(__file__).resolve().parent.parent / "workbench"
    sources = [base / "cli.py", base / "mail" / "drafts.py", base / "mail" / "maildir.py",
               *sorted((base / "replies").glob("*.py"))]
    for path in sources:
        text = path.read_text()
        assert not re.search(r"smtplib|sendmail|msmtp|send-email|git.send", text, re.I), path


@pytest.mark.parametrize("n_to", [2, 3])  # two: the email package moves them onto a line of their own
def test_address_headers_fold_between_addresses(n_to):
    """No header value starts on a continuation line (the email package does that when
    the first address does not fit after "To: "), lines stay within 78 columns, and the
    addresses, quoted commas and non-ASCII names included, parse back unchanged."""
    from datetime import datetime, timezone

    from workbench.replies.draft import Draft

    to = [Person("Eric Farman", "farman@linux.ibm.com"), Person("Matthew Rosato", "mjrosato@linux.ibm.com"),
          Person("Tian, Kevin", "kevin.tian@intel.com")][:n_to]
    cc = [Person("Eugenio Pérez", "eperezma@redhat.com"), Person("", "kvm@vger.kernel.org")] + [
        Person(f"Some Long Reviewer Name {i}", f"reviewer{i}@subsystem-{i}.example.org") for i in range(6)]
    draft = Draft(kind="thanks", sender=ALEX, to=to, cc=cc, subject="Re: [PATCH v2 00/22] vfio: " + " ".join(["word"] * 40),
                  body="body\n", message_id="1.2@redhat.com", in_reply_to="a@b", references=["a@b"],
                  date=datetime(2025, 3, 1, tzinfo=timezone.utc), series_id="a@b")
    raw = draft.as_bytes()
    head = raw.split(b"\n\n", 1)[0]
    for name in (b"To", b"Cc", b"Subject"):
        assert re.search(rb"^" + name + rb": \S", head, re.M), name
    assert all(len(line) <= 78 for line in head.split(b"\n")), head
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert addrs(msg, "To") == [(p.name, p.email) for p in to]
    assert addrs(msg, "Cc") == [(p.name, p.email) for p in cc]
    assert msg["Subject"] == draft.subject


def test_hunk_summary_shrinks_to_its_budget(wb, monkeypatch):
    """Headers when they fit, else only files, else the first files and how many more."""
    from workbench.replies import compose as C

    judged = wb.find(MLX5_V1)
    section = "MELLANOX MLX5 core VPI driver"
    monkeypatch.setattr(C, "MAX_HUNK_LINES", 5)
    body = compose("parent-ack", judged, wb.context, section=section).body
    assert ("  [1/4] net/mlx5: Add IFC bits for migration state compression\n"
            "    include/linux/mlx5/mlx5_ifc.h (+9/-2)\n"
            "  [2/4] net/mlx5: Expose migration state compression capability\n"
            "    drivers/net/ethernet/mellanox/mlx5/core/fw.c (+23/-0)\n"
            "    include/linux/mlx5/driver.h (+1/-0)\n\n") in body and "@@" not in body
    monkeypatch.setattr(C, "MAX_HUNK_LINES", 4)
    body = compose("parent-ack", judged, wb.context, section=section).body
    assert ("    include/linux/mlx5/mlx5_ifc.h (+9/-2)\n"
            "  [2/4] net/mlx5: Expose migration state compression capability\n"
            "  ... and 2 more files (see the patches)\n\n") in body
