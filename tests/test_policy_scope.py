"""Scope (which variant drivers a series touches) and ownership (whose code a file is)."""

from __future__ import annotations

import pytest

from conftest import shared_path
from test_policy_support import SMALL_MAINTAINERS, patch, series
from workbench.kernel.maintainers import Maintainers
from workbench.policy.checks import variant_drivers
from workbench.policy.ownership import is_parent_candidate, owners
from workbench.policy.scope import known_variants, variant_of

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

SMALL = Maintainers.parse(SMALL_MAINTAINERS, "test")


@pytest.fixture(scope="module")
def real() -> Maintainers:
    return Maintainers.load(shared_path("data", "MAINTAINERS"))


def test_variant_of_needs_a_directory_below_drivers_vfio_pci():
    assert variant_of("drivers/vfio/pci/mlx5/main.c") == "mlx5"
    assert variant_of("drivers/vfio/pci/nvgrace-gpu/main.c") == "nvgrace-gpu"
    # directly in drivers/vfio/pci/: vfio-pci core (early mlx5/hisi postings put drivers there)
    assert variant_of("drivers/vfio/pci/mlx5_vfio_pci.c") is None
    assert variant_of("drivers/vfio/pci/Kconfig") is None
    assert variant_of("drivers/vfio/vfio_main.c") is None
    assert variant_of("drivers/net/ethernet/mellanox/mlx5/core/main.c") is None


def test_variant_drivers_by_files_in_order_of_appearance():
    s = series([patch(1, ["drivers/net/ethernet/mellanox/mlx5/core/sriov.c"]),
                patch(2, ["drivers/vfio/pci/Kconfig", "drivers/vfio/pci/mlx5/main.c", "drivers/vfio/pci/mlx5/cmd.c"]),
                patch(3, ["drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c"])])
    assert variant_drivers(s, SMALL) == ["mlx5", "hisilicon"]


def test_core_only_series_is_out_of_scope_even_if_the_subject_names_a_driver():
    s = series([patch(1, ["drivers/vfio/pci/vfio_pci_core.c", "drivers/vfio/pci/mlx5_vfio_pci.c"])],
               title="vfio/mlx5: put the driver in the core directory")
    assert variant_drivers(s, SMALL) == []


def test_subject_fallback_when_the_posting_has_no_diff():
    cover_only = series([], expected=9, title="vfio/hisilicon: add ACC live migration driver", cover_text="hi")
    assert variant_drivers(cover_only, SMALL) == ["hisilicon"]
    prefixed = series([], expected=2, title="hisi_acc_vfio_pci: fix a thing", cover_text="hi")
    assert variant_drivers(prefixed, SMALL) == ["hisilicon"]
    core = series([], expected=2, title="vfio/pci: rework the core", cover_text="hi")
    assert variant_drivers(core, SMALL) == []
    unknown = series([], expected=2, title="vfio/type1: fix pinning", cover_text="hi")
    assert variant_drivers(unknown, SMALL) == []


def test_known_variants_come_from_maintainers(real):
    names = known_variants(real)
    assert {"mlx5", "hisilicon", "pds", "qat", "virtio", "nvgrace-gpu"} <= names
    assert "pci" not in names and "mdev" not in names


def test_subject_fallback_on_real_maintainers(real):
    s = series([], expected=3, title="vfio/nvgrace-gpu: add a thing", cover_text="x")
    assert variant_drivers(s, real) == ["nvgrace-gpu"]


def test_parent_candidates_exclude_vfio_and_documentation():
    assert not is_parent_candidate("drivers/vfio/pci/mlx5/main.c")
    assert not is_parent_candidate("drivers/vfio/vfio_main.c")
    assert not is_parent_candidate("include/linux/vfio_pci_core.h")
    assert not is_parent_candidate("include/uapi/linux/vfio.h")
    assert not is_parent_candidate("Documentation/driver-api/vfio.rst")
    assert is_parent_candidate("samples/vfio-mdev/mtty.c")  # vfio family, but outside drivers/vfio/
    assert is_parent_candidate("include/uapi/linux/vfio_ccw.h")
    assert is_parent_candidate("include/linux/mlx5/driver.h")


def test_owners_small_most_specific_first_without_the_rest():
    assert [o.section.name for o in owners("drivers/crypto/hisilicon/qm.c", SMALL)] == [
        "HISILICON QM DRIVER", "CRYPTO API"]
    assert [o.section.name for o in owners("samples/vfio-mdev/mtty.c", SMALL)] == ["VFIO MEDIATED DEVICE DRIVERS"]
    assert owners("tools/testing/foo.c", SMALL) == []  # only THE REST
    assert owners("drivers/vfio/pci/mlx5/main.c", SMALL) == []


def test_owners_on_real_maintainers(real):
    assert [o.section.name for o in owners("drivers/crypto/hisilicon/qm.c", real)] == [
        "HISILICON QM DRIVER", "CRYPTO API"]
    assert [o.section.name for o in owners("include/linux/hisi_acc_qm.h", real)] == ["HISILICON QM DRIVER"]
    names = [o.section.name for o in owners("drivers/s390/cio/vfio_ccw_ops.c", real)]
    assert names[0] == "S390 VFIO-CCW DRIVER" and "THE REST" not in names
    assert [o.section.name for o in owners("drivers/gpu/drm/i915/gvt/kvmgt.c", real)][0].startswith("INTEL GVT-g")
    assert owners("include/linux/vfio_pci_core.h", real) == []


def test_a_driver_below_a_vendor_directory_is_named_by_its_own_directory():
    from workbench.policy.scope import variant_of

    assert variant_of("drivers/vfio/pci/intel/qat/main.c") == "qat"
    assert variant_of("drivers/vfio/pci/intel/Kconfig") is None  # the vendor directory's glue
    assert variant_of("drivers/vfio/pci/mlx5/main.c") == "mlx5"
    assert variant_of("drivers/vfio/pci/pds/lib/x.c") == "pds"
    assert variant_of("drivers/vfio/pci/vfio_pci_core.c") is None
