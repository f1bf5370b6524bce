"""Approval groups on real series: sections that share a file of a patch approve together.

Judged on the whole real corpus (the session's lore store) against the real MAINTAINERS,
through the same pipeline and markdown renderer the user runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import shared_path
from workbench.analysis import Workbench
from workbench.config import Settings
from workbench.model import Status
from workbench.pipeline import build_workbench
from workbench.report.markdown_format import render_markdown

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

HISI = {10: "20251017091057.3770403-1-liulongfang@huawei.com",
        11: "20251029122441.3063127-1-liulongfang@huawei.com",
        12: "20251030015744.131771-1-liulongfang@huawei.com"}
HISI_V9 = "20220308184902.2242-1-shameerali.kolothum.thodi@huawei.com"
REGION_INFO_V2 = "0-v2-2a9e24d62f1b+e10a-vfio_get_region_info_op_jgg@nvidia.com"


@pytest.fixture(scope="module")
def wb(lore_store: Path, lore_cache: Path) -> Workbench:
    settings = Settings(db_path=lore_store, maintainers=shared_path("data", "MAINTAINERS"),
                        mailmap=shared_path("data", "mailmap"), cache_dir=lore_cache)
    return build_workbench(settings)


@pytest.mark.parametrize("version", sorted(HISI))
def test_hisi_crypto_api_ack_covers_the_qm_header_of_the_same_patch(wb: Workbench, version: int) -> None:
    """Herbert Xu (CRYPTO API M:) acked 1/2, which touches qm.c (CRYPTO API and HISILICON QM)
    and hisi_acc_qm.h (HISILICON QM only): one group, one approval for both files."""
    judged = wb.find(HISI[version])
    assert judged is not None and judged.series.version == version
    result = judged.check("parent-approval")
    assert result is not None and result.status is Status.PASS
    qm = next(p for p in result.parts if p.name == "HISILICON QM DRIVER")
    assert qm.status is Status.PASS and "include/linux/hisi_acc_qm.h" in qm.files
    assert "Herbert Xu (CRYPTO API M:)" in qm.summary
    assert qm.group == next(p for p in result.parts if p.name == "CRYPTO API").group


def test_a_file_only_an_unrelated_section_owns_needs_its_own_approval(wb: Workbench) -> None:
    """hisi v9 3/9 adds a device id to include/linux/pci_ids.h, which only PCI SUBSYSTEM owns."""
    judged = wb.find(HISI_V9)
    assert judged is not None
    result = judged.check("parent-approval")
    assert result is not None and result.status is Status.MISSING
    pci = next(p for p in result.parts if p.name == "PCI SUBSYSTEM")
    assert pci.status is Status.MISSING and pci.patches == [3] and pci.files == ["include/linux/pci_ids.h"]
    assert [p.email for p in pci.missing] == ["bhelgaas@google.com"]


def test_markdown_asks_once_per_group(wb: Workbench) -> None:
    """GET_REGION_INFO v2 touches i915 GVT (GVT-g, i915, DRM DRIVERS own kvmgt.c together),
    vfio-ccw (VFIO-CCW, COMMON I/O, S390 ARCHITECTURE) and samples/vfio-mdev: three
    groups, so three requests, not one per section."""
    judged = wb.find(REGION_INFO_V2)
    assert judged is not None
    result = judged.check("parent-approval")
    assert result is not None
    groups = {p.group for p in result.parts if p.status is not Status.PASS}
    assert len(groups) == 3 and len([p for p in result.parts if p.status is not Status.PASS]) == 7
    text = render_markdown(wb, show_all=True)
    block = text.split("### vfio: Give VFIO\\_DEVICE\\_GET\\_REGION\\_INFO its own op (v2)")[1].split("\n### ")[0]
    parent = block.split("- **parent-approval**")[1].split("\n- **")[0]
    asks = [line for line in parent.splitlines() if line.startswith("  - ") and "could give it" in line]
    assert len(asks) == 3
    assert any("INTEL GVT-g DRIVERS" in line and "(with " in line and "DRM DRIVERS" in line for line in asks)
