"""Grouping and trailer attribution on hand-built records: the cases real mail produces
rarely but must never get wrong (cycles, holes, versions threaded into each other)."""

from __future__ import annotations

import time

from grouping_helpers import ALICE, BOB, CAROL, mail, posting

from workbench.kernel.mailmap import Mailmap
from workbench.model import Origin, Person, Series
from workbench.series.grouping import group_series

EMPTY = Mailmap.empty()


def by_id(series: list[Series]) -> dict[str, Series]:
    return {s.id: s for s in series}


def names(trailers) -> list[tuple[str, str, str, bool]]:
    return [(t.name, t.person.email, t.origin.value, t.suspect) for t in trailers]


# --- series shape ---------------------------------------------------------------------


def test_fields_of_a_covered_series():
    recs = posting("a", 3, 2, "vfio/foo: add driver", minutes=5)
    recs[0] = mail("a-0", "[PATCH RESEND v3 mlx5-next 0/2] vfio/foo: add driver", minutes=5, diff=False,
                   change_id="20240501-foo-1234")
    (s,) = group_series(recs, EMPTY)
    assert s.id == "a-0" and s.cover is not None and s.cover.msgid == "a-0"
    assert (s.title, s.version, s.expected, s.rfc, s.resend) == ("vfio/foo: add driver", 3, 2, False, True)
    assert s.prefixes == ("mlx5-next",)
    assert s.author == ALICE
    assert s.date == recs[0].date
    assert s.change_id == "20240501-foo-1234"
    assert [p.number for p in s.patches] == [1, 2]
    assert s.patches[0].title == "vfio/foo: add driver part 1"
    assert s.patches[0].files == recs[1].files
    assert s.superseded_by is None and s.revisions == ["a-0"]


def test_id_is_patch_one_then_lowest_number_without_cover():
    recs = [mail("p2", "[PATCH 2/3] two", minutes=1, parent="gone"),
            mail("p3", "[PATCH 3/3] three", minutes=2, parent="gone")]
    (s,) = group_series(recs, EMPTY)
    assert s.id == "p2"
    assert s.missing_numbers == [1]
    recs.append(mail("p1", "[PATCH 1/3] one", minutes=0, parent="gone"))
    (s,) = group_series(recs, EMPTY)
    assert s.id == "p1" and s.complete


def test_patches_are_sorted_by_number_whatever_the_input_order():
    recs = list(reversed(posting("a", None, 5, "t")))
    (s,) = group_series(recs, EMPTY)
    assert [p.number for p in s.patches] == [1, 2, 3, 4, 5]


def test_v2_posted_in_reply_to_v1_is_its_own_series():
    v1 = posting("v1", None, 2, "feature")
    v2 = posting("v2", 2, 2, "feature", minutes=60 * 24, parent="v1-2")
    series = group_series(v1 + v2, EMPTY)
    assert [(s.id, s.version, s.present) for s in series] == [("v1-0", 1, [1, 2]), ("v2-0", 2, [1, 2])]


def test_a_partial_reroll_is_its_own_incomplete_series():
    # v2 of only patch 2, sent in reply to v1 patch 2.
    v1 = posting("v1", None, 3, "feature")
    reroll = mail("r2", "[PATCH v2 2/3] feature part 2", minutes=300, parent="v1-2")
    v1_s, v2_s = group_series(v1 + [reroll], EMPTY)
    assert v1_s.present == [1, 2, 3]
    assert (v2_s.id, v2_s.version, v2_s.present, v2_s.missing_numbers) == ("r2", 2, [2], [1, 3])
    assert v1_s.superseded_by is None  # different title (patch 2's), not chained by title


def test_a_series_posted_in_reply_to_another_series_is_not_merged():
    first = posting("a", None, 3, "first thing")
    # Same version, same total, no cover, in reply to patch 1 of the other series: its
    # patch 1 collides; its 2 and 3 must follow their own patch 1, not fill nothing.
    second = [mail("b-1", "[PATCH 1/3] second thing 1", minutes=10, parent="a-1"),
              mail("b-2", "[PATCH 2/3] second thing 2", minutes=10.1, parent="b-1"),
              mail("b-3", "[PATCH 3/3] second thing 3", minutes=10.2, parent="b-1")]
    third = posting("c", None, 2, "third thing", minutes=20, parent="a-2")
    series = by_id(group_series(first + second + third, EMPTY))
    assert sorted(series) == ["a-0", "b-1", "c-0"]
    assert [p.msgid for p in series["a-0"].patches] == ["a-1", "a-2", "a-3"]
    assert [p.msgid for p in series["b-1"].patches] == ["b-1", "b-2", "b-3"]
    assert series["a-0"].extras == []


