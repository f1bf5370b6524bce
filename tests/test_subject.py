"""Subject prefixes as real mail writes them."""

from __future__ import annotations

import csv
import re

import pytest

from workbench.patchmail.subject import normalize_title, parse_subject


@pytest.mark.parametrize(
    "subject, version, number, total, rfc, resend, prefixes, title",
    [
        ("[PATCH v9 3/9] hisi_acc_vfio_pci: Add helper", 9, 3, 9, False, False, (), "hisi_acc_vfio_pci: Add helper"),
        ("[PATCH V7 mlx5-next 00/15] Add mlx5 live migration driver", 7, 0, 15, False, False, ("mlx5-next",),
         "Add mlx5 live migration driver"),
        ("[PATCH vfio 00/11] Introduce a vfio driver over virtio devices", 1, 0, 11, False, False, ("vfio",),
         "Introduce a vfio driver over virtio devices"),
        ("[RFC v4 0/8] vfio/hisilicon: add ACC live migration driver", 4, 0, 8, True, False, (),
         "vfio/hisilicon: add ACC live migration driver"),
        ("[PATCHv2 1/2] vfio: one", 2, 1, 2, False, False, (), "vfio: one"),
        ("[PATCH v6,19/24] vfio: two", 6, 19, 24, False, False, (), "vfio: two"),
        ("[PATCH 1 of 2] contrib: fix check-commit", 1, 1, 2, False, False, (), "contrib: fix check-commit"),
        ("[PATCH 0 of 2] Sample Mercurial patches", 1, 0, 2, False, False, (), "Sample Mercurial patches"),
        ("[RFC PATCH v1 00/18] Provide a new two step DMA API mapping API", 1, 0, 18, True, False, (),
         "Provide a new two step DMA API mapping API"),
        ("[RFC RESEND 00/16] Split IOMMU DMA mapping operation to two steps", 1, 0, 16, True, True, (),
         "Split IOMMU DMA mapping operation to two steps"),
        ("[PATCH RESEND v2 2/3] vfio/mlx5: three", 2, 2, 3, False, True, (), "vfio/mlx5: three"),
        ("[net,v2,1/2] net: ieee802154: remove explicit set skb->sk", 2, 1, 2, False, False, ("net",),
         "net: ieee802154: remove explicit set skb->sk"),
        ("[Patch 2/2]: powerpc/hotplug/mm: Fix hot-add", 1, 2, 2, False, False, (), "powerpc/hotplug/mm: Fix hot-add"),
        ("[PATCH -next] bpf: Use PTR_ERR_OR_ZERO", 1, None, None, False, False, ("-next",), "bpf: Use PTR_ERR_OR_ZERO"),
        ("[PATCH] vfio/qat: add support for intel QAT 6xxx", 1, None, None, False, False, (),
         "vfio/qat: add support for intel QAT 6xxx"),
        ("[PATCH v7] vfio/qat: Add vfio_pci driver", 7, None, None, False, False, (), "vfio/qat: Add vfio_pci driver"),
        ("[PATCH net-next v3 0/4] net: dsa: Multi-CPU ground work (v3)", 3, 0, 4, False, False, ("net-next",),
         "net: dsa: Multi-CPU ground work (v3)"),
        ("[RFC][PATCH 1/2] two groups", 1, 1, 2, True, False, (), "two groups"),
        ("[PATCH] [net-next] second group", 1, None, None, False, False, ("net-next",), "second group"),
        ("[PATCH v2.1 3/5] dotted version", 2, 3, 5, False, False, (), "dotted version"),
    ],
)
def test_patch_subjects(subject, version, number, total, rfc, resend, prefixes, title):
    info = parse_subject(subject)
    assert info.is_patch
    assert not info.is_reply
    assert (info.version, info.number, info.total) == (version, number, total)
    assert (info.rfc, info.resend, info.prefixes, info.title) == (rfc, resend, prefixes, title)


def test_version_is_marked_as_stated_only_when_written():
    assert parse_subject("[PATCH v1 1/2] x").versioned
    assert not parse_subject("[PATCH 1/2] x").versioned
    assert parse_subject("[PATCH 1/2] x").version == 1


