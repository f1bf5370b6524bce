"""qat: GEN6 VF migration (parent: the QAT crypto driver)."""

from __future__ import annotations

from vfio_workbench_demo.patches import FileEdit, edit, hunk, new_file


def _bank_state_fields() -> list[str]:
    """The saved registers of one ring bank: a long but regular structure."""
    names = ["ringstat0", "ringstat1", "ringuostat", "ringestat", "ringnestat", "ringnfstat",
             "ringfstat", "ringcstat0", "ringcstat1", "ringcstat2", "ringcstat3", "iaintflagen",
             "iaintflagreg", "iaintflagsrcsel0", "iaintcolen", "iaintcolctl", "iaintflagandcolen",
             "ringexpstat", "ringexpintenable", "ringsrvarben"]
    return [f"    u32 {n};" for n in names]


def gen6_mig() -> list[FileEdit]:
    body = [
        "// SPDX-License-Identifier: GPL-2.0-only",
        "/* Copyright(c) 2025 Intel Corporation */",
        "#include <linux/delay.h>",
        "#include <linux/dev_printk.h>",
        "#include <linux/kernel.h>",
        "#include <linux/slab.h>",
        "#include <linux/string.h>",
        "#include <linux/types.h>",
        "#include <asm/errno.h>",
        "",
        '#include "adf_accel_devices.h"',
        '#include "adf_common_drv.h"',
        '#include "adf_gen6_hw_data.h"',
        '#include "adf_gen6_vf_mig.h"',
        '#include "adf_mstate_mgr.h"',
        "",
        "#define ADF_GEN6_VF_MSTATE_SIZE        4096",
        "#define ADF_GEN6_PFVF_RSP_TIMEOUT_US    5000",
        "",
        "struct adf_gen6_bank_state {",
        *_bank_state_fields(),
        "};",
        "",
        "struct adf_gen6_vf_migration {",
        "    struct adf_accel_vf_info *vf_info;",
        "    struct adf_mstate_mgr *mstate_mgr;",
        "    u32 bank_nr;",
        "    struct adf_gen6_bank_state banks[];",
        "};",
        "",
    ]
    for kind in ("ring", "intr", "arb"):
        body += [
            f"static int adf_gen6_vf_save_{kind}_state(struct adf_gen6_vf_migration *vfmig, u32 bank)",
            "{",
            "    struct adf_gen6_bank_state *state = &vfmig->banks[bank];",
            "    void __iomem *csr = adf_get_pmisc_base(vfmig->vf_info->accel_dev);",
            "",
            f"    state->ringstat0 = ADF_CSR_RD(csr, ADF_GEN6_{kind.upper()}_STAT(bank));",
            f"    state->ringexpstat = ADF_CSR_RD(csr, ADF_GEN6_{kind.upper()}_EXPSTAT(bank));",
            "    return 0;",
            "}",
            "",
            f"static int adf_gen6_vf_load_{kind}_state(struct adf_gen6_vf_migration *vfmig, u32 bank)",
            "{",
            "    struct adf_gen6_bank_state *state = &vfmig->banks[bank];",
            "    void __iomem *csr = adf_get_pmisc_base(vfmig->vf_info->accel_dev);",
            "",
            "    if (state->ringexpstat & ~ADF_GEN6_EXPSTAT_VALID_MASK)",
            "        return -EINVAL;",
            f"    ADF_CSR_WR(csr, ADF_GEN6_{kind.upper()}_STAT(bank), state->ringstat0);",
            "    return 0;",
            "}",
            "",
        ]
    body += [
        "static int adf_gen6_vf_load_state(struct qat_mig_dev *mdev)",
        "{",
        "    struct adf_gen6_vf_migration *vfmig = mdev->priv_data;",
        "    u32 bank;",
        "    int ret;",
        "",
        "    if (mdev->setup_size > ADF_GEN6_VF_MSTATE_SIZE)",
        "        return -EINVAL;",
        "",
        "    for (bank = 0; bank < vfmig->bank_nr; bank++) {",
        "        ret = adf_gen6_vf_load_ring_state(vfmig, bank);",
        "        if (ret)",
        "            return ret;",
        "        ret = adf_gen6_vf_load_intr_state(vfmig, bank);",
        "        if (ret)",
        "            return ret;",
        "        ret = adf_gen6_vf_load_arb_state(vfmig, bank);",
        "        if (ret)",
        "            return ret;",
        "    }",
        "    return 0;",
        "}",
        "",
        "void adf_gen6_init_vf_mig_ops(struct qat_migdev_ops *vfmig_ops)",
        "{",
        "    vfmig_ops->init = adf_gen6_vf_migration_init;",
        "    vfmig_ops->cleanup = adf_gen6_vf_migration_cleanup;",
        "    vfmig_ops->load_state = adf_gen6_vf_load_state;",
        "    vfmig_ops->save_state = adf_gen6_vf_save_state;",
        "}",
        "EXPORT_SYMBOL_GPL(adf_gen6_init_vf_mig_ops);",
    ]
    return [
        new_file("drivers/crypto/intel/qat/qat_common/adf_gen6_vf_mig.c", body),
        edit(
            "drivers/crypto/intel/qat/qat_common/Makefile",
            hunk(14, "", """
                     adf_gen4_timer.o \\
                     adf_gen4_vf_mig.o \\
                +    adf_gen6_vf_mig.o \\
                     adf_gen6_shared.o \\
            """),
        ),
    ]