def test_a_lone_duplicate_of_a_patch_is_an_extra():
    recs = posting("a", 2, 3, "feature")
    recs.append(mail("dup-2", "[PATCH v2 2/3] feature part 2", minutes=30, parent="a-0"))
    (s,) = group_series(recs, EMPTY)
    assert [p.msgid for p in s.patches] == ["a-1", "a-2", "a-3"]
    assert [e.msgid for e in s.extras] == ["dup-2"]


def test_out_of_range_number_is_an_extra():
    recs = posting("a", None, 2, "t") + [mail("a-9", "[PATCH 9/2] stray", minutes=3, parent="a-0")]
    (s,) = group_series(recs, EMPTY)
    assert s.present == [1, 2] and [e.msgid for e in s.extras] == ["a-9"]


def test_thread_root_without_diff_is_the_cover_when_the_author_posts_patches_under_it():
    recs = [mail("root", "[RFC PATCH v2] vfio/foo: proposal", diff=False),
            mail("p1", "[RFC PATCH v2 1/2] vfio/foo: one", minutes=1, parent="root"),
            mail("p2", "[RFC PATCH v2 2/2] vfio/foo: two", minutes=2, parent="root"),
            mail("bob", "Re: [RFC PATCH v2] vfio/foo: proposal", author=BOB, minutes=9, parent="root",
                 trailers=(("Acked-by", BOB),))]
    (s,) = group_series(recs, EMPTY)
    assert (s.id, s.cover.msgid, s.expected, s.present, s.version, s.rfc) == ("root", "root", 2, [1, 2], 2, True)
    assert names(s.cover_trailers) == [("Acked-by", "bob@example.org", "cover-reply", False)]


def test_root_by_someone_else_is_not_a_cover():
    recs = [mail("root", "vfio/foo: how should this work?", author=BOB, diff=False),
            mail("p1", "[PATCH 1/1] vfio/foo: like this", minutes=1, parent="root")]
    (s,) = group_series(recs, EMPTY)
    assert s.cover is None and s.id == "p1"


def test_unthreaded_patches_join_by_author_version_total_and_time():
    recs = [mail("x1", "[PATCH v4 1/2] a", minutes=0), mail("x2", "[PATCH v4 2/2] b", minutes=5),
            mail("y2", "[PATCH v4 2/2] c", minutes=6, author=BOB),  # someone else's series
            mail("z1", "[PATCH v4 1/2] a", minutes=200)]  # too late: a new posting
    series = group_series(recs, EMPTY)
    assert [(s.id, s.present) for s in series] == [("x1", [1, 2]), ("y2", [2]), ("z1", [1])]


def test_patches_of_an_absent_cover_hold_together_and_replies_to_it_count():
    recs = [mail("p1", "[PATCH v5 1/2] one", minutes=1, parent="cover-not-here"),
            mail("p2", "[PATCH v5 2/2] two", minutes=2, parent="cover-not-here"),
            mail("ack", "Re: [PATCH v5 0/2] thing", author=BOB, minutes=50, parent="cover-not-here",
                 trailers=(("Acked-by", BOB),))]
    (s,) = group_series(recs, EMPTY)
    assert (s.id, s.cover, s.present) == ("p1", None, [1, 2])
    assert [r.msgid for r in s.replies] == ["ack"]
    assert names(s.cover_trailers) == [("Acked-by", "bob@example.org", "cover-reply", False)]
    assert all(("Acked-by", "bob@example.org", "cover-reply", False) in names(p.trailers) for p in s.patches)


def test_reply_without_re_prefix_is_a_reply_not_a_patch():
    recs = posting("a", None, 2, "t") + [
        mail("bob", "[PATCH 2/2] t part 2", author=BOB, minutes=40, parent="a-2", diff=False,
             trailers=(("Reviewed-by", BOB),))]
    (s,) = group_series(recs, EMPTY)
    assert s.extras == [] and [r.msgid for r in s.replies] == ["bob"]
    assert ("Reviewed-by", "bob@example.org", "reply", False) in names(s.patch(2).trailers)


# --- broken threading -----------------------------------------------------------------


def test_references_cycle_does_not_hang():
    recs = [mail("a", "[PATCH 1/2] a", parent="b", refs=("b",)),
            mail("b", "[PATCH 2/2] b", minutes=1, parent="a", refs=("a",)),
            mail("r", "Re: [PATCH 1/2] a", author=BOB, minutes=2, parent="r", refs=("r", "a"),
                 trailers=(("Acked-by", BOB),))]
    started = time.process_time()
    series = group_series(recs, EMPTY)
    assert time.process_time() - started < 10  # a cycle followed forever never returns
    assert sorted(p.msgid for s in series for p in s.patches) == ["a", "b"]
    (with_a,) = [s for s in series if s.patch(1) and s.patch(1).msgid == "a"]
    assert ("Acked-by", "bob@example.org", "reply", False) in names(with_a.patch(1).trailers)


