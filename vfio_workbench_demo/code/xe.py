"""xe: a new variant driver for Intel Xe SR-IOV VFs (parent: the xe DRM driver).

The v2 register list is the demo's ~5,000-line diff: the TUI's diff view must stay fast on
it. It is generated, like the real register headers it imitates.
"""

from __future__ import annotations

from vfio_workbench_demo.patches import FileEdit, edit, hunk, new_file

_BLOCKS = ("GT", "GUC", "CCS", "BCS", "VCS", "VECS", "RCS", "SAMPLER", "LNCF", "MCR", "GAM", "SFC")
_NAMES = ("CTL", "STATUS", "MODE", "BASE_LO", "BASE_HI", "HEAD", "TAIL", "START", "INT_MASK",
          "INT_ENABLE", "PWR_CTX", "SEMA_WAIT", "ECO_BITS", "CHICKEN", "FORCE_WAKE", "DBG")


def regs_header(entries: int) -> FileEdit:
    """``entries`` register definitions and the save/restore table that lists them."""
    lines = [
        "/* SPDX-License-Identifier: MIT */",
        "/*",
        " * Copyright © 2025 Intel Corporation",
        " *",
        " * Registers saved and restored with a VF's state during migration.",
        " * Generated from the hardware specification; do not edit by hand.",
        " */",
        "",
        "#ifndef _XE_SRIOV_MIG_REGS_H_",
        "#define _XE_SRIOV_MIG_REGS_H_",
        "",
        '#include "regs/xe_reg_defs.h"',
        "",
    ]
    names = []
    for i in range(entries):
        block = _BLOCKS[i % len(_BLOCKS)]
        name = _NAMES[(i // len(_BLOCKS)) % len(_NAMES)]
        inst = i // (len(_BLOCKS) * len(_NAMES))
        ident = f"XE_MIG_{block}_{name}_{inst}"
        names.append(ident)
        addr = 0x2000 + (_BLOCKS.index(block) << 12) + ((i // len(_BLOCKS)) * 4)
        lines.append(f"#define {ident.ljust(36)}XE_REG(0x{addr:05x})")
    lines += ["", "#define XE_MIG_REG_LIST(func) \\"]
    lines += [f"    func({n}) \\" for n in names[:-1]]
    lines += [f"    func({names[-1]})", "", "#endif"]
    return new_file("drivers/gpu/drm/xe/regs/xe_sriov_mig_regs.h", lines)


def pf_export(version: int) -> list[FileEdit]:
    check = ["    if (!xe_sriov_pf_migration_supported(xe))", "        return -EOPNOTSUPP;", ""] \
        if version >= 2 else []
    return [
        new_file("drivers/gpu/drm/xe/xe_sriov_vfio.c", [
            "// SPDX-License-Identifier: MIT",
            "/*",
            " * Copyright © 2025 Intel Corporation",
            " */",
            "",
            "#include <drm/intel/xe_sriov_vfio.h>",
            "",
            '#include "xe_pm.h"',
            '#include "xe_sriov.h"',
            '#include "xe_sriov_pf_control.h"',
            '#include "xe_sriov_pf_migration.h"',
            "",
            "/*",
            " * The vfio variant driver runs on the VF but every operation is carried out",
            " * by the PF: these helpers are the only entry points it may use.",
            " */",
            "struct xe_device *xe_sriov_vfio_get_pf(struct pci_dev *pdev)",
            "{",
            "    struct pci_dev *pf = pci_physfn(pdev);",
            "",
            "    if (!pdev->is_virtfn || pf->driver != &xe_pci_driver)",
            "        return NULL;",
            "    return pdev_to_xe_device(pf);",
            "}",
            "EXPORT_SYMBOL_FOR_MODULES(xe_sriov_vfio_get_pf, \"xe-vfio-pci\");",
            "",
            "int xe_sriov_vfio_stop_copy_enter(struct xe_device *xe, unsigned int vfid)",
            "{",
            *check,
            "    return xe_sriov_pf_control_trigger_save_vf(xe, vfid);",
            "}",
            "EXPORT_SYMBOL_FOR_MODULES(xe_sriov_vfio_stop_copy_enter, \"xe-vfio-pci\");",
            "",
            "ssize_t xe_sriov_vfio_data_read(struct xe_device *xe, unsigned int vfid,",
            "                                char __user *buf, size_t len)",
            "{",
            "    return xe_sriov_pf_migration_read(xe, vfid, buf, len);",
            "}",
            "EXPORT_SYMBOL_FOR_MODULES(xe_sriov_vfio_data_read, \"xe-vfio-pci\");",
            "",
            "ssize_t xe_sriov_vfio_data_write(struct xe_device *xe, unsigned int vfid,",
            "                                 const char __user *buf, size_t len)",
            "{",
            "    return xe_sriov_pf_migration_write(xe, vfid, buf, len);",
            "}",
            "EXPORT_SYMBOL_FOR_MODULES(xe_sriov_vfio_data_write, \"xe-vfio-pci\");",
        ]),
        new_file("include/drm/intel/xe_sriov_vfio.h", [
            "/* SPDX-License-Identifier: MIT */",
            "/*",
            " * Copyright © 2025 Intel Corporation",
            " */",
            "",
            "#ifndef _XE_SRIOV_VFIO_H_",
            "#define _XE_SRIOV_VFIO_H_",
            "",
            "#include <linux/types.h>",
            "",
            "struct pci_dev;",
            "struct xe_device;",
            "",
            "struct xe_device *xe_sriov_vfio_get_pf(struct pci_dev *pdev);",
            "int xe_sriov_vfio_stop_copy_enter(struct xe_device *xe, unsigned int vfid);",
            "ssize_t xe_sriov_vfio_data_read(struct xe_device *xe, unsigned int vfid,",
            "                                char __user *buf, size_t len);",
            "ssize_t xe_sriov_vfio_data_write(struct xe_device *xe, unsigned int vfid,",
            "                                 const char __user *buf, size_t len);",
            "",
            "#endif",
        ]),
        edit(
            "drivers/gpu/drm/xe/Makefile",
            hunk(172, "", """
                 xe-$(CONFIG_PCI_IOV) += \\
                     xe_gt_sriov_pf.o \\
                     xe_gt_sriov_pf_config.o \\
                +    xe_sriov_vfio.o \\
                     xe_sriov_pf.o
            """),
        ),
    ]


def pf_flr() -> list[FileEdit]:
    return [
        edit(
            "drivers/gpu/drm/xe/xe_sriov_pf_control.c",
            hunk(211, "int xe_sriov_pf_control_reset_vf(struct xe_device *xe, unsigned int vfid)", """
                     for_each_gt(gt, xe, id) {
                         ret = xe_gt_sriov_pf_control_trigger_flr(gt, vfid);
                         result = result ? -EUCLEAN : ret;
                     }
                +
                +    /* a reset invalidates any migration data the PF still holds */
                +    xe_sriov_pf_migration_discard(xe, vfid);
                 
                     return result;
                 }
            """),
        ),
    ]


def vfio_driver(version: int) -> list[FileEdit]:
    resume_check = ["    if (len > XE_VFIO_MAX_STATE - *pos)", "        return -EFBIG;", ""] \
        if version >= 2 else []
    main = [
        "// SPDX-License-Identifier: GPL-2.0-only",
        "/*",
        " * Copyright © 2025 Intel Corporation",
        " */",
        "",
        "#include <linux/anon_inodes.h>",
        "#include <linux/delay.h>",
        "#include <linux/file.h>",
        "#include <linux/module.h>",
        "#include <linux/pci.h>",
        "#include <linux/sizes.h>",
        "#include <linux/types.h>",
        "#include <linux/vfio.h>",
        "#include <linux/vfio_pci_core.h>",
        "",
        "#include <drm/intel/xe_sriov_vfio.h>",
        "",
        "#define XE_VFIO_MAX_STATE    SZ_256M",
        "",
        "struct xe_vfio_pci_migration_file {",
        "    struct file *filp;",
        "    /* serializes accesses to migration data */",
        "    struct mutex lock;",
        "    struct xe_vfio_pci_core_device *xe_vdev;",
        "    u8 disabled:1;",
        "};",
        "",
        "struct xe_vfio_pci_core_device {",
        "    struct vfio_pci_core_device core_device;",
        "    struct xe_device *xe;",
        "    /* PF internal control uses vfid index starting from 1 */",
        "    unsigned int vfid;",
        "    u8 migrate_cap:1;",
        "    u8 deferred_reset:1;",
        "    /* protects migration state */",
        "    struct mutex state_mutex;",
        "    enum vfio_device_mig_state mig_state;",
        "    /* protects the reset_done flow */",
        "    spinlock_t reset_lock;",
        "    struct xe_vfio_pci_migration_file *migf;",
        "};",
        "",
        "#define xe_vdev_to_dev(xe_vdev) (&(xe_vdev)->core_device.pdev->dev)",
        "",
        "static ssize_t xe_vfio_pci_save_read(struct file *filp, char __user *buf,",
        "                                     size_t len, loff_t *pos)",
        "{",
        "    struct xe_vfio_pci_migration_file *migf = filp->private_data;",
        "    ssize_t ret;",
        "",
        "    if (pos)",
        "        return -ESPIPE;",
        "",
        "    mutex_lock(&migf->lock);",
        "    ret = xe_sriov_vfio_data_read(migf->xe_vdev->xe, migf->xe_vdev->vfid, buf, len);",
        "    mutex_unlock(&migf->lock);",
        "",
        "    return ret;",
        "}",
        "",
        "static ssize_t xe_vfio_pci_resume_write(struct file *filp, const char __user *buf,",
        "                                        size_t len, loff_t *pos)",
        "{",
        "    struct xe_vfio_pci_migration_file *migf = filp->private_data;",
        "    ssize_t ret;",
        "",
        "    if (pos)",
        "        return -ESPIPE;",
        "    pos = &filp->f_pos;",
        "",
        *resume_check,
        "    mutex_lock(&migf->lock);",
        "    ret = xe_sriov_vfio_data_write(migf->xe_vdev->xe, migf->xe_vdev->vfid, buf, len);",
        "    if (ret > 0)",
        "        *pos += ret;",
        "    mutex_unlock(&migf->lock);",
        "",
        "    return ret;",
        "}",
        "",
        "static const struct file_operations xe_vfio_pci_save_fops = {",
        "    .owner = THIS_MODULE,",
        "    .read = xe_vfio_pci_save_read,",
        "    .release = xe_vfio_pci_release_file,",
        "    .llseek = noop_llseek,",
        "};",
        "",
        "static const struct file_operations xe_vfio_pci_resume_fops = {",
        "    .owner = THIS_MODULE,",
        "    .write = xe_vfio_pci_resume_write,",
        "    .release = xe_vfio_pci_release_file,",
        "    .llseek = noop_llseek,",
        "};",
        "",
        "static struct file *",
        "xe_vfio_set_state(struct xe_vfio_pci_core_device *xe_vdev, u32 new)",
        "{",
        "    u32 cur = xe_vdev->mig_state;",
        "    int ret;",
        "",
        "    if (cur == VFIO_DEVICE_STATE_RUNNING && new == VFIO_DEVICE_STATE_STOP) {",
        "        ret = xe_sriov_vfio_stop_copy_enter(xe_vdev->xe, xe_vdev->vfid);",
        "        if (ret)",
        "            return ERR_PTR(ret);",
        "        return NULL;",
        "    }",
        "",
        "    if (cur == VFIO_DEVICE_STATE_STOP && new == VFIO_DEVICE_STATE_STOP_COPY)",
        "        return xe_vfio_pci_alloc_file(xe_vdev, &xe_vfio_pci_save_fops, O_RDONLY);",
        "",
        "    if (cur == VFIO_DEVICE_STATE_STOP && new == VFIO_DEVICE_STATE_RESUMING)",
        "        return xe_vfio_pci_alloc_file(xe_vdev, &xe_vfio_pci_resume_fops, O_WRONLY);",
        "",
        "    WARN(true, \"Unknown state transition %d->%d\", cur, new);",
        "    return ERR_PTR(-EINVAL);",
        "}",
        "",
        "static struct file *",
        "xe_vfio_pci_set_device_state(struct vfio_device *core_vdev,",
        "                             enum vfio_device_mig_state new_state)",
        "{",
        "    struct xe_vfio_pci_core_device *xe_vdev =",
        "        container_of(core_vdev, struct xe_vfio_pci_core_device, core_device.vdev);",
        "    enum vfio_device_mig_state next_state;",
        "    struct file *f = NULL;",
        "    int ret;",
        "",
        "    mutex_lock(&xe_vdev->state_mutex);",
        "    while (new_state != xe_vdev->mig_state) {",
        "        ret = vfio_mig_get_next_state(core_vdev, xe_vdev->mig_state,",
        "                                      new_state, &next_state);",
        "        if (ret) {",
        "            f = ERR_PTR(ret);",
        "            break;",
        "        }",
        "        f = xe_vfio_set_state(xe_vdev, next_state);",
        "        if (IS_ERR(f))",
        "            break;",
        "        xe_vdev->mig_state = next_state;",
        "        if (WARN_ON(f && new_state != next_state)) {",
        "            fput(f);",
        "            f = ERR_PTR(-EINVAL);",
        "            break;",
        "        }",
        "    }",
        "    mutex_unlock(&xe_vdev->state_mutex);",
        "    return f;",
        "}",
        "",
        "static int xe_vfio_pci_get_device_state(struct vfio_device *core_vdev,",
        "                                        enum vfio_device_mig_state *curr_state)",
        "{",
        "    struct xe_vfio_pci_core_device *xe_vdev =",
        "        container_of(core_vdev, struct xe_vfio_pci_core_device, core_device.vdev);",
        "",
        "    mutex_lock(&xe_vdev->state_mutex);",
        "    *curr_state = xe_vdev->mig_state;",
        "    mutex_unlock(&xe_vdev->state_mutex);",
        "    return 0;",
        "}",
        "",
        "static const struct vfio_migration_ops xe_vfio_pci_migration_ops = {",
        "    .migration_set_state = xe_vfio_pci_set_device_state,",
        "    .migration_get_state = xe_vfio_pci_get_device_state,",
        "};",
        "",
        "static void xe_vfio_pci_migration_init(struct xe_vfio_pci_core_device *xe_vdev)",
        "{",
        "    struct vfio_device *core_vdev = &xe_vdev->core_device.vdev;",
        "    struct pci_dev *pdev = to_pci_dev(core_vdev->dev);",
        "    struct xe_device *xe = xe_sriov_vfio_get_pf(pdev);",
        "    int ret;",
        "",
        "    if (!xe)",
        "        return;",
        "",
        "    ret = pci_iov_vf_id(pdev);",
        "    if (ret < 0)",
        "        return;",
        "",
        "    mutex_init(&xe_vdev->state_mutex);",
        "    spin_lock_init(&xe_vdev->reset_lock);",
        "",
        "    /* PF internal control uses vfid index starting from 1 */",
        "    xe_vdev->vfid = ret + 1;",
        "    xe_vdev->xe = xe;",
        "    xe_vdev->migrate_cap = true;",
        "",
        "    core_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;",
        "    core_vdev->mig_ops = &xe_vfio_pci_migration_ops;",
        "}",
        "",
        "static const struct pci_device_id xe_vfio_pci_table[] = {",
    ]
    for dev_id in ("0xe211", "0xe212", "0xe215", "0xe216", "0xe220", "0xe221", "0xe222", "0xe223"):
        main.append(f"    {{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, {dev_id}) }},")
    main += [
        "    {}",
        "};",
        "MODULE_DEVICE_TABLE(pci, xe_vfio_pci_table);",
        "",
        "static struct pci_driver xe_vfio_pci_driver = {",
        "    .name = \"xe-vfio-pci\",",
        "    .id_table = xe_vfio_pci_table,",
        "    .probe = xe_vfio_pci_probe,",
        "    .remove = xe_vfio_pci_remove,",
        "    .err_handler = &xe_vfio_pci_err_handlers,",
        "    .driver_managed_dma = true,",
        "};",
        "module_pci_driver(xe_vfio_pci_driver);",
        "",
        "MODULE_LICENSE(\"GPL\");",
        "MODULE_AUTHOR(\"Michał Winiarski <michal.winiarski@intel.com>\");",
        "MODULE_DESCRIPTION(\"VFIO PCI driver with migration support for Intel Graphics\");",
    ]
    return [
        edit(
            "drivers/vfio/pci/Kconfig",
            hunk(67, "", """
                 source "drivers/vfio/pci/qat/Kconfig"
                 
                +source "drivers/vfio/pci/xe/Kconfig"
                +
                 endmenu
            """),
        ),
        edit(
            "drivers/vfio/pci/Makefile",
            hunk(19, "", """
                 obj-$(CONFIG_QAT_VFIO_PCI) += qat/
                +
                +obj-$(CONFIG_XE_VFIO_PCI) += xe/
            """),
        ),
        new_file("drivers/vfio/pci/xe/Kconfig", """
            # SPDX-License-Identifier: GPL-2.0-only
            config XE_VFIO_PCI
                tristate "VFIO support for Intel Graphics"
                depends on DRM_XE && PCI_IOV
                select VFIO_PCI_CORE
                help
                  This option enables vendor-specific VFIO driver for Intel Graphics.
                  In addition to generic VFIO PCI functionality, it implements VFIO
                  migration uAPI allowing userspace to enable migration for
                  Intel Graphics SR-IOV Virtual Functions supported by the Xe driver.

                  If you don't know what to do here, say N.
        """),
        new_file("drivers/vfio/pci/xe/Makefile", """
            # SPDX-License-Identifier: GPL-2.0-only
            obj-$(CONFIG_XE_VFIO_PCI) += xe-vfio-pci.o
            xe-vfio-pci-y := main.o
        """),
        new_file("drivers/vfio/pci/xe/main.c", main),
    ]
