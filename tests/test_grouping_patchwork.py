"""Patchwork's series-grouping fixtures, one test each, with the expected series written
out. Where patchwork's own test expects something else, the comment says why ours differs.

Each expectation is a list, oldest series first, of
``(version, expected, present numbers, cover?, extras, superseded?)``.
"""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest
from conftest import shared_path

from workbench.kernel.mailmap import Mailmap
from workbench.mail.parse import parse_message
from workbench.model import MailRecord, Series, Status
from workbench.policy.complete import check_complete
from workbench.series.grouping import group_series


def records(name: str) -> list[MailRecord]:
    path: Path = shared_path("corpus", "patchwork", name)
    box = mailbox.mbox(str(path), create=False)
    try:
        return [parse_message(f"{path}#{i}", box.get_bytes(key)) for i, key in enumerate(box.keys())]
    finally:
        box.close()


def grouped(name: str) -> list[Series]:
    return group_series(records(name), Mailmap.empty())


def shape(series: list[Series]) -> list[tuple]:
    return [(s.version, s.expected, s.present, s.cover is not None, len(s.extras), s.superseded_by is not None)
            for s in series]


def test_base_cover_letter():
    series = grouped("base-cover-letter.mbox")
    assert shape(series) == [(1, 2, [1, 2], True, 0, False)]
    (s,) = series
    assert s.id == "1473632524-8585-1-git-send-email-stephenfinucane@gmail.com"  # the cover's id
    assert s.title == "A sample series"
    assert s.complete
    assert [p.title for p in s.patches] == ["test: Add some lorem ipsum", "test: Convert to Markdown"]


def test_base_deep_threaded():
    # 2/2 replies to 1/2 (git format-patch --thread=deep): still one series under the cover.
    assert shape(grouped("base-deep-threaded.mbox")) == [(1, 2, [1, 2], True, 0, False)]


def test_base_different_versions():
    # The cover says v3, the patches say no version: patches that do not state one take
    # the cover's, so this is one v3 series.
    (s,) = grouped("base-different-versions.mbox")
    assert (s.version, s.expected, s.present, s.cover is not None) == (3, 4, [1, 2, 3, 4], True)
    assert s.prefixes == ("net-next",)


def test_base_extra_patches():
    # "[PATCH 3/2]" answers the 0/2 cover: a patch the author added to the series, as
    # patchwork counts it (3 patches, one series). It is checked like 1/2 and 2/2; the
    # series announced 2, so "complete" still asks for 1..2 and says 3/2 was added.
    (s,) = grouped("base-extra-patches.mbox")
    assert (s.expected, s.present, s.complete, s.extras) == (2, [1, 2, 3], True, [])
    assert [p.title for p in s.patches][-1] == "test: Remove Markdown formatting"
    result = check_complete(s)
    assert result.status is Status.PASS
    assert result.summary == "all 2 patches present, and 3/2 added in reply"
    assert any(ev.text.startswith("added in reply to the series: [PATCH 3/2]") for ev in result.evidence)


def test_base_extra_patches_through_a_real_store(make_store):
    # The same mbox read back from a real notmuch database by the loader.
    from workbench.config import Settings
    from workbench.pipeline import build_workbench

    path = shared_path("corpus", "patchwork", "base-extra-patches.mbox")
    box = mailbox.mbox(str(path), create=False)
    try:
        db = make_store([box.get_bytes(key) for key in box.keys()])
    finally:
        box.close()
    wb = build_workbench(Settings(db_path=db, query="*", use_cache=False,
                                  maintainers=shared_path("data", "MAINTAINERS")))
    (j,) = [j for j in wb.judged if j.series.title == "A sample series"]
    assert j.series.present == [1, 2, 3] and not j.series.extras


def test_base_incomplete():
    (s,) = grouped("base-incomplete.mbox")
    assert (s.expected, s.present, s.missing_numbers, s.complete) == (2, [1], [2], False)
    assert s.cover is not None