def mig_dev() -> list[FileEdit]:
    return [
        edit(
            "drivers/crypto/intel/qat/qat_common/qat_mig_dev.c",
            hunk(15, "struct qat_mig_dev *qat_vfmig_create(struct pci_dev *pdev, int vf_id)", """
                     accel_dev = adf_devmgr_pci_to_accel_dev(pdev);
                     if (!accel_dev)
                         return ERR_PTR(-ENODEV);
                 
                -    if (!GET_VFMIG_OPS(accel_dev)->init)
                +    if (!GET_VFMIG_OPS(accel_dev)->init || !GET_VFMIG_OPS(accel_dev)->load_state)
                         return ERR_PTR(-EINVAL);
            """),
        ),
        edit(
            "include/linux/qat/qat_mig_dev.h",
            hunk(8, "struct qat_mig_dev {", """
                     void *priv_data;
                     struct adf_accel_dev *parent_accel_dev;
                     u8 *state;
                +    u32 gen;
                     u32 setup_size;
                     u32 remote_setup_size;
                     u32 state_size;
            """),
        ),
    ]


def vfio_gen6() -> list[FileEdit]:
    return [
        edit(
            "drivers/vfio/pci/qat/main.c",
            hunk(688, "static const struct pci_device_id qat_vf_vfio_pci_table[] = {", """
                     { PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, 0x4945) },
                     /* Intel QAT GEN5 420xx VF device */
                     { PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, 0x4947) },
                +    /* Intel QAT GEN6 6xxx VF device */
                +    { PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, 0x4949) },
                     {}
                 };
            """),
        ),
    ]


def vfio_resume_check() -> list[FileEdit]:
    return [
        edit(
            "drivers/vfio/pci/qat/main.c",
            hunk(290, "static ssize_t qat_vf_resume_write(struct file *filp, const char __user *buf,", """
                     if (pos)
                         return -ESPIPE;
                     offs = &filp->f_pos;
                 
                -    if (*offs < 0 ||
                -        check_add_overflow(len, *offs, &end))
                +    if (*offs < 0 ||
                +        check_add_overflow(len, *offs, &end) ||
                +        end > mig_dev->state_size)
                         return -EOVERFLOW;
                 
                -    if (end > mig_dev->state_size)
                -        return -ENOMEM;
                -
                     mutex_lock(&migf->lock);
                     if (migf->disabled) {
                         done = -ENODEV;
                         goto out_unlock;
                     }
                 
                -    ret = copy_from_user(mig_dev->state + *offs, buf, len);
                +    ret = copy_from_user((u8 *)mig_dev->state + *offs, buf, len);
                     if (ret) {
                         done = -EFAULT;
                         goto out_unlock;
            """),
            hunk(561, "static int qat_vf_pci_init_dev(struct vfio_device *core_vdev)", """
                     qat_vdev = container_of(core_vdev, struct qat_vf_core_device, core_device.vdev);
                 
                -    core_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;
                +    core_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
                +                                 VFIO_MIGRATION_PRE_COPY;
                     core_vdev->mig_ops = &qat_vf_pci_mig_ops;
            """),
        ),
    ]
