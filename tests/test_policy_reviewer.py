"""listed-reviewer on hand-built series."""

from __future__ import annotations

from test_policy_support import (
    JASON, KEVIN, LEON, SHAMEER, STRANGER, YISHAI, patch, series, small_ctx, sob, trailer,
)
from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.model import Origin, Person, Status
from workbench.policy.checks import PolicyContext
from workbench.policy.reviewer import check_listed_reviewer

CTX = small_ctx()
VARIANT = "drivers/vfio/pci/mlx5/main.c"
CORE = "drivers/net/ethernet/mellanox/mlx5/core/sriov.c"


def test_na_without_variant_driver_patches():
    result = check_listed_reviewer(series([patch(1, [CORE])]), CTX)
    assert result.status is Status.NA


def test_na_when_maintainers_names_no_acceptance_document():
    ctx = PolicyContext(Maintainers.parse("VFIO DRIVER\nM:\tA <a@b.c>\nF:\tdrivers/vfio/\n"), Mailmap.empty())
    result = check_listed_reviewer(series([patch(1, [VARIANT])]), ctx)
    assert result.status is Status.NA
    assert "acceptance document" in result.summary


def test_missing_names_reviewers_without_the_author():
    s = series([patch(1, [CORE]), patch(2, [VARIANT])], author=YISHAI)
    result = check_listed_reviewer(s, CTX)
    assert result.status is Status.MISSING
    assert result.missing == [JASON, SHAMEER, KEVIN]  # Yishai is a listed reviewer but the author
    assert result.parts[0].name == "VFIO PCI DEVICE SPECIFIC DRIVERS"
    assert result.parts[0].patches == [2]
    assert result.parts[0].files == [VARIANT]


def test_own_review_by_the_author_does_not_count():
    p = patch(1, [VARIANT], trailers=[sob(YISHAI, 1), trailer("Reviewed-by", YISHAI, "r@x")])
    assert check_listed_reviewer(series([p]), CTX).status is Status.MISSING


def test_review_on_every_variant_patch_passes():
    s = series([
        patch(1, [CORE]),  # not a variant-driver patch: needs no listed review
        patch(2, [VARIANT], trailers=[sob(YISHAI, 2), trailer("Reviewed-by", KEVIN, "r2@x")]),
        patch(3, [VARIANT], trailers=[sob(YISHAI, 3), trailer("Acked-by", JASON, "r3@x")]),
    ])
    result = check_listed_reviewer(s, CTX)
    assert result.status is Status.PASS
    assert {ev.msgid for ev in result.evidence} == {"r2@x", "r3@x"}
    assert "Kevin Tian" in result.summary and "Jason Gunthorpe" in result.summary


def test_partial_coverage_is_missing_and_names_the_uncovered_patches():
    s = series([
        patch(1, [VARIANT], trailers=[sob(YISHAI, 1), trailer("Reviewed-by", KEVIN, "r1@x")]),
        patch(2, [VARIANT]),
        patch(3, [VARIANT]),
    ], expected=3)
    result = check_listed_reviewer(s, CTX)
    assert result.status is Status.MISSING
    assert result.parts[0].patches == [2, 3]
    assert "not 2/3, 3/3" in result.summary and "Kevin Tian reviewed 1/3" in result.summary


def test_review_on_the_cover_letter_covers_the_series():
    s = series([patch(1, [VARIANT]), patch(2, [VARIANT])],
               cover_trailers=[trailer("Reviewed-by", KEVIN, "cr@x", Origin.COVER_REPLY)])
    result = check_listed_reviewer(s, CTX)
    assert result.status is Status.PASS
    assert "on the cover letter" in result.evidence[0].text


def test_sign_off_or_review_by_others_is_not_a_listed_review():
    s = series([patch(1, [VARIANT], trailers=[sob(YISHAI, 1), trailer("Signed-off-by", JASON, "patch1@x", Origin.BODY),
                                              trailer("Reviewed-by", LEON, "r@x")])])
    assert check_listed_reviewer(s, CTX).status is Status.MISSING


def test_review_in_the_body_of_a_later_version_counts():
    s = series([patch(1, [VARIANT], trailers=[sob(YISHAI, 1), trailer("Reviewed-by", JASON, "patch1@x", Origin.BODY)])])
    assert check_listed_reviewer(s, CTX).status is Status.PASS


def test_old_address_through_mailmap():
    old = Person("Jason Gunthorpe", "jgg@mellanox.com")
    s = series([patch(1, [VARIANT], trailers=[sob(YISHAI, 1), trailer("Reviewed-by", old, "r@x")])])
    assert check_listed_reviewer(s, CTX).status is Status.PASS


def test_suspect_review_does_not_count_and_is_flagged():
    fake = trailer("Reviewed-by", KEVIN, "r@x", given_by=STRANGER, suspect=True)
    s = series([patch(1, [VARIANT], trailers=[sob(YISHAI, 1), fake])])
    result = check_listed_reviewer(s, CTX)
    assert result.status is Status.MISSING
    assert "suspect" in result.summary
    assert [ev.suspect for ev in result.evidence] == [True]