def test_base_no_cover_letter():
    (s,) = grouped("base-no-cover-letter.mbox")
    assert shape([s]) == [(1, 2, [1, 2], False, 0, False)]
    assert s.id == "1473633236-10676-1-git-send-email-stephenfinucane@gmail.com"  # patch 1
    assert s.title == "test: Add some lorem ipsum"


def test_base_no_references_no_cover():
    # No References at all: the cover and both patches (one spelled "[Patch 2/2]:") are
    # tied by author, version, total and a send time 33 seconds apart.
    (s,) = grouped("base-no-references-no-cover.mbox")
    assert shape([s]) == [(1, 2, [1, 2], True, 0, False)]
    assert s.patch(2).title == "powerpc/hotplug/mm: Fix hot-add memory node assoc"


def test_base_no_references():
    # "[net,v2,1/2]" and "[net,v2,2/2]" 8½ minutes apart, no References.
    (s,) = grouped("base-no-references.mbox")
    assert shape([s]) == [(2, 2, [1, 2], False, 0, False)]
    assert s.prefixes == ("net",)


def test_base_out_of_order():
    # Patches come before their cover in the mbox; order of input must not matter.
    (s,) = grouped("base-out-of-order.mbox")
    assert shape([s]) == [(1, 2, [1, 2], True, 0, False)]
    assert s.id == "1473632524-8585-1-git-send-email-stephenfinucane@gmail.com"


def test_base_single_patch():
    (s,) = grouped("base-single-patch.mbox")
    assert shape([s]) == [(1, 1, [1], False, 0, False)]
    assert s.patches[0].number == 1


def test_bugs_mixed_versions():
    # "[PATCH v2 2/2]" was sent in reply to a v2 patch 1 that never arrived: it must not
    # fill the hole of the unversioned series.
    series = grouped("bugs-mixed-versions.mbox")
    assert shape(series) == [(1, 2, [1], False, 0, False), (2, 2, [2], False, 0, False)]


def test_bugs_multiple_content_types():
    # A patch and a reply with another Content-Type: one single-patch series, one reply.
    (s,) = grouped("bugs-multiple-content-types.mbox")
    assert shape([s]) == [(1, 1, [1], False, 0, False)]
    assert [r.msgid for r in s.replies] == ["93fafdab-8fb3-0f2b-8f36-0cf297db3cd9@intel.com"]
    assert s.patches[0].replies == ["93fafdab-8fb3-0f2b-8f36-0cf297db3cd9@intel.com"]


def test_bugs_multiple_references():
    (s,) = grouped("bugs-multiple-references.mbox")
    assert shape([s]) == [(2, 4, [1, 2, 3, 4], True, 0, False)]
    assert s.id == "cover.1495511998.git.viresh.kumar@linaro.org"


def test_bugs_nocover_noversion():
    # The second posting repeats "[PATCH 1/2]" in reply to the first 1/2: number 1 is
    # taken, so it starts its own series; same version, later, so it supersedes.
    first, second = grouped("bugs-nocover-noversion.mbox")
    assert shape([first, second]) == [(1, 2, [1, 2], False, 0, True), (1, 2, [1, 2], False, 0, False)]
    assert first.superseded_by == second.id == "1473633055-10316-2-git-send-email-stephenfinucane@gmail.com"
    assert first.revisions == second.revisions == [first.id, second.id]


def test_bugs_nocover():
    # v2 posted in reply to v1 patch 1: two series, v2 supersedes v1.
    v1, v2 = grouped("bugs-nocover.mbox")
    assert shape([v1, v2]) == [(1, 2, [1, 2], False, 0, True), (2, 2, [1, 2], False, 0, False)]
    assert v1.superseded_by == v2.id


