"""Interdiff without a kernel tree: pairing the patches of two versions and the diff of
their diffs, on real chains from ../shared (hisi v10→v11, qat v5→v6, mlx5 V6→V7) and
on small made-up patches for the normalization rules."""

from __future__ import annotations


import pytest

from conftest import lore_thread, shared_path
from workbench.config import Settings
from vfio_workbench_demo.mailwriter import build_store
from workbench.pipeline import build_workbench
from workbench.versions.interdiff import LineKind, interdiff, interdiff_texts
from workbench.versions.pairing import PairKind, chain, pair_patches, patch_changes, previous_version

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

HISI_V10 = "20251017091057.3770403-1-liulongfang@huawei.com"
HISI_V11 = "20251029122441.3063127-1-liulongfang@huawei.com"
QAT_V5 = "20240306135855.4123535-1-xin.zeng@intel.com"
QAT_V6 = "20240417143141.1909824-1-xin.zeng@intel.com"
MLX5_V6 = "20220130160826.32449-1-yishaih@nvidia.com"
MLX5_V7 = "20220207172216.206415-1-yishaih@nvidia.com"


@pytest.fixture(scope="module")
def corpus_wb(tmp_path_factory):
    data = shared_path("data")
    tmp = tmp_path_factory.mktemp("interdiff")
    files = lore_thread(roots=[HISI_V10, HISI_V11, QAT_V5, QAT_V6, MLX5_V6, MLX5_V7])
    root = build_store(tmp / "mail", [f.read_bytes() for f in files])
    settings = Settings(db_path=root, maintainers=data / "MAINTAINERS", mailmap=data / "mailmap",
                        cache_dir=tmp / "cache", query="*")
    return build_workbench(settings)


def texts(d, kind):
    return [line.text for line in d.lines() if line.kind is kind]


def pairs_of(wb, old_id, new_id):
    old, new = wb.find(old_id), wb.find(new_id)
    assert previous_version(new, wb) is old
    return {(p.old.number if p.old else None, p.new.number if p.new else None): p
            for p in pair_patches(old.series, new.series)}


def test_hisi_v10_to_v11(corpus_wb):
    pairs = pairs_of(corpus_wb, HISI_V10, HISI_V11)
    assert set(pairs) == {(1, 1), (2, 2)}
    assert not interdiff(pairs[1, 1].old, pairs[1, 1].new).changed  # the same mail body
    d = interdiff(pairs[2, 2].old, pairs[2, 2].new)
    assert d.changed and d.code_changed and not d.message and not d.trailers_added and not d.title_change
    assert "+\t\t*eqc_addr = QM_EQC_VF_DW0;" in texts(d, LineKind.NEW)
    assert "+static void qm_xqc_reg_offsets(struct hisi_qm *qm," in texts(d, LineKind.NEW)
    assert "+static int qm_get_xqc_regs(struct hisi_acc_vf_core_device *hisi_acc_vdev," in texts(d, LineKind.OLD)
    assert [f.path for f in d.files if f.status == "changed"] == ["drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c",
                                                                  "drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.h"]
    assert "+#define QM_EQC_VF_DW0\t\t0X8000" in texts(d, LineKind.NEW)  # v11 renamed the VF defines
    assert "+#define QM_SUB_VERSION_ID\t\t0x100210" in texts(d, LineKind.OLD)
    assert texts(d, LineKind.FOLD)  # long unchanged stretches are folded


def test_qat_v5_patch_10_became_v6(corpus_wb):
    """v6 is v5's last patch alone, retitled ("… VF devices" → "… SR-IOV VF devices"),
    with Kevin Tian's review picked up and a long commit message."""
    pairs = pairs_of(corpus_wb, QAT_V5, QAT_V6)
    assert (10, 1) in pairs and sum(1 for k in pairs if k[1] is None) == 9
    changes = patch_changes(corpus_wb.find(QAT_V5), corpus_wb.find(QAT_V6))
    assert [c.kind for c in changes].count(PairKind.DROPPED.value) == 9
    d = interdiff(pairs[10, 1].old, pairs[10, 1].new)
    assert d.title_change == ("vfio/qat: Add vfio_pci driver for Intel QAT VF devices",
                              "vfio/qat: Add vfio_pci driver for Intel QAT SR-IOV VF devices")
    assert d.trailers_added == ("Reviewed-by: Kevin Tian <kevin.tian@intel.com>",)
    assert not d.trailers_dropped
    assert "This version only covers migration for Intel QAT GEN4 VF devices." in texts(d, LineKind.NEW)
    assert "Add vfio pci driver for Intel QAT VF devices." in texts(d, LineKind.OLD)
    assert "+ * Allocate a file handler for user space and then save the migration data for" in texts(d, LineKind.NEW)


