"""parent-approval on hand-built series, against a small MAINTAINERS and the real one."""

from __future__ import annotations

import pytest

from conftest import shared_path
from test_policy_support import (
    ALEX, BJORN, HERBERT, LEON, SAEED, SHAMEER, STRANGER, YISHAI, ZHOU,
    change, patch, series, small_ctx, sob, trailer,
)
from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.model import Origin, Person, Status
from workbench.policy.checks import PolicyContext
from workbench.policy.parent import check_parent_approval

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

CTX = small_ctx()
MLX5_CORE = "drivers/net/ethernet/mellanox/mlx5/core/sriov.c"
QM = "drivers/crypto/hisilicon/qm.c"


def part(result, name):
    found = [p for p in result.parts if p.name == name]
    assert found, f"no part {name!r} in {[p.name for p in result.parts]}"
    return found[0]


def test_na_when_only_vfio_and_documentation_are_touched():
    s = series([patch(1, ["drivers/vfio/pci/mlx5/main.c", "include/linux/vfio.h",
                          "Documentation/driver-api/vfio.rst"])])
    result = check_parent_approval(s, CTX)
    assert result.status is Status.NA
    assert result.parts == []


def test_na_for_a_posting_without_diff():
    result = check_parent_approval(series([], expected=3, cover_text="x"), CTX)
    assert result.status is Status.NA
    assert "no diff" in result.summary


def test_author_sign_off_does_not_approve_unless_author_is_a_section_person():
    # Yishai (vfio mlx5) signs his own mlx5 core patch: not an mlx5 core maintainer.
    s = series([patch(1, [MLX5_CORE]), patch(2, ["drivers/vfio/pci/mlx5/main.c"])])
    result = check_parent_approval(s, CTX)
    assert result.status is Status.MISSING
    mlx5 = part(result, "MELLANOX MLX5 core VPI driver")
    assert mlx5.status is Status.MISSING
    assert mlx5.patches == [1] and mlx5.files == [MLX5_CORE]
    assert mlx5.missing == [SAEED, LEON]
    assert result.missing == [SAEED, LEON]
    assert "1/2" in result.summary and "MELLANOX MLX5 core VPI driver" in result.summary


def test_parent_maintainer_sign_off_in_the_body_approves():
    # Leon carries the mlx5 core patch (his Signed-off-by in the body): that is approval.
    p1 = patch(1, [MLX5_CORE], trailers=[sob(YISHAI, 1), trailer("Signed-off-by", LEON, "patch1@x", Origin.BODY)])
    result = check_parent_approval(series([p1]), CTX)
    assert result.status is Status.PASS
    mlx5 = part(result, "MELLANOX MLX5 core VPI driver")
    assert mlx5.status is Status.PASS and mlx5.missing == []
    assert any("Signed-off-by: Leon Romanovsky" in ev.text and "MELLANOX MLX5 core VPI driver M:" in ev.text
               for ev in result.evidence)


def test_author_who_is_the_parent_maintainer_approves_with_own_sign_off():
    p1 = patch(1, [MLX5_CORE], author=LEON)
    result = check_parent_approval(series([p1], author=LEON), CTX)
    assert result.status is Status.PASS


def test_ack_from_subsystem_maintainer_covers_the_more_specific_section():
    s = series([patch(1, [QM], author=SHAMEER, trailers=[sob(SHAMEER, 1), trailer("Acked-by", HERBERT, "r1@x")])],
               author=SHAMEER)
    result = check_parent_approval(s, CTX)
    assert result.status is Status.PASS
    assert [p.name for p in result.parts] == ["HISILICON QM DRIVER", "CRYPTO API"]  # most specific first
    qm = part(result, "HISILICON QM DRIVER")
    assert qm.status is Status.PASS
    assert "Herbert Xu" in qm.summary
    assert any(ev.msgid == "r1@x" and "CRYPTO API M:" in ev.text for ev in qm.evidence)