def test_bugs_spamming():
    # The same "[PATCH v2 1/4]" sent three times within four minutes without References:
    # three postings, each 1 of 4; the last one sent is current.
    series = grouped("bugs-spamming.mbox")
    assert shape(series) == [(2, 4, [1], False, 0, True), (2, 4, [1], False, 0, True), (2, 4, [1], False, 0, False)]
    assert series[-1].id == "20180917170335.23838-1-vkabatov@redhat.com"
    assert all(s.superseded_by == series[-1].id for s in series[:2])


def test_bugs_unnumbered():
    # A diff with a plain subject in reply to the cover: not merged into the numbered
    # series (it has no k/N), but a single-patch posting of its own, as patchwork says.
    numbered, orphan = grouped("bugs-unnumbered.mbox")
    assert shape([numbered]) == [(1, 2, [1], True, 0, False)]
    assert numbered.missing_numbers == [2]
    assert (orphan.expected, orphan.present, orphan.cover, orphan.title) == (1, [1], None, "This is an orphaned patch!")


def test_dependency_base_patch():
    (s,) = grouped("dependency-base-patch.mbox")
    assert shape([s]) == [(1, 2, [1, 2], True, 0, False)]
    assert s.title == "Add test files for testing"


def test_mercurial_cover_letter():
    (s,) = grouped("mercurial-cover-letter.mbox")
    assert shape([s]) == [(1, 2, [1, 2], True, 0, False)]
    assert s.id == "patchbomb.1485159385@nuevo"


def test_mercurial_no_cover_letter():
    (s,) = grouped("mercurial-no-cover-letter.mbox")
    assert shape([s]) == [(1, 2, [1, 2], False, 0, False)]
    assert s.id == "2fb3ae89e4e1992e9382.1485159499@nuevo"


def test_revision_basic():
    v1, v2 = grouped("revision-basic.mbox")
    assert shape([v1, v2]) == [(1, 2, [1, 2], True, 0, True), (2, 2, [1, 2], True, 0, False)]
    assert v1.superseded_by == v2.id == "1473632795-9971-1-git-send-email-stephenfinucane@gmail.com"
    assert v1.revisions == v2.revisions == [v1.id, v2.id]


def test_revision_no_cover_letter():
    # v2 has no cover letter, so its title is its first patch's; it is still chained to
    # v1 because that title and the author match v1's first patch.
    v1, v2 = grouped("revision-no-cover-letter.mbox")
    assert shape([v1, v2]) == [(1, 2, [1, 2], True, 0, True), (2, 2, [1, 2], False, 0, False)]
    assert v1.superseded_by == v2.id == "1473633236-10676-1-git-send-email-stephenfinucane@gmail.com"


def test_revision_out_of_order():
    # v2's cover replies to v1's patch 2 and arrives after its own patches.
    v1, v2 = grouped("revision-out-of-order.mbox")
    assert shape([v1, v2]) == [(1, 2, [1, 2], True, 0, True), (2, 2, [1, 2], True, 0, False)]
    assert v2.id == "1473633142-10432-1-git-send-email-stephenfinucane@gmail.com"
    assert v1.patches[1].replies == []  # the v2 cover under it is a posting, not a reply


def test_revision_threaded_to_cover():
    v1, v2 = grouped("revision-threaded-to-cover.mbox")
    assert shape([v1, v2]) == [(1, 2, [1, 2], True, 0, True), (2, 2, [1, 2], True, 0, False)]
    assert v1.replies == [] and v2.replies == []


def test_revision_threaded_to_patch():
    v1, v2 = grouped("revision-threaded-to-patch.mbox")
    assert shape([v1, v2]) == [(1, 2, [1, 2], True, 0, True), (2, 2, [1, 2], True, 0, False)]
    assert {p.msgid for p in v2.patches} == {
        "1473633142-10432-2-git-send-email-stephenfinucane@gmail.com",
        "1473633142-10432-3-git-send-email-stephenfinucane@gmail.com",
    }