@pytest.mark.parametrize(
    "subject",
    [
        "Re: [PATCH v9 3/9] x", "RE: [PATCH v9 3/9] x", "AW: [PATCH v9 3/9] x", "Aw: [PATCH v9 3/9] x",
        "Fwd: [PATCH v9 3/9] x", "Fw: [PATCH v9 3/9] x", "SV: [PATCH v9 3/9] x", "Re: Re: [PATCH v9 3/9] x",
        "Re: AW: RE: [PATCH v9 3/9] x", "re:[PATCH v9 3/9] x", "Re[2]: [PATCH v9 3/9] x", "回复: [PATCH v9 3/9] x",
        "Antw: [PATCH v9 3/9] x", "Re: [Linaro-mm-sig] [PATCH v9 3/9] x", "RE: [EXTERNAL] [PATCH v9 3/9] x",
        "[Linaro-mm-sig] Re: [PATCH v9 3/9] x",
    ],
)
def test_reply_markers_are_stripped_and_the_tag_still_read(subject):
    info = parse_subject(subject)
    assert info.is_reply
    assert info.is_patch
    assert (info.version, info.number, info.total, info.title) == (9, 3, 9, "x")


def test_b4_subset_marker_on_thank_you_mail():
    info = parse_subject("Re: (subset) [PATCH v10 00/24] Provide a new two step DMA mapping API")
    assert info.is_reply and info.is_patch
    assert (info.version, info.number, info.total) == (10, 0, 24)
    assert info.title == "Provide a new two step DMA mapping API"


@pytest.mark.parametrize(
    "subject, title",
    [
        ("vfio migration discussions (was: [PATCH V2 mlx5-next 00/14] Add mlx5)",
         "vfio migration discussions (was: [PATCH V2 mlx5-next 00/14] Add mlx5)"),
        ("This is an orphaned patch!", "This is an orphaned patch!"),
        ("[GIT PULL] VFIO updates for v6.12-rc1", "[GIT PULL] VFIO updates for v6.12-rc1"),
        ("", ""),
        ("   ", ""),
        ("Re:", ""),
        ("[PATCH", "[PATCH"),
    ],
)
def test_not_a_patch(subject, title):
    info = parse_subject(subject)
    assert not info.is_patch
    assert info.title == title
    assert (info.number, info.total, info.version) == (None, None, 1)


def test_title_words_that_look_like_markers_are_kept():
    # "Re:" after the tag belongs to the title; a colon-less "Re" is not a marker.
    assert parse_subject("[PATCH] Re: revert").title == "Re: revert"
    assert not parse_subject("Rework tagging").is_reply
    assert parse_subject("r8169: fix").title == "r8169: fix"


def test_zero_total_is_no_counter():
    info = parse_subject("[PATCH 0/0] nothing")
    assert (info.number, info.total) == (None, None)


def test_normalize_title_ignores_case_punctuation_and_version_notes():
    assert normalize_title("vfio/hisilicon: add acc live migration driver") == normalize_title(
        "vfio/hisilicon: add ACC live migration driver"
    )
    assert normalize_title("net: dsa: Multi-CPU ground work (v3)") == normalize_title("net: dsa: multi-cpu ground work")
    assert normalize_title("Add mlx5 driver") != normalize_title("Add mlx5 driver and v2 protocol")


_SIMPLE_TAG = re.compile(
    r"^(?:(?:Re|RE): )?(?:\[(?:EXTERNAL|Linaro-mm-sig)\] )?\[(?:RFC |PATCH |RFC PATCH )*"
    r"(?:RESEND )?(?:[vV](\d+) )?(?:[\w-]+ )?(\d+)/(\d+)\] "
)


def test_every_numbered_subject_of_the_real_lore_corpus(lore):
    """Each subject of the 2,031 real messages whose tag a plain regex can read gets the
    same version and counter from the parser; every "Re:"/"RE:" one is a reply."""
    checked = 0
    with open(lore / "INDEX.tsv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            subject = row["subject"]
            info = parse_subject(subject)
            if subject.startswith(("Re:", "RE:")):
                assert info.is_reply, subject
            m = _SIMPLE_TAG.match(subject)
            if not m:
                continue
            checked += 1
            version = int(m.group(1)) if m.group(1) else 1
            assert (info.version, info.number, info.total) == (version, int(m.group(2)), int(m.group(3))), subject
            assert info.is_patch, subject
    assert checked > 1900  # nearly every message in the corpus is in a numbered series
