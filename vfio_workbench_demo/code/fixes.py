"""Small fixes in variant drivers: the everyday traffic between the big series.

None of them adds a device-specific extension or takes userspace data, so documentation
and userspace-data do not apply; they exercise the reviewer and maintainer checks alone.
"""

from __future__ import annotations

from vfio_workbench_demo.patches import FileEdit, edit, hunk


def pds_is_err() -> list[FileEdit]:
    return [edit(
        "drivers/vfio/pci/pds/vfio_dev.c",
        hunk(161, "static int pds_vfio_pci_probe(struct pci_dev *pdev,", """
                 pds_vfio = vfio_alloc_device(pds_vfio_pci_device, vfio_coredev.vdev,
                                              &pdev->dev, pds_vfio_ops_info());
            -    if (!pds_vfio)
            -        return -ENOMEM;
            +    if (IS_ERR(pds_vfio))
            +        return PTR_ERR(pds_vfio);
             
                 dev_set_drvdata(&pdev->dev, &pds_vfio->vfio_coredev);
        """),
    )]


def nvgrace_typo() -> list[FileEdit]:
    return [edit(
        "drivers/vfio/pci/nvgrace-gpu/main.c",
        hunk(905, "static int nvgrace_gpu_fetch_memory_property(struct pci_dev *pdev,", """
                 /*
            -     * The memory information is present in the system ACPI tables as DSD
            -     * properties nvidia,gpu-mem-base-pa and nvidia,gpu-mem-size. Retreive
            -     * them and use them as the usable memmory region.
            +     * The memory information is present in the system ACPI tables as DSD
            +     * properties nvidia,gpu-mem-base-pa and nvidia,gpu-mem-size. Retrieve
            +     * them and use them as the usable memory region.
                  */
                 ret = device_property_read_u64(&pdev->dev, "nvidia,gpu-mem-base-pa",
                                                &memphys);
        """),
    )]


def mlx5_stack() -> list[FileEdit]:
    return [edit(
        "drivers/vfio/pci/mlx5/cmd.c",
        hunk(1102, "static int mlx5vf_create_tracker(struct mlx5_core_dev *mdev,", """
                 void *obj_context;
                 void *cmd_hdr;
                 u32 num_ranges = nnodes;
                 u8 log_addr_space_size;
            +    u32 *in;
                 int err;
             
            -    u32 in[MLX5_ST_SZ_DW(page_track_in)] = {};
            +    in = kzalloc(inlen, GFP_KERNEL);
            +    if (!in)
            +        return -ENOMEM;
        """),
        hunk(1160, "static int mlx5vf_create_tracker(struct mlx5_core_dev *mdev,", """
                 err = mlx5_cmd_exec(mdev, in, inlen, out, sizeof(out));
                 if (err)
            -        return err;
            +        goto out;
             
                 tracker->id = MLX5_GET(general_obj_out_cmd_hdr, out, obj_id);
            -    return 0;
            +out:
            +    kfree(in);
            +    return err;
             }
        """),
    )]


def hisi_reset(part: int) -> list[FileEdit]:
    if part == 1:
        return [edit(
            "drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c",
            hunk(1265, "static void hisi_acc_vf_pci_aer_reset_done(struct pci_dev *pdev)", """
                     if (hisi_acc_vdev->core_device.vdev.migration_flags !=
                         VFIO_MIGRATION_STOP_COPY)
                         return;
                 
                -    mutex_lock(&hisi_acc_vdev->state_mutex);
                -    hisi_acc_vf_reset(hisi_acc_vdev);
                -    mutex_unlock(&hisi_acc_vdev->state_mutex);
                +    scoped_guard(mutex, &hisi_acc_vdev->state_mutex)
                +        hisi_acc_vf_reset(hisi_acc_vdev);
                 }
            """),
        )]
    return [edit(
        "drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c",
        hunk(1003, "static void hisi_acc_vf_reset(struct hisi_acc_vf_core_device *hisi_acc_vdev)", """
                 hisi_acc_vdev->vf_qm_state = QM_NOT_READY;
                 hisi_acc_vdev->mig_state = VFIO_DEVICE_STATE_RUNNING;
            +    hisi_acc_vdev->match_done = false;
                 hisi_acc_vf_disable_fds(hisi_acc_vdev);
             }
        """),
    )]


def virtio_kdoc() -> list[FileEdit]:
    return [edit(
        "drivers/vfio/pci/virtio/main.c",
        hunk(47, "static int virtiovf_pci_open_device(struct vfio_device *core_vdev)", """
             }
             
            -/*
            - * virtiovf_pci_init_device: initialize the virtio vfio device
            +/**
            + * virtiovf_pci_init_device() - initialize the virtio vfio device
            + * @core_vdev: the vfio device embedded in the virtio vfio device
              *
            - * Return: 0 on success.
            + * Return: 0 on success, a negative error code otherwise.
              */
        """),
    )]
