"""mlx5: compressed migration state (parent: mlx5_core and include/linux/mlx5)."""

from __future__ import annotations

from vfio_workbench_demo.patches import FileEdit, Hunk, edit, hunk


def ifc_bits() -> FileEdit:
    return edit(
        "include/linux/mlx5/mlx5_ifc.h",
        hunk(2071, "struct mlx5_ifc_cmd_hca_cap_2_bits {", """
             u8         migratable[0x1];
             u8         reserved_at_81[0x7];
             u8         dp_ordering_force[0x1];
            -u8         reserved_at_89[0x9];
            +u8         reserved_at_89[0x8];
            +u8         migration_state_compression[0x1];
             u8         query_vuid[0x1];
             u8         reserved_at_93[0x5];
             u8         umr_log_entity_size_5[0x1];
        """, shift=1),
        hunk(12874, "struct mlx5_ifc_save_vhca_state_in_bits {", """
             u8         op_mod[0x10];
         
             u8         incremental[0x1];
             u8         set_track[0x1];
            -u8         reserved_at_42[0xe];
            +u8         compress[0x1];
            +u8         reserved_at_43[0xd];
             u8         vhca_id[0x10];
         
             u8         reserved_at_60[0x20];
        """, shift=1),
        hunk(12896, "struct mlx5_ifc_save_vhca_state_out_bits {", """
             u8         syndrome[0x20];
         
             u8         actual_image_size[0x20];
         
             u8         next_required_image_size[0x20];
            +
            +u8         uncompressed_image_size[0x20];
            +
            +u8         compression_algo[0x8];
            +u8         reserved_at_e8[0x18];
             |};
        """, shift=1),
    )


def core_cap(version: int) -> FileEdit:
    """Built line by line: the v2 respin adds the resource-manager guard."""
    fn = [
        " \treturn 0;",
        " }",
        "+",
        "+/**",
        "+ * mlx5_core_migration_compression_supported - Whether the device can compress",
        "+ * the VHCA state it saves for migration.",
        "+ * @dev: the PF core device",
        "+ *",
        "+ * The answer does not change while the device is bound, so callers may cache it.",
        "+ */",
        "+bool mlx5_core_migration_compression_supported(struct mlx5_core_dev *dev)",
        "+{",
        "+\tif (!MLX5_CAP_GEN(dev, migratable))",
        "+\t\treturn false;",
        "+",
    ]
    if version >= 2:
        fn += ["+\tif (!MLX5_CAP_GEN(dev, vhca_resource_manager))", "+\t\treturn false;", "+"]
    fn += [
        "+\treturn MLX5_CAP_GEN_2(dev, migration_state_compression);",
        "+}",
        "+EXPORT_SYMBOL(mlx5_core_migration_compression_supported);",
        " ",
        " int mlx5_cmd_force_teardown_hca(struct mlx5_core_dev *dev)",
        " {",
    ]
    return FileEdit("drivers/net/ethernet/mellanox/mlx5/core/fw.c", (
        hunk(248, "int mlx5_query_hca_caps(struct mlx5_core_dev *dev)", """
                     return err;
             }
         
            +    if (MLX5_CAP_GEN(dev, migratable) &&
            +        MLX5_CAP_GEN_2(dev, migration_state_compression)) {
            +        err = mlx5_core_get_caps(dev, MLX5_CAP_GENERAL_2);
            +        if (err)
            +            return err;
            +    }
            +
             if (MLX5_CAP_GEN(dev, ipsec_offload)) {
                 err = mlx5_core_get_caps_mode(dev, MLX5_CAP_IPSEC,
                                               HCA_CAP_OPMOD_GET_CUR);
        """),
        Hunk(402, "int mlx5_cmd_fast_teardown_hca(struct mlx5_core_dev *dev)", tuple(fn)),
    ))


def driver_header() -> FileEdit:
    return edit(
        "include/linux/mlx5/driver.h",
        hunk(1094, "int mlx5_core_query_vendor_id(struct mlx5_core_dev *mdev, u32 *vendor_id);", """
             int mlx5_cmd_allow_other_vhca_access(struct mlx5_core_dev *dev,
                                                  struct mlx5_cmd_allow_other_vhca_access_attr *attr);
             int mlx5_cmd_alias_obj_create(struct mlx5_core_dev *dev,
            +bool mlx5_core_migration_compression_supported(struct mlx5_core_dev *dev);
        """),
    )


