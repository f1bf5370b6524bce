"""hisi_acc: migrating the VF's doorbell configuration (parent: the HiSilicon QM driver)."""

from __future__ import annotations

from vfio_workbench_demo.patches import FileEdit, edit, hunk


def qm_export(version: int) -> list[FileEdit]:
    lock = "\n            +    lockdep_assert_held(&qm->mailbox_lock);\n            +" if version >= 2 else ""
    qm = edit(
        "drivers/crypto/hisilicon/qm.c",
        hunk(98, "", """
             #define QM_VF_CNT_MASK            GENMASK(7, 0)
             #define QM_VF_EQ_INT_MASK        0x40c
            +#define QM_DB_BASE_VF(n)        (0x3000 + ((n) - 1) * 0x8)
            +#define QM_DB_STRIDE_VF(n)        (0x3004 + ((n) - 1) * 0x8)
         
             #define QM_SQC_VFT_BUF_SIZE        (7ULL << 8)
        """),
        hunk(1034, "static int qm_get_vft_v2(struct hisi_qm *qm, u32 *base, u32 *number)", f"""
                 return 0;
             }}
         
            +/**
            + * hisi_qm_get_db_config() - Read a function's doorbell configuration.
            + * @qm: the PF's qm
            + * @fun_num: the VF number (1-based)
            + * @cfg: where to store the doorbell base and stride
            + *
            + * Used by the vfio variant driver to save a VF's state for migration; the
            + * values come from the PF's view of the VF and cannot be set by the VF.
            + */
            +int hisi_qm_get_db_config(struct hisi_qm *qm, u32 fun_num,
            +                          struct hisi_qm_db_cfg *cfg)
            +{{{lock}
            +    if (!fun_num || fun_num > qm->vfs_num)
            +        return -EINVAL;
            +
            +    cfg->db_base = readl(qm->io_base + QM_DB_BASE_VF(fun_num));
            +    cfg->db_stride = readl(qm->io_base + QM_DB_STRIDE_VF(fun_num));
            +    return 0;
            +}}
            +EXPORT_SYMBOL_GPL(hisi_qm_get_db_config);
            +
             static int qm_get_vf_qp_num(struct hisi_qm *qm, u32 fun_num)
             {{
                 u32 remain_q_num, vfq_num;
        """),
    )
    header = edit(
        "include/linux/hisi_acc_qm.h",
        hunk(571, "struct hisi_qp {", """
             int hisi_qm_alloc_qps_node(struct hisi_qm_list *qm_list, int qp_num,
                                        u8 alg_type, int node, struct hisi_qp **qps);
             void hisi_qm_free_qps(struct hisi_qp **qps, int qp_num);
            +
            +struct hisi_qm_db_cfg {
            +    u32 db_base;
            +    u32 db_stride;
            +};
            +int hisi_qm_get_db_config(struct hisi_qm *qm, u32 fun_num,
            +                          struct hisi_qm_db_cfg *cfg);
             void hisi_qm_dev_shutdown(struct pci_dev *pdev);
             void hisi_qm_wait_task_finish(struct hisi_qm *qm, struct hisi_qm_list *qm_list);
        """),
    )
    return [qm, header]


def vfio_save(version: int) -> list[FileEdit]:
    header = edit(
        "drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.h",
        hunk(78, "struct acc_vf_data {", """
                 u16 eqe_stride;
                 u16 aeqe_stride;
             
            +    /* doorbell configuration, read through the PF */
            +    u32 db_base;
            +    u32 db_stride;
            +
                 /* QM reserved match information */
                 u32 qm_rsv_state[QM_RSV_STATE_NUM];
        """),
    )
    checks = """
            +    if (vf_data->db_stride != pf_cfg.db_stride ||
            +        vf_data->db_base != pf_cfg.db_base) {
            +        dev_err(dev, "failed to match the VF doorbell configuration\\n");
            +        return -EINVAL;
            +    }"""
    body = edit(
        "drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c",
        hunk(358, "static int vf_qm_check_match(struct hisi_acc_vf_core_device *hisi_acc_vdev,", f"""
                 if (vf_data->que_iso_cfg != que_iso_state) {{
                     dev_err(dev, "failed to match isolation state\\n");
                     return -EINVAL;
                 }}
            +
            +    ret = hisi_qm_get_db_config(pf_qm, hisi_acc_vdev->vf_id, &pf_cfg);
            +    if (ret)
            +        return ret;
            +{checks}
         
                 hisi_acc_vdev->vf_qm_state = vf_data->vf_qm_state;
         
        """),
        hunk(512, "static int vf_qm_state_save(struct hisi_acc_vf_core_device *hisi_acc_vdev,", """
                 vf_data->vf_qm_state = QM_READY;
                 hisi_acc_vdev->vf_qm_state = vf_data->vf_qm_state;
             
            +    ret = hisi_qm_get_db_config(hisi_acc_vdev->pf_qm, hisi_acc_vdev->vf_id,
            +                                &db_cfg);
            +    if (ret)
            +        return ret;
            +    vf_data->db_base = db_cfg.db_base;
            +    vf_data->db_stride = db_cfg.db_stride;
            +
                 ret = vf_qm_read_data(vf_qm, vf_data);
                 if (ret)
                     return ret;
        """),
    )
    return [header, body]


def vfio_version(version: int) -> list[FileEdit]:
    minimum = "ACC_DEV_MAGIC_V2" if version >= 2 else "ACC_DEV_MAGIC_V1"
    return [
        edit(
            "drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.h",
            hunk(40, "", """
                 #define QM_EQC_DW0        0X8000
                 #define QM_AEQC_DW0        0X8020
             
                 #define ACC_DEV_MAGIC_V2    0xAACCFEEDDECADEDE
                +#define ACC_DEV_MAGIC_V3    0xAACCFEEDDECADEDF
             
                 struct acc_vf_data {
            """),
        ),
        edit(
            "drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c",
            hunk(726, "static ssize_t hisi_acc_vf_resume_write(struct file *filp, const char __user *buf,", f"""
                -    ret = copy_from_user(vf_data + *pos, buf, len);
                +    ret = copy_from_user((u8 *)vf_data + *pos, buf, len);
                     if (ret) {{
                         ret = -EFAULT;
                         goto out;
                     }}
                +
                +    /*
                +     * The header is complete once the magic has arrived: refuse images
                +     * from drivers older than {minimum} before any field is used.
                +     */
                +    if (*pos + len >= sizeof(u64) &&
                +        vf_data->acc_magic < {minimum}) {{
                +        ret = -EINVAL;
                +        goto out;
                +    }}
                     *pos += len;
                     done = len;
                     migf->total_length += len;
            """),
            hunk(1042, "hisi_acc_vf_set_device_state(struct hisi_acc_vf_core_device *hisi_acc_vdev,", """
                     if (cur == VFIO_DEVICE_STATE_STOP && new == VFIO_DEVICE_STATE_RESUMING) {
                         struct hisi_acc_vf_migration_file *migf;
             
                +        /* a v3 image restores the doorbell configuration: start clean */
                +        if (new == VFIO_DEVICE_STATE_RESUMING)
                +            hisi_acc_vf_clear_db_config(hisi_acc_vdev);
                         migf = hisi_acc_vf_pci_resume(hisi_acc_vdev);
                         if (IS_ERR(migf))
                             return ERR_CAST(migf);
            """),
        ),
    ]
