"""The checks on real lore threads, parsed from the real mail files and grouped by the real
pipeline, against the real MAINTAINERS and .mailmap. Every expectation here was checked
by reading the mails themselves (the comments say what they contain)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import shared_path

from workbench.analysis import Context, Judged
from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.mail.parse import ParseFailure, parse_message
from workbench.model import CHECK_IDS, CheckResult, Status
from workbench.pipeline import analyse

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

HISI_V8 = "20220303230131.2103-1-shameerali.kolothum.thodi@huawei.com"
MLX5_V9 = "20220224142024.147653-1-yishaih@nvidia.com"


@pytest.fixture(scope="module")
def context() -> Context:
    data = shared_path("data")
    return Context(Maintainers.load(data / "MAINTAINERS"), Mailmap.load(data / "mailmap"), None)


def _thread_files(lore: Path, roots: Iterable[str]) -> list[Path]:
    wanted = {f"<{r}>" for r in roots}
    rows = (line.split("\t") for line in (lore / "INDEX.tsv").read_text().splitlines()[1:])
    return [lore / row[0] for row in rows if len(row) > 8 and row[8] in wanted]


@pytest.fixture(scope="module")
def judged(context: Context) -> dict[str, Judged]:
    lore = shared_path("corpus", "lore-vfio")
    files = _thread_files(lore, [HISI_V8, MLX5_V9])
    assert len(files) > 40
    return {j.series.id: j for j in analyse([parse_message(str(f)) for f in files], context)}


def check(j: Judged, check_id: str) -> CheckResult:
    result = j.check(check_id)
    assert result is not None
    return result


def test_hisi_v8_is_in_scope_and_complete(judged):
    j = judged[HISI_V8]
    assert j.drivers == ["hisilicon"]
    assert tuple(c.id for c in j.checks) == CHECK_IDS
    assert check(j, "complete").status is Status.PASS


def test_hisi_v8_qm_c_has_the_hisilicon_qm_maintainers_ack(judged):
    # 7/9 "crypto: hisilicon/qm: Set the VF QM state register" changes qm.c; Zhou Wang
    # (HISILICON QM DRIVER M:) replied "Acked-by: Zhou Wang" in 9ea8eabb-…@hisilicon.com.
    result = check(judged[HISI_V8], "parent-approval")
    qm = next(p for p in result.parts if p.name == "HISILICON QM DRIVER")
    assert qm.status is Status.PASS
    assert 7 in qm.patches and "drivers/crypto/hisilicon/qm.c" in qm.files
    acks = [ev for ev in qm.evidence if ev.msgid == "9ea8eabb-0581-dbc6-d7af-acd019173f7e@hisilicon.com"]
    assert len(acks) == 1
    assert acks[0].text.startswith("Acked-by: Zhou Wang <wangzhou1@hisilicon.com> (HISILICON QM DRIVER M:) on 7/9")
    assert result.parts[0].name.startswith("HISILICON")  # most specific sections before CRYPTO API
    assert result.parts[-1].name == "CRYPTO API"


def test_hisi_v8_pci_ids_h_lacks_the_pci_maintainers_approval(judged):
    # 3/9 moves the VF device IDs into include/linux/pci_ids.h; only the HiSilicon people
    # acked it in v8 — nobody from PCI SUBSYSTEM.
    result = check(judged[HISI_V8], "parent-approval")
    assert result.status is Status.MISSING
    pci = next(p for p in result.parts if p.name == "PCI SUBSYSTEM")
    assert pci.status is Status.MISSING
    assert pci.patches == [3] and pci.files == ["include/linux/pci_ids.h"]
    assert [p.email for p in pci.missing] == ["bhelgaas@google.com"]
    assert [p.email for p in result.missing] == ["bhelgaas@google.com"]
    assert [p.name for p in result.parts if p.status is Status.MISSING] == ["PCI SUBSYSTEM"]


def test_hisi_v8_listed_reviewer_covers_only_8_and_9(judged):
    # Jason Gunthorpe replied "Reviewed-by" to 8/9 and 9/9; Kevin Tian commented on 5/9 and
    # 8/9 without a trailer; Shameer (the author) is a listed reviewer but not of his own work.
    result = check(judged[HISI_V8], "listed-reviewer")
    assert result.status is Status.MISSING
    assert result.parts[0].patches == [4, 5]
    assert {ev.msgid for ev in result.evidence} == {"20220304205720.GE219866@nvidia.com",
                                                    "20220304205456.GD219866@nvidia.com"}
    assert [p.email for p in result.missing] == ["jgg@nvidia.com", "yishaih@nvidia.com", "kevin.tian@intel.com"]


def test_hisi_v8_documentation_missing_with_migration_extensions(judged):
    result = check(judged[HISI_V8], "documentation")
    assert result.status is Status.MISSING
    assert any(ev.text.startswith("extension: resume_write in drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c (8/9)")
               for ev in result.evidence)
    # the cover letter is a changelog; "This is sanity tested …" is not a safeguard
    assert all(p.status is Status.MISSING for p in result.parts)


def test_hisi_v8_maintainer_replied_without_ack(judged):
    result = check(judged[HISI_V8], "maintainer")
    assert result.status is Status.ATTENTION  # a discussion, not yet a decision
    assert "no ack" in result.summary
    on_3 = [ev for ev in result.evidence if ev.msgid == "20220307105344.171b4621.alex.williamson@redhat.com"]
    assert on_3 and on_3[0].text.startswith("reply on 3/9")


def test_hisi_v8_userspace_lines_in_the_resume_path(judged):
    result = check(judged[HISI_V8], "userspace-data")
    assert result.status is Status.ATTENTION
    assert any(ev.text.startswith("8/9 drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c")
               and "copy_from_user(&migf->vf_data, buf, len)" in ev.text for ev in result.evidence)


def test_mlx5_v9_parent_approval_from_leon_and_bjorn_not_yishai(judged):
    # Leon Romanovsky (MLX5 core M:) signed the mlx5 core patches in a chain Yishai's own
    # sign-off certifies: chain of custody. Bjorn Helgaas's "Acked-by" for the
    # drivers/pci/iov.c patches is only in the bodies of 1/15 and 4/15; this store holds
    # the v9 thread alone, so where it was given cannot be in it, and that is not held
    # against the series (test_trust_lore: with v1-v8 in the store it is to confirm).
    j = judged[MLX5_V9]
    result = check(j, "parent-approval")
    assert result.status is Status.PASS
    mlx5 = result.parts[0]
    assert mlx5.name == "MELLANOX MLX5 core VPI driver" and mlx5.status is Status.PASS
    assert any(ev.text.startswith("Signed-off-by: Leon Romanovsky") and "chain of custody" in ev.text
               for ev in mlx5.evidence)
    pci = next(p for p in result.parts if p.name == "PCI SUBSYSTEM")
    assert pci.patches == [1, 4]
    assert any(ev.text.startswith("Acked-by: Bjorn Helgaas") and ev.msgid == "20220224142024.147653-2-yishaih@nvidia.com"
               and "the versions before it are not in your mail" in ev.text for ev in pci.evidence)
    # Yishai's own sign-off approves nothing here
    assert not any(ev.text.startswith("Signed-off-by: Yishai") for ev in result.evidence)


def test_mlx5_v9_listed_reviewer_excludes_the_author(judged):
    result = check(judged[MLX5_V9], "listed-reviewer")
    assert result.status is Status.MISSING
    assert "yishaih@nvidia.com" not in [p.email for p in result.missing]
    assert result.parts[0].patches == [12, 13, 15]


@pytest.mark.parametrize("subdir", ["variant", "crosscutting"])
def test_every_real_series_gets_every_check_without_error(context, subdir):
    files = sorted(shared_path("corpus", "lore-vfio", subdir).glob("*.eml"))
    records = []
    for f in files:
        try:
            records.append(parse_message(str(f)))
        except ParseFailure:  # the parser's own tests cover unparseable mail
            continue
    for j in analyse(records, context):
        assert tuple(c.id for c in j.checks) == CHECK_IDS
        for c in j.checks:
            assert "could not be judged" not in c.summary, (j.series.id, c.id, c.summary)
            assert c.summary and "\n" not in c.summary
            if c.status is Status.MISSING:
                assert c.missing or c.id == "parent-approval", (j.series.id, c.id)
        if not j.in_scope:
            assert check(j, "listed-reviewer").status is Status.NA


def test_qat_v5_userspace_data_reaches_the_parent_parser(context):
    """qat v5 9/10 adds the parser of the migration stream in the parent driver
    (adf_mstate_mgr_init_from_remote); the 2026 fix "crypto: qat - validate migration
    section header is in bounds" says that stream arrives from qat_vf_resume_write. The
    reviewer must be pointed at it, not only at the vfio driver's copy_from_user."""
    lore = shared_path("corpus", "lore-vfio")
    root = "20240306135855.4123535-1-xin.zeng@intel.com"
    (judged,) = [j for j in analyse([parse_message(str(f)) for f in _thread_files(lore, [root])], context)
                 if j.series.id == root]
    check = judged.check("userspace-data")
    assert check.status is Status.ATTENTION
    texts = [e.text for e in check.evidence]
    assert any("qat_common/adf_mstate_mgr.c" in t and "init_from_remote" in t for t in texts), texts
    assert any("drivers/vfio/pci/qat/main.c" in t and "copy_from_user" in t for t in texts)