def cmd_c(version: int) -> FileEdit:
    guard = "MLX5VF_MAX_COMPRESSED_IMAGE" if version >= 2 else "SZ_512M"
    return edit(
        "drivers/vfio/pci/mlx5/cmd.c",
        hunk(87, "int mlx5vf_cmd_query_vhca_migration_state(struct mlx5vf_pci_core_device *mvdev,", f"""
             if (ret)
                 return ret;
         
             *state_size = MLX5_GET(query_vhca_migration_state_out, out,
                                   required_umem_size);
            +if (mvdev->compress_state) {{
            +    /*
            +     * The firmware reports the uncompressed size; the compressed image is
            +     * never larger, so this stays a safe upper bound for the buffer.
            +     */
            +    if (*state_size > {guard})
            +        return -EINVAL;
            +}}
             if (total_size)
                 *total_size = mvdev->chunk_mode ?
                     MLX5_GET64(query_vhca_migration_state_out, out,
        """, shift=1),
        hunk(241, "void mlx5vf_cmd_set_migratable(struct mlx5vf_pci_core_device *mvdev,", """
             if (MLX5_CAP_GEN_2(mvdev->mdev, migration_multi_load) &&
                 MLX5_CAP_GEN_2(mvdev->mdev, migration_tracking_state))
                 mvdev->chunk_mode = 1;
            +
            +/* Compression pays off when the image is saved more than once */
            +if (mlx5_core_migration_compression_supported(mvdev->mdev) &&
            +    (mvdev->core_device.vdev.migration_flags & VFIO_MIGRATION_PRE_COPY))
            +    mvdev->compress_state = 1;
         
         end:
             mlx5_vf_put_core_dev(mvdev->mdev);
        """, shift=1),
        hunk(655, "int mlx5vf_cmd_save_vhca_state(struct mlx5vf_pci_core_device *mvdev,", """
             MLX5_SET(save_vhca_state_in, in, op_mod, 0);
             MLX5_SET(save_vhca_state_in, in, vhca_id, mvdev->vhca_id);
             MLX5_SET(save_vhca_state_in, in, mkey, buf->mkey);
             MLX5_SET(save_vhca_state_in, in, size, buf->allocated_length);
             MLX5_SET(save_vhca_state_in, in, incremental, inc);
             MLX5_SET(save_vhca_state_in, in, set_track, track);
            +MLX5_SET(save_vhca_state_in, in, compress, mvdev->compress_state);
         
             async_data = &migf->async_data[buf->stop_copy_chunk_num ?
                 buf->stop_copy_chunk_num - 1 : 0];
        """, shift=1),
    )


def cmd_h(version: int) -> FileEdit:
    lines = """
         u8 mdev_detach:1;
         u8 log_active:1;
         u8 chunk_mode:1;
        +u8 compress_state:1;
         struct completion tracker_comp;
         /* protect migration state */
         struct mutex state_mutex;
    """
    hunks = [hunk(164, "struct mlx5vf_pci_core_device {", lines, shift=1)]
    if version >= 2:
        hunks.insert(0, hunk(13, "", """
             #include <linux/mlx5/vport.h>
             #include <linux/mlx5/fs.h>
         
            +/* The largest compressed image the driver accepts from userspace on resume */
            +#define MLX5VF_MAX_COMPRESSED_IMAGE SZ_512M
            +
             #define MLX5VF_PRE_COPY_SUPP(mvdev) \\
                 ((mvdev)->core_device.vdev.migration_flags & VFIO_MIGRATION_PRE_COPY)
        """))
        hunks.append(hunk(191, "enum {", """
             MLX5_MIGF_HEADER_TAG_STOP_COPY_SIZE = 1 << 0,
            +MLX5_MIGF_HEADER_TAG_COMPRESSED = 1 << 1,
             |};
        """, shift=1))
    return edit("drivers/vfio/pci/mlx5/cmd.h", *hunks)