def test_revision_threaded_to_single_patch():
    v1, v2 = grouped("revision-threaded-to-single-patch.mbox")
    assert shape([v1, v2]) == [(1, 1, [1], False, 0, True), (2, 1, [1], False, 0, False)]


def test_revision_unlabeled_noreferences():
    # Two unthreaded, unlabeled postings an hour apart: two series, the later current.
    first, second = grouped("revision-unlabeled-noreferences.mbox")
    assert shape([first, second]) == [(2, 2, [1, 2], False, 0, True), (2, 2, [1, 2], False, 0, False)]
    assert {p.msgid for p in first.patches} == {
        "1495516865-17019-1-git-send-email-xiaolou4617@gmail.com",
        "1495517379-18456-1-git-send-email-xiaolou4617@gmail.com",
    }


def test_revision_unlabeled():
    first, second = grouped("revision-unlabeled.mbox")
    assert shape([first, second]) == [(1, 2, [1, 2], True, 0, True), (1, 2, [1, 2], True, 0, False)]
    assert second.id == "1473633201-10585-1-git-send-email-stephenfinucane@gmail.com"


def test_every_fixture_has_a_test():
    names = {p.name for p in shared_path("corpus", "patchwork").glob("*.mbox")}
    tested = {
        name.replace("test_", "", 1).replace("_", "-") + ".mbox"
        for name in globals() if name.startswith("test_") and name != "test_every_fixture_has_a_test"
    }
    assert names <= tested, sorted(names - tested)


@pytest.mark.parametrize("name", ["revision-basic.mbox", "bugs-nocover.mbox", "base-out-of-order.mbox"])
def test_input_order_does_not_matter(name):
    recs = records(name)
    forward = shape(group_series(recs, Mailmap.empty()))
    backward = shape(group_series(list(reversed(recs)), Mailmap.empty()))
    assert forward == backward


def test_through_a_real_notmuch_store(make_store, tmp_path):
    """The same answer when the records come out of notmuch (and its cache) instead of
    straight from the files: v2 posted in reply to v1's patch 2 stays separate."""
    from workbench.config import Settings
    from workbench.mail.loader import load_records

    path = shared_path("corpus", "patchwork", "revision-threaded-to-patch.mbox")
    box = mailbox.mbox(str(path), create=False)
    blobs = [box.get_bytes(key) for key in box.keys()]
    box.close()
    root = make_store(blobs)
    loaded = load_records(Settings(db_path=root, query="*", cache_dir=tmp_path / "cache"))
    v1, v2 = group_series(loaded.records, Mailmap.empty())
    assert shape([v1, v2]) == [(1, 2, [1, 2], True, 0, True), (2, 2, [1, 2], True, 0, False)]
    assert v1.superseded_by == v2.id == "1473633142-10432-1-git-send-email-stephenfinucane@gmail.com"


def test_broken_and_odd_single_mails_group_without_crashing():
    from workbench.mail.parse import ParseFailure

    parsed = []
    for folder in ("fuzz", "mail"):
        for f in sorted(shared_path("corpus", "patchwork", folder).iterdir()):
            try:
                parsed.append(parse_message(str(f), f.read_bytes()))
            except ParseFailure:
                continue  # the parser's business: reported and skipped
    assert len(parsed) > 30
    series = group_series(parsed, Mailmap.empty())
    placed = {p.msgid for s in series for p in s.patches} | {e.msgid for s in series for e in s.extras}
    assert all(s.expected >= 1 and s.present for s in series)
    # every mail with a diff and no "Re:" is in some series; several of these files share
    # one Message-ID (the first one read stands for it, as in notmuch)
    from workbench.patchmail.subject import parse_subject
    first: dict[str, object] = {}
    for r in parsed:
        first.setdefault(r.msgid, r)
    assert {m for m, r in first.items() if r.has_diff and not parse_subject(r.subject).is_reply} <= placed
