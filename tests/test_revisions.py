"""Version chains across threads: change-id, else title + author after .mailmap."""

from __future__ import annotations

from grouping_helpers import ALICE, BOB, mail, posting

from workbench.kernel.mailmap import Mailmap
from workbench.model import Person
from workbench.series.grouping import group_series

EMPTY = Mailmap.empty()
DAY = 60 * 24


def chain(series):
    return [(s.id, s.version, s.superseded_by) for s in series]


def test_three_versions_in_separate_threads():
    recs = (posting("v1", None, 2, "vfio/foo: add driver")
            + posting("v2", 2, 3, "vfio/foo: add driver", minutes=7 * DAY)
            + posting("v3", 3, 3, "VFIO/foo: Add driver", minutes=14 * DAY))
    series = group_series(recs, EMPTY)
    assert chain(series) == [("v1-0", 1, "v3-0"), ("v2-0", 2, "v3-0"), ("v3-0", 3, None)]
    assert all(s.revisions == ["v1-0", "v2-0", "v3-0"] for s in series)


def test_change_id_links_versions_whose_title_changed():
    v1 = posting("v1", None, 1, "vfio/foo: add driver")
    v2 = posting("v2", 2, 1, "vfio/foo: introduce the foo variant driver", minutes=DAY)
    v1[0] = mail("v1-0", "[PATCH 0/1] vfio/foo: add driver", diff=False, change_id="20240501-foo-abc")
    v2[0] = mail("v2-0", "[PATCH v2 0/1] vfio/foo: introduce the foo variant driver", minutes=DAY, diff=False,
                 change_id="20240501-foo-abc")
    s1, s2 = group_series(v1 + v2, EMPTY)
    assert (s1.superseded_by, s2.superseded_by) == ("v2-0", None)
    assert s1.change_id == s2.change_id == "20240501-foo-abc"


def test_different_titles_without_change_id_stay_apart():
    recs = posting("v1", None, 1, "vfio/foo: add driver") + posting("v2", 2, 1, "vfio/foo: other", minutes=DAY)
    s1, s2 = group_series(recs, EMPTY)
    assert s1.superseded_by is None and s2.superseded_by is None
    assert s1.revisions == ["v1-0"] and s2.revisions == ["v2-0"]


def test_same_title_by_another_author_is_another_series():
    recs = posting("a", None, 1, "vfio: fix it") + posting("b", 2, 1, "vfio: fix it", minutes=DAY, author=BOB)
    s1, s2 = group_series(recs, EMPTY)
    assert s1.superseded_by is None and s2.superseded_by is None


def test_author_who_changed_address_is_linked_through_the_mailmap():
    moved = Person("Alice Author", "alice@new-employer.example")
    mailmap = Mailmap.parse("Alice Author <alice@example.org> <alice@new-employer.example>\n")
    recs = posting("v1", None, 1, "vfio: thing") + posting("v2", 2, 1, "vfio: thing", minutes=DAY, author=moved)
    s1, s2 = group_series(recs, mailmap)
    assert s1.superseded_by == "v2-0"
    # Different names and no mailmap entry: two people as far as we can tell.
    stranger = Person("Somebody Else", "alice@new-employer.example")
    recs = posting("v1", None, 1, "vfio: thing") + posting("v2", 2, 1, "vfio: thing", minutes=DAY, author=stranger)
    s1, s2 = group_series(recs, EMPTY)
    assert s1.superseded_by is None


def test_resend_of_the_same_version_supersedes_the_first_posting():
    recs = posting("v3", 3, 2, "vfio: thing") + posting("re", 3, 2, "vfio: thing", minutes=3 * DAY)
    recs[3] = mail("re-0", "[PATCH RESEND v3 0/2] vfio: thing", minutes=3 * DAY, diff=False)
    first, resend = group_series(recs, EMPTY)
    assert (first.version, resend.version, resend.resend) == (3, 3, True)
    assert first.superseded_by == "re-0" and resend.superseded_by is None


