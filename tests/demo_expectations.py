"""What each demo series was written to show: the verdict of every check, the trailers
that must be found and those that must not.

The tests run the real pipeline on the built demo store and compare with this table, so
the demo is a proof of each case rather than a picture of it; when a check's reading of
the acceptance document changes, this table is where the change becomes visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PASS, MISSING, ATTENTION, NA = "pass", "missing", "attention", "n/a"

JASON = "jgg@nvidia.com"
KEVIN = "kevin.tian@intel.com"
LEON = "leonro@nvidia.com"


@dataclass(frozen=True, slots=True)
class TrailerExpect:
    patch: int | None  # None: given in reply to the cover letter (or, for `absent`: anywhere)
    name: str
    email: str  # as written in the trailer
    origin: str = "reply"  # body | reply | cover-reply
    suspect: bool = False


@dataclass(frozen=True, slots=True)
class SeriesExpect:
    key: str  # the SeriesSpec key in series_specs.py
    why: str  # the cases this series exists to show
    version: int
    expected: int
    present: tuple[int, ...]
    drivers: tuple[str, ...]  # variant-driver directories; () means out of scope
    superseded: bool = False
    rfc: bool = False
    resend: bool = False
    checks: dict[str, str] = field(default_factory=dict)  # check id -> status
    missing_includes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # check -> emails
    # the documentation questions the cover letter leaves open, by a word of their name
    doc_unanswered: tuple[str, ...] | None = None
    trailers: tuple[TrailerExpect, ...] = ()
    absent: tuple[TrailerExpect, ...] = ()


def _checks(complete: str, parent: str, listed: str, doc: str, maint: str, user: str) -> dict[str, str]:
    return {"complete": complete, "parent-approval": parent, "listed-reviewer": listed,
            "documentation": doc, "maintainer": maint, "userspace-data": user}


EXPECTATIONS: tuple[SeriesExpect, ...] = (
    SeriesExpect(
        "mlx5-v1", "parent hunks (mlx5_core, include/linux/mlx5) without the parent's ack; a "
        "listed reviewer on one of the two vfio patches; no documentation",
        version=1, expected=4, present=(1, 2, 3, 4), drivers=("mlx5",), superseded=True,
        checks=_checks(PASS, MISSING, MISSING, MISSING, MISSING, ATTENTION),
        missing_includes={"parent-approval": (LEON,)},
        trailers=(TrailerExpect(3, "Reviewed-by", JASON),)),
    SeriesExpect(
        "mlx5-v2", "parent acked in replies; the cover letter answers two of the three "
        "documentation questions; the v1 review does not carry over",
        version=2, expected=4, present=(1, 2, 3, 4), drivers=("mlx5",), superseded=True,
        checks=_checks(PASS, PASS, MISSING, MISSING, ATTENTION, ATTENTION),
        doc_unanswered=("safeguards",),
        trailers=(TrailerExpect(1, "Acked-by", LEON), TrailerExpect(2, "Acked-by", LEON)),
        absent=(TrailerExpect(None, "Reviewed-by", JASON),)),
    SeriesExpect(
        "mlx5-v3", "everything in place: acks carried in the patches, a listed reviewer's tag on "
        "the cover letter, a trailer in a nested reply, the three questions answered",
        version=3, expected=5, present=(1, 2, 3, 4, 5), drivers=("mlx5",),
        checks=_checks(PASS, PASS, PASS, PASS, PASS, ATTENTION),
        trailers=(TrailerExpect(1, "Acked-by", LEON, "body"),
                  TrailerExpect(2, "Acked-by", LEON, "body"),
                  TrailerExpect(None, "Reviewed-by", JASON, "cover-reply"),
                  TrailerExpect(4, "Reviewed-by", KEVIN, "reply"))),
    SeriesExpect(
        "hisi-v1", "no cover letter; a change to the HiSilicon QM driver without its ack",
        version=1, expected=3, present=(1, 2, 3), drivers=("hisilicon",), superseded=True,
        checks=_checks(PASS, MISSING, MISSING, MISSING, MISSING, ATTENTION),
        missing_includes={"parent-approval": ("qianweili@huawei.com",)}),
    SeriesExpect(
        "hisi-v2", "v2 posted in reply to v1 (one thread, two series); parent acked; a listed "
        "reviewer at his old address (.mailmap); migration code without documentation",
        version=2, expected=3, present=(1, 2, 3), drivers=("hisilicon",),
        checks=_checks(PASS, PASS, PASS, MISSING, ATTENTION, ATTENTION),
        trailers=(TrailerExpect(1, "Acked-by", "qianweili@huawei.com"),
                  TrailerExpect(2, "Reviewed-by", "shameerali.kolothum.thodi@huawei.com"),
                  TrailerExpect(3, "Reviewed-by", "shameerali.kolothum.thodi@huawei.com"))),
    SeriesExpect(
        "pds-v1", "the author maintains the parent driver (his Signed-off-by approves); a listed "
        "reviewer on every vfio patch; no documentation",
        version=1, expected=3, present=(1, 2, 3), drivers=("pds",), superseded=True,
        checks=_checks(PASS, PASS, PASS, MISSING, MISSING, ATTENTION),
        trailers=(TrailerExpect(2, "Reviewed-by", KEVIN), TrailerExpect(3, "Reviewed-by", KEVIN))),
    SeriesExpect(
        "pds-v2", "a Documentation/ file added; the v1 review quoted in a reply (\"> Reviewed-by\") "
        "does not count",
        version=2, expected=3, present=(1, 2, 3), drivers=("pds",),
        checks=_checks(PASS, PASS, MISSING, PASS, MISSING, ATTENTION),
        missing_includes={"listed-reviewer": (KEVIN,)},
        absent=(TrailerExpect(None, "Reviewed-by", KEVIN),)),
    SeriesExpect(
        "virtio-v1", "sent through a list that rewrites From (\"X via Virtualization\"); the parent "
        "maintainer acks the cover letter; a listed reviewer on one of two vfio patches",
        version=1, expected=3, present=(1, 2, 3), drivers=("virtio",),
        checks=_checks(PASS, PASS, MISSING, PASS, ATTENTION, ATTENTION),
        trailers=(TrailerExpect(None, "Acked-by", "mst@redhat.com", "cover-reply"),
                  TrailerExpect(2, "Reviewed-by", KEVIN))),
    SeriesExpect(
        "qat-v1", "patch 3 never arrived; a subsystem maintainer (CRYPTO API) acks the cover "
        "letter; the cover answers two of three questions",
        version=1, expected=4, present=(1, 2, 4), drivers=("qat",),
        checks=_checks(MISSING, PASS, MISSING, MISSING, MISSING, ATTENTION),
        doc_unanswered=("safeguards",),
        trailers=(TrailerExpect(None, "Acked-by", "herbert@gondor.apana.org.au", "cover-reply"),)),
    SeriesExpect(
        "nvgrace-rfc", "an RFC whose patch is a text/x-patch attachment; a new device region "
        "without documentation",
        version=1, expected=1, present=(1,), drivers=("nvgrace-gpu",), superseded=True, rfc=True,
        checks=_checks(PASS, NA, MISSING, MISSING, ATTENTION, ATTENTION)),
    SeriesExpect(
        "nvgrace-v2", "no parent driver; a listed reviewer at his new address on the cover "
        "letter; a trailer the sender gives for somebody else (suspect)",
        version=2, expected=3, present=(1, 2, 3), drivers=("nvgrace-gpu",),
        checks=_checks(PASS, NA, PASS, PASS, MISSING, ATTENTION),
        trailers=(TrailerExpect(None, "Reviewed-by", "skolothumtho@nvidia.com", "cover-reply"),
                  TrailerExpect(2, "Reviewed-by", JASON, "reply", suspect=True))),
    SeriesExpect(
        "xe-v1", "a new variant driver sent with b4 by an author with a non-ASCII name; the xe "
        "parent not acked yet",
        version=1, expected=3, present=(1, 2, 3), drivers=("xe",), superseded=True,
        checks=_checks(PASS, MISSING, MISSING, PASS, MISSING, ATTENTION),
        missing_includes={"parent-approval": ("rodrigo.vivi@intel.com",)}),
    SeriesExpect(
        "xe-v2", "a ~5,000-line patch; parent approvals in bodies and replies (a non-ASCII "
        "trailer): a Reviewed-by carried from v1 is traced to the v1 reply that gave it, the same "
        "tag on a patch new in v2 was never given in the mail (to confirm); the vfio maintainer "
        "acks from his other address (.mailmap)",
        version=2, expected=4, present=(1, 2, 3, 4), drivers=("xe",),
        checks=_checks(PASS, ATTENTION, PASS, PASS, PASS, ATTENTION),
        trailers=(TrailerExpect(1, "Reviewed-by", "matthew.brost@intel.com", "body"),
                  TrailerExpect(2, "Acked-by", "thomas.hellstrom@linux.intel.com"),
                  TrailerExpect(4, "Reviewed-by", KEVIN),
                  TrailerExpect(None, "Acked-by", "alex@shazbot.org", "cover-reply"))),
    SeriesExpect(
        "mlx5-fix-resend", "a RESEND of a one-patch fix: nothing to document, no parent, the "
        "listed reviewer's tag carried in the body",
        version=1, expected=1, present=(1,), drivers=("mlx5",), resend=True,
        checks=_checks(PASS, NA, PASS, NA, PASS, NA),
        trailers=(TrailerExpect(1, "Reviewed-by", JASON, "body"),)),
    SeriesExpect(
        "pds-fix", "reviewed by the driver's own maintainer, who is not a listed reviewer",
        version=1, expected=1, present=(1,), drivers=("pds",),
        checks=_checks(PASS, NA, MISSING, NA, PASS, NA),
        trailers=(TrailerExpect(1, "Reviewed-by", "brett.creeley@amd.com"),)),
    SeriesExpect(
        "nvgrace-typo", "a typo fix: a listed reviewer's tag is all it needs besides the maintainer",
        version=1, expected=1, present=(1,), drivers=("nvgrace-gpu",),
        checks=_checks(PASS, NA, PASS, NA, MISSING, NA)),
    SeriesExpect(
        "mlx5-stack", "a build fix from outside the driver, reviewed by a listed reviewer",
        version=1, expected=1, present=(1,), drivers=("mlx5",),
        checks=_checks(PASS, NA, PASS, NA, MISSING, NA)),
    SeriesExpect(
        "hisi-reset-v2", "a listed reviewer who authors a series (excluded from his own review); "
        "\"For the series\" on the cover letter",
        version=2, expected=2, present=(1, 2), drivers=("hisilicon",),
        checks=_checks(PASS, NA, PASS, NA, ATTENTION, NA),
        trailers=(TrailerExpect(None, "Reviewed-by", KEVIN, "cover-reply"),)),
    SeriesExpect(
        "virtio-kdoc", "an Acked-by from a listed reviewer counts as the review",
        version=1, expected=1, present=(1,), drivers=("virtio",),
        checks=_checks(PASS, NA, PASS, NA, MISSING, NA),
        trailers=(TrailerExpect(1, "Acked-by", "yishaih@nvidia.com"),)),
    SeriesExpect(
        "vfio-core-fix", "vfio core (drivers/vfio/vfio_main.c): out of scope",
        version=1, expected=1, present=(1,), drivers=(),
        checks={"complete": PASS}),
    SeriesExpect(
        "pci-core-fix-v2", "vfio-pci core (drivers/vfio/pci/vfio_pci_config.c): not a variant "
        "driver, out of scope",
        version=2, expected=1, present=(1,), drivers=(),
        checks={"complete": PASS}),
)