def test_long_reply_chain_does_not_recurse():
    recs = posting("a", None, 1, "t")
    parent = "a-1"
    for i in range(5000):
        recs.append(mail(f"r{i}", "Re: [PATCH 1/1] t part 1", author=BOB, minutes=10 + i, parent=parent))
        parent = f"r{i}"
    (s,) = group_series(recs, EMPTY)
    assert len(s.replies) == 5000 and len(s.patches[0].replies) == 5000


def test_duplicate_message_ids_count_once():
    recs = posting("a", None, 2, "t")
    recs.append(recs[1])
    (s,) = group_series(recs, EMPTY)
    assert [p.msgid for p in s.patches] == ["a-1", "a-2"] and s.extras == []


def test_missing_dates_and_empty_subjects_do_not_crash():
    recs = [mail("a", "", date=None, diff=False), mail("b", "[PATCH 1/1] x", date=None),
            mail("c", "Re: x", date=None, parent="b", author=BOB)]
    (s,) = group_series(recs, EMPTY)
    assert s.id == "b" and s.date is None and [r.msgid for r in s.replies] == ["c"]


# --- trailers -------------------------------------------------------------------------


def test_trailers_from_body_replies_nested_replies_and_cover():
    recs = posting("a", 2, 3, "t")
    recs[1] = mail("a-1", "[PATCH v2 1/3] t part 1", minutes=1 / 60, parent="a-0",
                   trailers=(("Signed-off-by", ALICE), ("Reviewed-by", CAROL)))
    recs += [
        mail("r1", "Re: [PATCH v2 1/3] t part 1", author=BOB, minutes=30, parent="a-1",
             trailers=(("Reviewed-by", BOB),)),
        mail("q", "Re: [PATCH v2 2/3] t part 2", author=CAROL, minutes=31, parent="a-2"),
        mail("r2", "Re: [PATCH v2 2/3] t part 2", author=BOB, minutes=32, parent="q",
             refs=("a-0", "a-2", "q"), trailers=(("Acked-by", BOB),)),
        mail("c", "Re: [PATCH v2 0/3] t", author=CAROL, minutes=33, parent="a-0",
             trailers=(("Acked-by", CAROL),)),
    ]
    (s,) = group_series(recs, EMPTY)
    p1, p2, p3 = s.patches
    assert names(p1.trailers) == [
        ("Signed-off-by", "alice@example.org", "body", False),
        ("Reviewed-by", "carol@example.org", "body", False),  # the author's own record: never suspect
        ("Reviewed-by", "bob@example.org", "reply", False),
        ("Acked-by", "carol@example.org", "cover-reply", False),
    ]
    assert names(p2.trailers) == [
        ("Acked-by", "bob@example.org", "reply", False),  # nested under patch 2
        ("Acked-by", "carol@example.org", "cover-reply", False),
    ]
    assert names(p3.trailers) == [("Acked-by", "carol@example.org", "cover-reply", False)]
    assert names(s.cover_trailers) == [("Acked-by", "carol@example.org", "cover-reply", False)]
    reply = p1.trailers[2]
    assert (reply.source, reply.given_by, reply.date) == ("r1", BOB, recs[4].date)
    assert p1.trailers[0].source == "a-1" and p1.trailers[0].given_by == ALICE
    assert p2.replies == ["q", "r2"]
    assert [r.msgid for r in s.replies] == ["r1", "q", "r2", "c"]


def test_trailer_for_someone_else_is_suspect_unless_mailmap_says_same_person():
    alias = Person("Bob R.", "bob@old-employer.example")
    mailmap = Mailmap.parse("Bob Reviewer <bob@example.org> <bob@old-employer.example>\n")
    recs = posting("a", None, 1, "t") + [
        mail("r", "Re: [PATCH 1/1] t part 1", author=alias, minutes=20, parent="a-1",
             trailers=(("Reviewed-by", BOB), ("Acked-by", CAROL)))]
    (s,) = group_series(recs, mailmap)
    assert names(s.patches[0].trailers) == [
        ("Reviewed-by", "bob@example.org", "reply", False),
        ("Acked-by", "carol@example.org", "reply", True),
    ]
    (s,) = group_series(recs, EMPTY)  # without the mapping Bob's old address is a stranger
    assert [t.suspect for t in s.patches[0].trailers] == [True, True]