def main_resume(version: int) -> FileEdit:
    """The resume path: where userspace data enters the driver."""
    limit = "MLX5VF_MAX_COMPRESSED_IMAGE" if version >= 2 else "SZ_512M"
    check_algo = ""
    if version >= 3:
        check_algo = """
            +    if (hdr.algo != MLX5_MIGF_COMPRESS_ALGO_DEFLATE)
            +        return -EOPNOTSUPP;"""
    return edit(
        "drivers/vfio/pci/mlx5/main.c",
        hunk(780, "mlx5vf_resume_read_header_data(struct mlx5_vf_migration_file *migf,", """
             switch (migf->record_tag) {
             case MLX5_MIGF_HEADER_TAG_STOP_COPY_SIZE:
             {
                 u64 stop_copy_size = le64_to_cpup((__le64 *)to_buff);
         
                 if (stop_copy_size > MAX_LOAD_SIZE) {
                     ret = -EINVAL;
                     break;
                 }
                 migf->stop_copy_prep_size = min_t(u64, stop_copy_size, MAX_LOAD_SIZE);
                 break;
             }
            +case MLX5_MIGF_HEADER_TAG_COMPRESSED:
            +    ret = mlx5vf_resume_compressed_header(migf, to_buff);
            +    break;
             default:
                 if (!(migf->record_tag & MLX5_MIGF_HEADER_TAG_OPTIONAL)) {
                     ret = -EOPNOTSUPP;
        """, shift=1),
        hunk(842, "", f"""
                 return ret;
             }}
         
            +struct mlx5vf_compressed_hdr {{
            +    __le32 algo;
            +    __le32 flags;
            +    __le64 compressed_size;
            +    __le64 uncompressed_size;
            +}};
            +
            +static int mlx5vf_resume_compressed_header(struct mlx5_vf_migration_file *migf,
            +                                           const void *to_buff)
            +{{
            +    struct mlx5vf_compressed_hdr hdr;
            +
            +    memcpy(&hdr, to_buff, sizeof(hdr));
            +    if (le32_to_cpu(hdr.flags))
            +        return -EINVAL;{check_algo}
            +    /*
            +     * Userspace supplies both sizes; neither may exceed what the device
            +     * reported it can load, or the firmware would read past the buffer.
            +     */
            +    if (le64_to_cpu(hdr.compressed_size) > {limit} ||
            +        le64_to_cpu(hdr.uncompressed_size) > MAX_LOAD_SIZE ||
            +        le64_to_cpu(hdr.compressed_size) > le64_to_cpu(hdr.uncompressed_size))
            +        return -EINVAL;
            +
            +    migf->compressed_size = le64_to_cpu(hdr.compressed_size);
            +    migf->load_state = MLX5_VF_LOAD_STATE_PREP_IMAGE;
            +    return 0;
            +}}
            +
             static ssize_t mlx5vf_resume_write(struct file *filp, const char __user *buf,
                                                size_t len, loff_t *pos)
             {{
        """),
        hunk(905, "static ssize_t mlx5vf_resume_write(struct file *filp, const char __user *buf,", """
                 case MLX5_VF_LOAD_STATE_READ_HEADER_DATA:
                     ret = mlx5vf_resume_read_header_data(migf, vhca_buf_header,
                                                          &buf, &len, pos, &done);
                     if (ret)
                         goto out_unlock;
                     break;
            +    case MLX5_VF_LOAD_STATE_READ_COMPRESSED:
            +    {
            +        size_t to_copy = min_t(size_t, len,
            +                               migf->compressed_size - vhca_buf->length);
            +
            +        if (copy_from_user(vhca_buf->staging + vhca_buf->length, buf, to_copy)) {
            +            ret = -EFAULT;
            +            goto out_unlock;
            +        }
            +        vhca_buf->length += to_copy;
            +        buf += to_copy;
            +        len -= to_copy;
            +        done += to_copy;
            +        if (vhca_buf->length == migf->compressed_size)
            +            migf->load_state = MLX5_VF_LOAD_STATE_LOAD_IMAGE;
            +        break;
            +    }
                 case MLX5_VF_LOAD_STATE_PREP_IMAGE:
                     ret = mlx5vf_resume_prep_image(migf, vhca_buf);
                     if (ret)
        """),
    )


def precopy_info() -> FileEdit:
    return edit(
        "drivers/vfio/pci/mlx5/main.c",
        hunk(276, "static long mlx5vf_precopy_ioctl(struct file *filp, unsigned int cmd,", """
             if (info.initial_bytes)
                 info.initial_bytes = migf->pre_copy_initial_bytes;
            -info.dirty_bytes = inc_length;
            +/*
            + * With compression the device reports the size of the uncompressed
            + * image; report what userspace will actually read.
            + */
            +info.dirty_bytes = mvdev->compress_state ?
            +    min_t(u64, inc_length, migf->last_compressed_len) : inc_length;
         
             if (!end_of_data || !inc_length) {
                 mutex_unlock(&migf->lock);
        """, shift=1),
    )


def resend_fix() -> FileEdit:
    return edit(
        "drivers/vfio/pci/mlx5/cmd.c",
        hunk(1421, "int mlx5vf_start_page_tracker(struct vfio_device *vdev,", """
             err = mlx5vf_create_tracker(mdev, mvdev, ranges, nnodes);
             if (err)
            -    goto err_dealloc_pd;
            +    goto err_free_fw_qp;
         
             return 0;
         
            +err_free_fw_qp:
            +mlx5vf_destroy_qp(mdev, fw_qp);
         err_activate:
             mlx5vf_destroy_qp(mdev, host_qp);
         err_rec_resources:
        """, shift=1),
    )