def test_patch_after_rfc_is_current_even_though_its_version_restarts():
    recs = (posting("rfc", 3, 2, "vfio: idea", tag="RFC")
            + posting("p", None, 2, "vfio: idea", minutes=30 * DAY))
    rfc, patch = group_series(recs, EMPTY)
    assert (rfc.rfc, rfc.version, patch.rfc, patch.version) == (True, 3, False, 1)
    assert rfc.superseded_by == "p-0" and patch.superseded_by is None


def test_coverless_version_is_linked_to_a_covered_one_by_its_first_patch():
    v1 = posting("v1", None, 2, "series title")
    v2 = posting("v2", 2, 2, "series title", minutes=DAY, cover=False)
    s1, s2 = group_series(v1 + v2, EMPTY)
    assert s2.cover is None and s2.title == "series title part 1"
    assert s1.superseded_by == "v2-1" and s2.revisions == ["v1-0", "v2-1"]


def test_every_series_gets_its_own_id_in_revisions():
    (s,) = group_series(posting("a", None, 1, "t", author=ALICE), EMPTY)
    assert s.revisions == ["a-0"] and s.superseded_by is None


def test_reworded_cover_title_is_linked_by_the_patches_it_still_shares():
    v1 = posting("v1", None, 4, "vfio/foo: add driver")
    v2 = posting("v2", 2, 5, "vfio/foo: add driver and a new protocol", minutes=DAY)
    for k in (1, 2, 3):  # v2 keeps the titles of patches 1-3
        v2[k] = mail(f"v2-{k}", f"[PATCH v2 {k}/5] vfio/foo: add driver part {k}", minutes=DAY + k, parent="v2-0")
    s1, s2 = group_series(v1 + v2, EMPTY)
    assert s1.superseded_by == "v2-0"


def test_one_shared_patch_title_does_not_link_two_series():
    a = posting("a", None, 3, "vfio/foo: cleanup")
    b = posting("b", None, 3, "vfio/bar: feature", minutes=DAY)
    b[1] = mail("b-1", "[PATCH 1/3] vfio/foo: cleanup part 1", minutes=DAY, parent="b-0")
    s1, s2 = group_series(a + b, EMPTY)
    assert s1.superseded_by is None and s2.superseded_by is None


def _posting_of(prefix: str, tag: str, total: int, title: str, patch_titles: list[str], minutes: float = 0):
    out = [mail(f"{prefix}-0", f"[{tag} 0/{total}] {title}", minutes=minutes, diff=False)]
    out += [mail(f"{prefix}-{k}", f"[{tag} {k}/{total}] {t}", minutes=minutes + k / 60, parent=f"{prefix}-0")
            for k, t in enumerate(patch_titles, 1)]
    return out


def test_reworded_title_with_some_shared_patches_links():
    """RFC v2 "… two step DMA API mapping API" (21 patches) became "… two step DMA mapping
    API" (18, six titles kept): similar titles plus shared patches, fewer than half."""
    rfc = _posting_of("rfc", "RFC v2", 8, "Provide a new two step DMA API mapping API",
                      [f"step {k}" for k in range(1, 9)])
    kept = ["step 1", "step 2"] + [f"reworked step {k}" for k in range(3, 8)]
    new = _posting_of("v1", "PATCH", 7, "Provide a new two step DMA mapping API", kept, minutes=DAY)
    s1, s2 = group_series(rfc + new, EMPTY)
    assert (s1.superseded_by, s2.superseded_by) == ("v1-0", None)
    # dissimilar titles with the same two shared patches stay apart
    other = _posting_of("o", "PATCH", 7, "Something else entirely", kept, minutes=DAY)
    s1, s2 = group_series(rfc + other, EMPTY)
    assert s1.superseded_by is None and s2.superseded_by is None


def test_last_patch_reposted_alone_as_the_next_version():
    """qat: v5 had 10 patches; 1-9 were merged elsewhere and v6 is patch 10 alone."""
    v5 = posting("v5", 5, 3, "crypto: enable migration")
    v6 = [mail("v6-1", "[PATCH v6] crypto: enable migration part 3", minutes=DAY)]
    s5, s6 = group_series(v5 + v6, EMPTY)
    assert (s5.superseded_by, s6.superseded_by) == ("v6-1", None)
    # not consecutive versions: a fix that happens to carry the same title
    v9 = [mail("v9-1", "[PATCH v9] crypto: enable migration part 3", minutes=DAY)]
    s5, s9 = group_series(v5 + v9, EMPTY)
    assert s5.superseded_by is None and s9.superseded_by is None


