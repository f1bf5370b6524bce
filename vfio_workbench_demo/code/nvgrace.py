"""nvgrace-gpu: the EGM region (no parent driver: everything is in the variant driver)."""

from __future__ import annotations

from vfio_workbench_demo.patches import FileEdit, edit, hunk, new_file


def egm_file(version: int) -> FileEdit:
    bounds = ["    if (offset >= egm->size || count > egm->size - offset)",
              "        return -EINVAL;"] if version >= 2 else \
             ["    if (offset >= egm->size)", "        return -EINVAL;"]
    lines = [
        "// SPDX-License-Identifier: GPL-2.0-only",
        "/*",
        " * Copyright (c) 2025, NVIDIA CORPORATION & AFFILIATES. All rights reserved",
        " */",
        "",
        "#include <linux/vfio_pci_core.h>",
        "#include <linux/io.h>",
        "",
        '#include "egm.h"',
        "",
        "/*",
        " * Extended GPU Memory (EGM) lets the GPU use a carve-out of the host's system",
        " * memory as if it were device memory.  The carve-out belongs to the VM the GPU",
        " * is assigned to and is exposed to userspace as a device-specific region.",
        " */",
        "",
        "static ssize_t nvgrace_egm_rw(struct nvgrace_egm *egm, char __user *buf,",
        "                              size_t count, loff_t offset, bool iswrite)",
        "{",
        "    void *va;",
        "",
        *bounds,
        "",
        "    va = memremap(egm->phys + offset, count, MEMREMAP_WB);",
        "    if (!va)",
        "        return -ENOMEM;",
        "",
        "    if (iswrite) {",
        "        if (copy_from_user(va, buf, count)) {",
        "            memunmap(va);",
        "            return -EFAULT;",
        "        }",
        "    } else if (copy_to_user(buf, va, count)) {",
        "        memunmap(va);",
        "        return -EFAULT;",
        "    }",
        "    memunmap(va);",
        "    return count;",
        "}",
        "",
        "static ssize_t nvgrace_egm_region_rw(struct vfio_pci_core_device *vdev,",
        "                                     char __user *buf, size_t count,",
        "                                     loff_t *ppos, bool iswrite)",
        "{",
        "    struct nvgrace_egm *egm = nvgrace_egm_from_vdev(vdev);",
        "    loff_t offset = *ppos & VFIO_PCI_OFFSET_MASK;",
        "    ssize_t ret;",
        "",
        "    ret = nvgrace_egm_rw(egm, buf, count, offset, iswrite);",
        "    if (ret > 0)",
        "        *ppos += ret;",
        "    return ret;",
        "}",
        "",
        "static void nvgrace_egm_region_release(struct vfio_pci_core_device *vdev,",
        "                                       struct vfio_pci_region *region)",
        "{",
        "}",
        "",
        "static const struct vfio_pci_regops nvgrace_egm_regops = {",
        "    .rw = nvgrace_egm_region_rw,",
        "    .release = nvgrace_egm_region_release,",
        "};",
        "",
        "int nvgrace_egm_register_region(struct vfio_pci_core_device *vdev,",
        "                                struct nvgrace_egm *egm)",
        "{",
        "    return vfio_pci_core_register_dev_region(vdev,",
        "            PCI_VENDOR_ID_NVIDIA | VFIO_REGION_TYPE_PCI_VENDOR_TYPE,",
        "            VFIO_REGION_SUBTYPE_NVIDIA_EGM, &nvgrace_egm_regops,",
        "            egm->size, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |",
        "            VFIO_REGION_INFO_FLAG_MMAP, egm);",
        "}",
    ]
    return new_file("drivers/vfio/pci/nvgrace-gpu/egm.c", lines)


def egm_probe() -> list[FileEdit]:
    return [
        edit(
            "drivers/vfio/pci/nvgrace-gpu/main.c",
            hunk(1014, "static int nvgrace_gpu_probe(struct pci_dev *pdev,", """
                     ret = nvgrace_gpu_fetch_memory_property(pdev, &memphys, &memlength);
                     if (!ret)
                         ops = &nvgrace_gpu_pci_ops;
                +
                +    ret = nvgrace_egm_fetch_property(pdev, &egm);
                +    if (ret && ret != -ENODEV)
                +        return ret;
                 
                     nvdev = vfio_alloc_device(nvgrace_gpu_pci_core_device, core_device.vdev,
                                               &pdev->dev, ops);
            """),
            hunk(1047, "static int nvgrace_gpu_probe(struct pci_dev *pdev,", """
                     ret = vfio_pci_core_register_device(&nvdev->core_device);
                     if (ret)
                         goto out_put_vdev;
                +
                +    if (egm.size) {
                +        ret = nvgrace_egm_register_region(&nvdev->core_device, &egm);
                +        if (ret)
                +            goto out_unregister;
                +    }
                 
                     return ret;
                 
                +out_unregister:
                +    vfio_pci_core_unregister_device(&nvdev->core_device);
                 out_put_vdev:
                     vfio_put_device(&nvdev->core_device.vdev);
                     return ret;
            """),
        ),
        edit(
            "drivers/vfio/pci/nvgrace-gpu/Makefile",
            hunk(1, "", """
                 # SPDX-License-Identifier: GPL-2.0-only
                 obj-$(CONFIG_NVGRACE_GPU_VFIO_PCI) += nvgrace-gpu-vfio-pci.o
                -nvgrace-gpu-vfio-pci-y := main.o
                +nvgrace-gpu-vfio-pci-y := main.o egm.o
            """),
        ),
    ]


def uapi() -> FileEdit:
    return edit(
        "include/uapi/linux/vfio.h",
        hunk(351, "", """
             /* 10de vendor PCI sub-types */
             /*
              * NVIDIA GPU NVlink2 RAM is coherent RAM mapped onto the host address space.
              *
              * Deprecated, region no longer provided
              */
             #define VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM    (1)
            +
            +/* Extended GPU Memory carve-out of host system memory, see nvgrace-gpu */
            +#define VFIO_REGION_SUBTYPE_NVIDIA_EGM        (2)
        """),
    )


def doc() -> FileEdit:
    return new_file("Documentation/driver-api/vfio-nvgrace-gpu.rst", """
        .. SPDX-License-Identifier: GPL-2.0

        ==============================================
        NVIDIA Grace GPU vfio-pci variant driver: EGM
        ==============================================

        The driver exposes Extended GPU Memory (EGM) as a device-specific region of
        type ``PCI_VENDOR_ID_NVIDIA | VFIO_REGION_TYPE_PCI_VENDOR_TYPE`` and subtype
        ``VFIO_REGION_SUBTYPE_NVIDIA_EGM``.

        Composition
        ===========

        The region is a carve-out of host system memory reserved by firmware for the
        GPU.  Its size and base come from ACPI (``nvidia,egm-base-pa`` and
        ``nvidia,egm-size``); the driver does not compose any state of its own.

        Availability
        ============

        The carve-out is not otherwise available to the user through vfio-pci: it is
        neither a BAR nor device memory, and only this region reaches it.

        Safeguards
        ==========

        Every access is bounds-checked against the carve-out size before it is
        mapped; the region is torn down before the device is released, and the
        carve-out is scrubbed by firmware on a function-level reset.
    """)