def test_partial_approval_names_exactly_the_unapproved_patches_and_files():
    s = series([
        patch(1, [QM], author=SHAMEER, trailers=[sob(SHAMEER, 1), trailer("Acked-by", ZHOU, "r1@x")]),
        patch(2, ["drivers/vfio/pci/hisilicon/main.c"], author=SHAMEER),
        patch(3, [QM, "include/linux/pci_ids.h"], author=SHAMEER,
              trailers=[sob(SHAMEER, 3), trailer("Acked-by", ZHOU, "r3@x")]),
    ], author=SHAMEER)
    result = check_parent_approval(s, CTX)
    assert result.status is Status.MISSING
    qm = part(result, "HISILICON QM DRIVER")
    assert qm.status is Status.PASS and qm.patches == [1, 3]
    pci = part(result, "PCI SUBSYSTEM")
    assert pci.status is Status.MISSING
    assert pci.patches == [3] and pci.files == ["include/linux/pci_ids.h"]
    assert pci.missing == [BJORN]
    assert result.missing == [BJORN]  # nobody who already approved everything they own
    assert "PCI SUBSYSTEM on 3/3" in result.summary


def test_missing_part_lists_only_unapproved_units_and_says_what_is_approved():
    s = series([
        patch(1, [QM], author=SHAMEER, trailers=[sob(SHAMEER, 1), trailer("Reviewed-by", ZHOU, "r1@x")]),
        patch(2, [QM], author=SHAMEER),
    ], author=SHAMEER)
    result = check_parent_approval(s, CTX)
    qm = part(result, "HISILICON QM DRIVER")
    assert qm.status is Status.MISSING
    assert qm.patches == [2] and qm.files == [QM]
    assert "no approval on 2/2" in qm.summary and "approved on 1/2" in qm.summary
    assert qm.missing == [ZHOU]
    assert result.missing == [ZHOU]  # the most specific section's people, not CRYPTO API's too
    assert part(result, "CRYPTO API").missing == [HERBERT]


def test_ack_on_the_cover_letter_applies_to_every_patch():
    s = series([patch(1, [MLX5_CORE]), patch(2, [MLX5_CORE])],
               cover_trailers=[trailer("Acked-by", SAEED, "coverreply@x", Origin.COVER_REPLY)])
    result = check_parent_approval(s, CTX)
    assert result.status is Status.PASS
    assert any("on all patches (on the cover letter)" in ev.text and ev.msgid == "coverreply@x"
               for ev in result.evidence)


def test_tested_by_and_cc_like_trailers_do_not_approve():
    s = series([patch(1, [MLX5_CORE], trailers=[sob(YISHAI, 1), trailer("Tested-by", LEON, "r@x"),
                                                  trailer("Suggested-by", SAEED, "patch1@x", Origin.BODY)])])
    assert check_parent_approval(s, CTX).status is Status.MISSING


def test_suspect_ack_is_shown_but_not_counted():
    fake = trailer("Acked-by", LEON, "r1@x", given_by=STRANGER, suspect=True)
    s = series([patch(1, [MLX5_CORE], trailers=[sob(YISHAI, 1), fake])])
    result = check_parent_approval(s, CTX)
    assert result.status is Status.MISSING
    mlx5 = part(result, "MELLANOX MLX5 core VPI driver")
    assert "suspect" in mlx5.summary
    flagged = [ev for ev in mlx5.evidence if ev.suspect]
    assert len(flagged) == 1
    assert flagged[0].msgid == "r1@x" and "Some Body" in flagged[0].text and "not counted" in flagged[0].text


def test_identity_through_mailmap_and_by_exact_name():
    old_address = Person("Leon R.", "leonro@nvidia.com")  # mailmap: leonro@nvidia.com -> leon@kernel.org
    mailmap = "Leon Romanovsky <leon@kernel.org> <leonro@nvidia.com>\nLeon Romanovsky <leon@kernel.org> <leon@other.org>\n"
    ctx = small_ctx(mailmap=mailmap)
    other = Person("Someone Else", "leon@other.org")
    s = series([patch(1, [MLX5_CORE], trailers=[sob(YISHAI, 1), trailer("Acked-by", other, "r@x")])])
    assert check_parent_approval(s, ctx).status is Status.PASS
    by_name = Person("Saeed Mahameed", "saeed@private.example")
    s = series([patch(1, [MLX5_CORE], trailers=[sob(YISHAI, 1), trailer("Acked-by", by_name, "r@x")])])
    result = check_parent_approval(s, ctx)  # the name, from an address not tied to him: confirm
    assert result.status is Status.ATTENTION
    assert any("same name, unverified address" in ev.text and "saeed@private.example" in ev.text
               for ev in result.evidence)
    ctx = small_ctx(mailmap=mailmap + "Saeed Mahameed <saeedm@nvidia.com> <saeed@private.example>\n")
    assert check_parent_approval(s, ctx).status is Status.PASS  # a .mailmap line ties it
    s = series([patch(1, [MLX5_CORE], trailers=[sob(YISHAI, 1), trailer("Acked-by", old_address, "r@x")])])
    assert check_parent_approval(s, ctx).status is Status.PASS
    s = series([patch(1, [MLX5_CORE], trailers=[sob(YISHAI, 1), trailer("Acked-by", STRANGER, "r@x")])])
    assert check_parent_approval(s, ctx).status is Status.MISSING


