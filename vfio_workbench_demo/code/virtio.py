"""virtio: device parts size and PRE_COPY (parent: virtio core)."""

from __future__ import annotations

from vfio_workbench_demo.patches import FileEdit, edit, hunk


def admin_parts_size() -> list[FileEdit]:
    return [
        edit(
            "drivers/virtio/virtio_pci_modern.c",
            hunk(1012, "static int vp_modern_admin_cmd_exec(struct virtio_device *vdev,", """
                 }
                 EXPORT_SYMBOL_GPL(virtio_pci_admin_dev_parts_get);
                +
                +/*
                + * virtio_pci_admin_dev_parts_size - Query the size the owner device needs to
                + * hold the device parts of a member device.
                + * @pdev: VF pci_dev
                + * @size: where to store the size, in bytes
                + *
                + * Returns 0 on success, or negative on failure.
                + */
                +int virtio_pci_admin_dev_parts_size(struct pci_dev *pdev, u32 *size)
                +{
                +    struct virtio_device *virtio_dev = virtio_pci_vf_get_pf_dev(pdev);
                +    struct virtio_admin_cmd_dev_parts_metadata_result *result;
                +    struct virtio_admin_cmd cmd = {};
                +    struct scatterlist result_sg;
                +    int vf_id, ret;
                +
                +    if (!virtio_dev)
                +        return -ENODEV;
                +
                +    vf_id = pci_iov_vf_id(pdev);
                +    if (vf_id < 0)
                +        return vf_id;
                +
                +    result = kzalloc(sizeof(*result), GFP_KERNEL);
                +    if (!result)
                +        return -ENOMEM;
                +
                +    sg_init_one(&result_sg, result, sizeof(*result));
                +    cmd.opcode = cpu_to_le16(VIRTIO_ADMIN_CMD_DEV_PARTS_METADATA_GET);
                +    cmd.group_type = cpu_to_le16(VIRTIO_ADMIN_GROUP_TYPE_SRIOV);
                +    cmd.group_member_id = cpu_to_le64(vf_id + 1);
                +    cmd.result_sg = &result_sg;
                +    ret = vp_modern_admin_cmd_exec(virtio_dev, &cmd);
                +    if (!ret)
                +        *size = le32_to_cpu(result->parts_size.size);
                +
                +    kfree(result);
                +    return ret;
                +}
                +EXPORT_SYMBOL_GPL(virtio_pci_admin_dev_parts_size);
            """),
        ),
        edit(
            "include/linux/virtio_pci_admin.h",
            hunk(25, "", """
                 int virtio_pci_admin_dev_parts_get(struct pci_dev *pdev, u8 obj_type, u32 id,
                                                    u8 get_type, struct scatterlist *res_sg, u32 *res_size);
                +int virtio_pci_admin_dev_parts_size(struct pci_dev *pdev, u32 *size);
                 #endif
             
                 #endif /* _LINUX_VIRTIO_PCI_ADMIN_H */
            """),
        ),
    ]


def precopy() -> list[FileEdit]:
    return [
        edit(
            "drivers/vfio/pci/virtio/migrate.c",
            hunk(437, "static long virtiovf_precopy_ioctl(struct file *filp, unsigned int cmd,", """
                     if (info.initial_bytes) {
                         info.initial_bytes = migf->pre_copy_initial_bytes;
                         goto done;
                     }
                +
                +    /*
                +     * Until the device reports its parts size, no precopy data is
                +     * available; report zero rather than a stale estimate.
                +     */
                +    if (!virtvdev->parts_size_valid) {
                +        info.dirty_bytes = 0;
                +        goto done;
                +    }
                 
                     ret = virtiovf_read_device_context_chunk(migf, ctx_size);
                     if (ret)
            """),
            hunk(1008, "static ssize_t virtiovf_resume_write(struct file *filp, const char __user *buf,", """
                     case VIRTIOVF_LOAD_STATE_READ_HEADER_DATA:
                         ret = virtiovf_resume_read_header_data(migf, vhca_buf_header,
                                                                &buf, &len, pos, &done);
                         if (ret)
                             goto out_unlock;
                         break;
                +    case VIRTIOVF_LOAD_STATE_READ_PARTS_SIZE:
                +    {
                +        __le32 parts_size;
                +
                +        if (len < sizeof(parts_size)) {
                +            ret = -EINVAL;
                +            goto out_unlock;
                +        }
                +        if (copy_from_user(&parts_size, buf, sizeof(parts_size))) {
                +            ret = -EFAULT;
                +            goto out_unlock;
                +        }
                +        if (le32_to_cpu(parts_size) > migf->max_pos) {
                +            ret = -EINVAL;
                +            goto out_unlock;
                +        }
                +        migf->load_state = VIRTIOVF_LOAD_STATE_PREP_CHUNK;
                +        break;
                +    }
                     case VIRTIOVF_LOAD_STATE_PREP_CHUNK:
                     {
                         u32 cmd_size = migf->record_size +
            """),
        ),
    ]


def report_parts() -> list[FileEdit]:
    return [
        edit(
            "drivers/vfio/pci/virtio/migrate.c",
            hunk(1218, "static int virtiovf_get_data_size(struct vfio_device *vdev,", """
                     struct virtiovf_pci_core_device *virtvdev = container_of(
                         vdev, struct virtiovf_pci_core_device, core_device.vdev);
                     bool obj_id_exists;
                -    u32 res_size;
                +    u32 res_size, parts_size;
                     u32 obj_id;
                     int ret;
             
                +    ret = virtio_pci_admin_dev_parts_size(virtvdev->core_device.pdev,
                +                                          &parts_size);
                +    if (!ret)
                +        virtvdev->parts_size_valid = true;
                +
                     mutex_lock(&virtvdev->state_mutex);
                     obj_id_exists = virtvdev->saving_migf && virtvdev->saving_migf->has_obj_id;
            """),
            hunk(1263, "", """
                 static const struct vfio_migration_ops virtvdev_pci_mig_ops = {
                     .migration_set_state = virtiovf_pci_set_device_state,
                     .migration_get_state = virtiovf_pci_get_device_state,
                     .migration_get_data_size = virtiovf_pci_get_data_size,
                 };
                 
                 void virtiovf_set_migratable(struct virtiovf_pci_core_device *virtvdev)
                 {
                -    virtvdev->core_device.vdev.migration_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;
                +    virtvdev->core_device.vdev.migration_flags = VFIO_MIGRATION_STOP_COPY |
                +                                                 VFIO_MIGRATION_P2P |
                +                                                 VFIO_MIGRATION_PRE_COPY;
                     virtvdev->core_device.vdev.mig_ops = &virtvdev_pci_mig_ops;
                 }
            """),
        ),
    ]