def _with_cover_text(records, text):
    from dataclasses import replace

    return [replace(r, cover_text=text) if r.msgid.endswith("-0") else r for r in records]


def test_cover_letter_link_to_the_previous_version():
    old = posting("qat5@x", 5, 2, "crypto: qat - enable live migration")
    new = _with_cover_text(posting("v6", 6, 1, "vfio/qat: add the vfio driver", minutes=DAY),
                           "This patch is the last one of set [1]; the others were merged.\n\n"
                           "[1]: https://lore.kernel.org/kvm/qat5@x-0/\n")
    s5, s6 = group_series(old + new, EMPTY)
    assert (s5.superseded_by, s6.superseded_by) == ("v6-0", None)
    # the same link, but to a series this one depends on: not a previous version
    dep = _with_cover_text(posting("v6", 6, 1, "vfio/qat: add the vfio driver", minutes=DAY),
                           "This series depends on the set [1].\n\n[1]: https://lore.kernel.org/kvm/qat5@x-0/\n")
    s5, s6 = group_series(old + dep, EMPTY)
    assert s5.superseded_by is None
    # a version link by somebody else's series is not followed either
    theirs = _with_cover_text(posting("b2", 6, 1, "vfio/qat: add the vfio driver", minutes=DAY, author=BOB),
                              "v5: https://lore.kernel.org/r/qat5@x-0\n")
    s5, sb = group_series(old + theirs, EMPTY)
    assert s5.superseded_by is None


def test_a_link_to_another_series_old_posting_is_not_a_predecessor():
    """B v2's cover cites A v1 ("the migration series [1]", with a version word even);
    A has moved on to v2: neither A v2 nor A v1 is taken for a version of B."""
    a1 = posting("a1@x", None, 3, "vfio/foo: migration")
    a2 = posting("a2@x", 2, 3, "vfio/foo: migration", minutes=DAY)
    b1 = posting("b1@x", None, 2, "vfio/foo: dirty tracking", minutes=2 * DAY)
    b2 = _with_cover_text(posting("b2@x", 2, 2, "vfio/foo: dirty tracking", minutes=3 * DAY),
                          "Unlike v1, this uses the migration series [1].\n\n[1]: https://lore.kernel.org/r/a1@x-0\n")
    chains = {s.id: s.superseded_by for s in group_series(a1 + a2 + b1 + b2, EMPTY)}
    assert chains == {"a1@x-0": "a2@x-0", "a2@x-0": None, "b1@x-0": "b2@x-0", "b2@x-0": None}


def test_a_fix_split_out_from_the_front_is_its_own_series():
    """Review asked for patch 1 (a fix) to go separately as "[PATCH v2] …": it is not
    the next version of the rest, and the rest's later v2 does not hide it."""
    v1 = posting("v1", None, 3, "vfio/foo: feature")
    fix = [mail("fix-1", "[PATCH v2] vfio/foo: feature part 1", minutes=DAY)]
    rest = _posting_of("r2", "PATCH v2", 2, "vfio/foo: feature",
                       ["vfio/foo: feature part 2", "vfio/foo: feature part 3"], minutes=2 * DAY)
    chains = {s.id: s.superseded_by for s in group_series(v1 + fix + rest, EMPTY)}
    assert chains["fix-1"] is None and chains["v1-0"] == "r2-0" and chains["r2-0"] is None


def test_parallel_series_with_similar_titles_stay_apart():
    kept = ["prep one", "prep two", "device specific a", "device specific b", "device specific c"]
    a = _posting_of("a", "PATCH", 5, "vfio/foo: Add support for the ABC200 device", kept)
    b = _posting_of("b", "PATCH", 5, "vfio/foo: Add support for the ABC300 device",
                    kept[:2] + ["other a", "other b", "other c"], minutes=60)
    s1, s2 = group_series(a + b, EMPTY)
    assert s1.superseded_by is None and s2.superseded_by is None