def test_no_trailer_leaks_between_versions_in_one_thread():
    v1 = posting("v1", None, 2, "t")
    v2 = posting("v2", 2, 2, "t", minutes=600, parent="v1-0")
    replies = [
        mail("r-v1", "Re: [PATCH 1/2] t part 1", author=BOB, minutes=100, parent="v1-1",
             trailers=(("Reviewed-by", BOB),)),
        mail("r-v1c", "Re: [PATCH 0/2] t", author=CAROL, minutes=101, parent="v1-0",
             trailers=(("Acked-by", CAROL),)),
        mail("r-v2", "Re: [PATCH v2 2/2] t part 2", author=CAROL, minutes=700, parent="v2-2",
             trailers=(("Tested-by", CAROL),)),
    ]
    s1, s2 = group_series(v1 + v2 + replies, EMPTY)
    assert {t.source for p in s1.patches for t in p.trailers} == {"r-v1", "r-v1c"}
    assert {t.source for p in s2.patches for t in p.trailers} == {"r-v2"}
    assert [r.msgid for r in s1.replies] == ["r-v1", "r-v1c"]
    assert [r.msgid for r in s2.replies] == ["r-v2"]
    assert s2.cover_trailers == []


def test_reply_to_an_absent_patch_does_not_become_a_cover_trailer():
    recs = posting("a", None, 3, "t")
    recs = [r for r in recs if r.msgid != "a-3"]  # patch 3 never arrived
    recs.append(mail("r", "Re: [PATCH 3/3] t part 3", author=BOB, minutes=50, parent="a-3",
                     refs=("a-0", "a-3"), trailers=(("Reviewed-by", BOB),)))
    (s,) = group_series(recs, EMPTY)
    assert [r.msgid for r in s.replies] == ["r"]
    assert s.cover_trailers == []
    assert all(t.origin is Origin.BODY for p in s.patches for t in p.trailers)


def test_deep_threaded_reply_to_absent_patch_is_not_given_to_the_patch_above():
    # --thread=deep: patch 3 replies to patch 2; a review of the absent patch 3 still
    # names patch 2 in References, but its subject says 3/3.
    recs = [mail("c", "[PATCH 0/3] t", diff=False), mail("p1", "[PATCH 1/3] one", minutes=1, parent="c"),
            mail("p2", "[PATCH 2/3] two", minutes=2, parent="p1", refs=("c", "p1")),
            mail("r", "Re: [PATCH 3/3] three", author=BOB, minutes=9, parent="p3", refs=("c", "p1", "p2", "p3"),
                 trailers=(("Reviewed-by", BOB),)),
            mail("r2", "Re: [PATCH 2/3] two", author=CAROL, minutes=10, parent="gone", refs=("c", "p1", "p2", "gone"),
                 trailers=(("Acked-by", CAROL),))]
    (s,) = group_series(recs, EMPTY)
    assert [t.source for t in s.patch(2).trailers] == ["r2"]  # its subject names patch 2
    assert s.patch(1).trailers == [] and s.cover_trailers == []


def test_someone_elses_patch_in_the_thread_does_not_fill_a_hole():
    recs = [r for r in posting("a", 2, 3, "t") if r.msgid != "a-3"]
    recs.append(mail("bob-3", "[PATCH v2 3/3] bob's idea", author=BOB, minutes=30, parent="a-0"))
    a, bob = group_series(recs, EMPTY)
    assert (a.id, a.present) == ("a-0", [1, 2])
    assert (bob.id, bob.present, bob.author) == ("bob-3", [3], BOB)


def test_patches_written_by_others_but_sent_by_the_series_author_belong():
    from dataclasses import replace

    recs = posting("a", 2, 3, "t")
    recs[2] = replace(recs[2], author=BOB)  # in-body From: Bob, sent by Alice
    (s,) = group_series(recs, EMPTY)
    assert s.present == [1, 2, 3] and s.patch(2).author == BOB


def test_reply_to_a_single_patch_without_re_prefix():
    recs = [mail("p", "[PATCH v3] vfio: fix"),
            mail("r", "[PATCH v3] vfio: fix", author=CAROL, minutes=60, parent="p", diff=False,
                 trailers=(("Acked-by", CAROL),))]
    (s,) = group_series(recs, EMPTY)
    assert s.id == "p" and [r.msgid for r in s.replies] == ["r"]
    assert names(s.patches[0].trailers) == [("Acked-by", "carol@example.org", "reply", False)]


def test_coverless_v2_whose_patches_all_reply_to_a_v1_patch_holds_together():
    v1 = posting("v1", None, 2, "t")
    v2 = [mail(f"v2-{k}", f"[PATCH v2 {k}/2] t part {k}", minutes=100 + k, parent="v1-2") for k in (1, 2)]
    s1, s2 = group_series(v1 + v2, EMPTY)
    assert (s1.id, s1.present, s2.id, s2.version, s2.present) == ("v1-0", [1, 2], "v2-1", 2, [1, 2])
    assert s1.superseded_by == "v2-1"