def test_mlx5_v6_to_v7(corpus_wb):
    pairs = pairs_of(corpus_wb, MLX5_V6, MLX5_V7)
    assert set(pairs) == {(n, n) for n in range(1, 16)}
    same = {n for n in range(1, 16) if not interdiff(pairs[n, n].old, pairs[n, n].new).changed}
    assert {1, 2, 3, 4, 5, 6, 13} <= same and not {8, 10, 12} & same
    v8 = interdiff(pairs[8, 8].old, pairs[8, 8].new)
    assert "   transition failure. Instead we directly return the current state," in texts(v8, LineKind.OLD)
    v10 = interdiff(pairs[10, 10].old, pairs[10, 10].new)
    assert v10.title_change == ("vfio: Remove migration protocol v1", "vfio: Remove migration protocol v1 documentation")
    v12 = interdiff(pairs[12, 12].old, pairs[12, 12].new)
    assert "+\t\t\t    enum vfio_device_mig_state *final_state)" in texts(v12, LineKind.OLD)
    assert "+\t\t\t    enum vfio_device_mig_state new_state)" in texts(v12, LineKind.NEW)


def test_chain_is_oldest_first(corpus_wb):
    new = corpus_wb.find(MLX5_V7)
    ids = [j.series.id for j in chain(new, corpus_wb)]
    assert ids.index(MLX5_V6) < ids.index(MLX5_V7)


# --- the rules, on made-up patches --------------------------------------------------------

def patch(message: str, diff: str, trailers: str = "Signed-off-by: A <a@x>", notes: str = "") -> str:
    return f"{message}\n\n{trailers}\n---\n{notes}\n drivers/a.c | 2 +-\n 1 file changed\n\n{diff}-- \n2.40.0\n"


DIFF = """diff --git a/drivers/a.c b/drivers/a.c
index 1111111..2222222 100644
--- a/drivers/a.c
+++ b/drivers/a.c
@@ -{start},7 +{start},7 @@ static int probe(struct pci_dev *pdev)
 	int ret;
 {ctx}
 	ret = setup(pdev);
-	if (ret)
+	if (ret < 0)
 		return ret;
 	enable(pdev);
 	return 0;
"""


def test_moved_hunks_and_context_only_changes_are_not_changes():
    old = patch("Fix probe.", DIFF.format(start=10, ctx="\tstruct dev *d;"))
    moved = patch("Fix probe.", DIFF.format(start=40, ctx="\tstruct dev *d;"))
    d = interdiff_texts(old, moved, old_title="t", new_title="t")
    assert not d.changed and [f.status for f in d.files] == ["unchanged"]
    context = patch("Fix probe.", DIFF.format(start=40, ctx="\tstruct device *d;"))
    d = interdiff_texts(old, context, old_title="t", new_title="t")
    assert not d.changed and d.files[0].context_only == 1


def test_a_real_change_notes_and_trailers():
    old = patch("Fix probe.", DIFF.format(start=10, ctx="\tstruct dev *d;"))
    new = patch("Fix probe properly.", DIFF.format(start=10, ctx="\tstruct dev *d;").replace("ret < 0", "ret <= 0"),
                trailers="Signed-off-by: A <a@x>\nAcked-by: B <b@y>", notes="v2: check zero too")
    d = interdiff_texts(old, new, old_title="t", new_title="t")
    assert texts(d, LineKind.OLD) == ["Fix probe.", "+\tif (ret < 0)"]
    assert texts(d, LineKind.NEW) == ["Fix probe properly.", "Acked-by: B <b@y>", "+\tif (ret <= 0)"]
    assert d.trailers_added == ("Acked-by: B <b@y>",) and d.notes == ("v2: check zero too",)
    kinds = [line.kind for line in d.lines()]
    assert kinds[0] is LineKind.SECTION and LineKind.HUNK in kinds


def test_added_and_dropped_patches():
    new = patch("New.", DIFF.format(start=1, ctx=""))
    d = interdiff_texts(None, new, new_title="t")
    assert d.changed and d.files[0].status == "added" and texts(d, LineKind.NEW)
    d = interdiff_texts(new, None, old_title="t")
    assert d.files[0].status == "dropped" and not texts(d, LineKind.NEW)