def test_rename_is_judged_by_the_new_path():
    moved = change("include/linux/hisi_acc_qm.h", "renamed", old_path="drivers/crypto/hisilicon/qm.h")
    s = series([patch(1, [], author=SHAMEER, files=[moved])], author=SHAMEER)
    result = check_parent_approval(s, CTX)
    assert [p.name for p in result.parts] == ["HISILICON QM DRIVER"]  # not CRYPTO API (old path)
    assert result.parts[0].files == ["include/linux/hisi_acc_qm.h"]


def test_vfio_family_code_outside_drivers_vfio_needs_its_sections_approval():
    s = series([patch(1, ["samples/vfio-mdev/mtty.c"], author=ALEX)], author=ALEX)
    result = check_parent_approval(s, CTX)
    assert result.status is Status.MISSING
    assert [p.name for p in result.parts] == ["VFIO MEDIATED DEVICE DRIVERS"]
    assert result.missing == [Person("Kirti Wankhede", "kwankhede@nvidia.com")]


def test_files_only_the_rest_owns_are_noted_not_required():
    s = series([patch(1, ["tools/testing/selftests/vfio/x.c", "drivers/vfio/pci/mlx5/main.c"])])
    result = check_parent_approval(s, CTX)
    assert result.status is Status.NA
    assert any("tools/testing/selftests/vfio/x.c" in ev.text and "THE REST" in ev.text for ev in result.evidence)


def test_orphan_section_without_people_is_missing_with_nobody_to_ask():
    s = series([patch(1, ["drivers/orphan/a.c"])])
    result = check_parent_approval(s, CTX)
    assert result.status is Status.MISSING
    assert part(result, "ORPHANED THING").missing == []


@pytest.fixture(scope="module")
def real_ctx() -> PolicyContext:
    return PolicyContext(Maintainers.load(shared_path("data", "MAINTAINERS")),
                         Mailmap.load(shared_path("data", "mailmap")))


def test_real_maintainers_mlx5_core_and_netdev(real_ctx):
    s = series([patch(1, [MLX5_CORE, "include/linux/mlx5/driver.h"])])
    result = check_parent_approval(s, real_ctx)
    names = [p.name for p in result.parts]
    assert names[0] == "MELLANOX MLX5 core VPI driver"
    assert "NETWORKING DRIVERS" in names and "THE REST" not in names
    leon = [p for p in result.parts[0].missing if p.name == "Leon Romanovsky"]
    assert leon, result.parts[0].missing
    # Leon acks from the address the real MAINTAINERS lists for him
    ack = trailer("Acked-by", leon[0], "r@x")
    s = series([patch(1, [MLX5_CORE, "include/linux/mlx5/driver.h"], trailers=[sob(YISHAI, 1), ack])])
    assert check_parent_approval(s, real_ctx).status is Status.PASS


def test_real_maintainers_hisi_qm_ack_by_zhou_wang(real_ctx):
    s = series([patch(7, [QM], author=SHAMEER, trailers=[sob(SHAMEER, 7), trailer("Acked-by", ZHOU, "r7@x")])],
               expected=9, author=SHAMEER)
    result = check_parent_approval(s, real_ctx)
    assert result.status is Status.PASS
    assert [p.name for p in result.parts] == ["HISILICON QM DRIVER", "CRYPTO API"]


def test_hostile_trailer_name_is_sanitized_in_evidence_and_summary():
    evil = Person("Leon \x1b]52;c;ZXZpbA==\x07Romanovsky\u202e", "leonro@nvidia.com")  # right address, hostile name
    s = series([patch(1, [MLX5_CORE], trailers=[sob(YISHAI, 1), trailer("Acked-by", evil, "r@x")])])
    result = check_parent_approval(s, CTX)
    assert result.status is Status.PASS  # identity is the address
    texts = [ev.text for ev in result.evidence] + [p.summary for p in result.parts]
    assert texts and not any(ch in t for t in texts for ch in ("\x1b", "\x07", "\u202e", "\n"))
