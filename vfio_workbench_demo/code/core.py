"""vfio core and vfio-pci core fixes: the series the acceptance checks do not apply to."""

from __future__ import annotations

from vfio_workbench_demo.patches import FileEdit, edit, hunk


def vfio_main_fix() -> list[FileEdit]:
    return [
        edit(
            "drivers/vfio/vfio_main.c",
            hunk(497, "int vfio_df_open(struct vfio_device_file *df)", """
                     if (device->open_count == 1) {
                         ret = vfio_df_device_first_open(df);
                         if (ret)
                -            device->open_count--;
                +            goto err_dec_count;
                     }
                 
                     return ret;
                +
                +err_dec_count:
                +    device->open_count--;
                +    vfio_device_put_kvm(device);
                +    return ret;
                 }
            """),
        ),
    ]


def pci_config_fix() -> list[FileEdit]:
    return [
        edit(
            "drivers/vfio/pci/vfio_pci_config.c",
            hunk(1507, "static int vfio_cap_init(struct vfio_pci_core_device *vdev)", """
                         len = pci_cap_length[cap];
                         if (len == 0xFF) {
                             len = vfio_cap_len(vdev, cap, pos);
                             if (len < 0)
                                 return len;
                         }
                     }
                 
                -    if (!len) {
                +    /*
                +     * A zero-length capability has nothing to virtualize; skip it
                +     * rather than hiding the rest of the chain.
                +     */
                +    if (!len) {
                         pci_dbg(pdev, "%s: hiding cap %#x@%#x\\n", __func__,
                                 cap, pos);
                -        *prev = next;
                -        pos = next;
                +        pos = next;
                         continue;
                     }
            """),
        ),
    ]
