"""pds: chunked device state (parent: pds_core and include/linux/pds)."""

from __future__ import annotations

from vfio_workbench_demo.patches import FileEdit, edit, hunk, new_file


def core_adminq() -> list[FileEdit]:
    return [
        edit(
            "include/linux/pds/pds_adminq.h",
            hunk(1199, "enum pds_lm_cmd_opcode {", """
                     PDS_LM_CMD_DIRTY_READ_SEQ        = 54,
                     PDS_LM_CMD_DIRTY_WRITE_ACK       = 55,
                +    PDS_LM_CMD_STATE_CHUNK           = 56,
                 };
            """),
            hunk(1240, "struct pds_lm_status_comp {", """
                 };
             
                +/**
                + * struct pds_lm_state_chunk_cmd - STATE_CHUNK command
                + * @opcode:     Opcode PDS_LM_CMD_STATE_CHUNK
                + * @rsvd:       Word boundary padding
                + * @vf_id:      VF id
                + * @offset:     Offset of the chunk in the device state
                + * @len:        Length of the chunk
                + */
                +struct pds_lm_state_chunk_cmd {
                +    u8     opcode;
                +    u8     rsvd;
                +    __le16 vf_id;
                +    __le64 offset;
                +    __le32 len;
                +};
                +
                 /**
                  * struct pds_lm_save_cmd - SAVE command
                  * @opcode:     Opcode PDS_LM_CMD_SAVE
            """),
        ),
        edit(
            "drivers/net/ethernet/amd/pds_core/adminq.c",
            hunk(214, "int pdsc_adminq_post(struct pdsc *pdsc,", """
                 }
                 EXPORT_SYMBOL_GPL(pdsc_adminq_post);
                +
                +int pdsc_adminq_post_chunk(struct pdsc *pdsc, u16 vf_id, u64 offset, u32 len)
                +{
                +    union pds_core_adminq_cmd cmd = {};
                +    union pds_core_adminq_comp comp = {};
                +
                +    if (len > PDS_LM_MAX_CHUNK_LEN)
                +        return -EINVAL;
                +
                +    cmd.lm_chunk.opcode = PDS_LM_CMD_STATE_CHUNK;
                +    cmd.lm_chunk.vf_id = cpu_to_le16(vf_id);
                +    cmd.lm_chunk.offset = cpu_to_le64(offset);
                +    cmd.lm_chunk.len = cpu_to_le32(len);
                +
                +    return pdsc_adminq_post(pdsc, &cmd, &comp, false);
                +}
                +EXPORT_SYMBOL_GPL(pdsc_adminq_post_chunk);
            """),
        ),
    ]


def lm_chunks(version: int) -> list[FileEdit]:
    bound = "lm_file->alloc_size" if version == 1 else "min_t(u64, lm_file->alloc_size, PDS_LM_MAX_STATE)"
    return [
        edit(
            "drivers/vfio/pci/pds/lm.c",
            hunk(281, "static ssize_t pds_vfio_restore_write(struct file *filp, const char __user *buf,", f"""
                     if (pos)
                         return -ESPIPE;
                     pos = &filp->f_pos;
                -    if (*pos < 0)
                +    if (*pos < 0 || *pos + len > {bound})
                         return -EINVAL;
             
                     mutex_lock(&lm_file->lock);
            """),
            hunk(320, "static ssize_t pds_vfio_restore_write(struct file *filp, const char __user *buf,", """
                         page_len = min_t(size_t, len, PAGE_SIZE - page_offset);
                 
                         to_buff = kmap_local_page(page);
                         err = copy_from_user(to_buff + page_offset, buf, page_len);
                         kunmap_local(to_buff);
                         if (err) {
                             done = -EFAULT;
                             goto out_unlock;
                         }
                +
                +        if (lm_file->chunked &&
                +            pds_vfio_chunk_done(lm_file, *pos + page_len)) {
                +            err = pds_vfio_chunk_resume_write(pds_vfio, lm_file);
                +            if (err) {
                +                done = err;
                +                goto out_unlock;
                +            }
                +        }
                         buf += page_len;
                         len -= page_len;
            """),
        ),
        new_file("drivers/vfio/pci/pds/chunk.c", f"""
            // SPDX-License-Identifier: GPL-2.0
            /* Copyright(c) 2025 Advanced Micro Devices, Inc. */

            #include <linux/vfio.h>
            #include <linux/vfio_pci_core.h>
            #include <linux/pds/pds_adminq.h>

            #include "vfio_dev.h"
            #include "cmds.h"
            #include "lm.h"

            /*
             * The device state is moved in chunks of at most PDS_LM_MAX_CHUNK_LEN so that
             * a large LIF configuration does not need one contiguous allocation on the
             * PF; the device validates the offset of each chunk it is given.
             */
            bool pds_vfio_chunk_done(struct pds_vfio_lm_file *lm_file, u64 end)
            {{
                return end - lm_file->chunk_start >= PDS_LM_MAX_CHUNK_LEN ||
                       end == lm_file->size;
            }}

            int pds_vfio_chunk_resume_write(struct pds_vfio_pci_device *pds_vfio,
                                            struct pds_vfio_lm_file *lm_file)
            {{
                struct pdsc *pdsc = pds_vfio_to_pdsc(pds_vfio);
                u64 offset = lm_file->chunk_start;
                u32 len = lm_file->size - offset;
                int err;

                if (offset > {bound})
                    return -EINVAL;
                len = min_t(u32, len, PDS_LM_MAX_CHUNK_LEN);

                err = pdsc_adminq_post_chunk(pdsc, pds_vfio->vf_id, offset, len);
                if (err) {{
                    dev_err(pds_vfio_to_dev(pds_vfio),
                            "failed to restore state chunk at %llu: %pe\\n",
                            offset, ERR_PTR(err));
                    return err;
                }}

                lm_file->chunk_start += len;
                return 0;
            }}

            int pds_vfio_get_device_state_size_chunked(struct pds_vfio_pci_device *pds_vfio,
                                                       u64 *size)
            {{
                int err;

                err = pds_vfio_get_lm_state_size_cmd(pds_vfio, size);
                if (err)
                    return err;
                if (*size > PDS_LM_MAX_STATE)
                    return -E2BIG;
                return 0;
            }}
        """),
    ]


def lm_report(version: int) -> list[FileEdit]:
    files = [
        edit(
            "drivers/vfio/pci/pds/lm.c",
            hunk(412, "static int pds_vfio_get_device_state_size(struct vfio_device *vdev,", """
                 
                     mutex_lock(&pds_vfio->state_mutex);
                -    *stop_copy_length = pds_vfio->save_file->size;
                +    err = pds_vfio_get_device_state_size_chunked(pds_vfio, stop_copy_length);
                     mutex_unlock(&pds_vfio->state_mutex);
                -    return 0;
                +    return err;
                 }
                 
                 static const struct vfio_migration_ops pds_vfio_lm_ops = {
                     .migration_set_state = pds_vfio_set_device_state,
                     .migration_get_state = pds_vfio_get_device_state,
                -    .migration_get_data_size = pds_vfio_get_device_state_size
                +    .migration_get_data_size = pds_vfio_get_device_state_size,
                 };
            """),
        ),
    ]
    if version >= 2:
        files.append(edit(
            "Documentation/networking/device_drivers/ethernet/amd/pds_vfio_pci.rst",
            hunk(66, "Enabling the driver", """
                 
                 Please see :ref:`Documentation/networking/device_drivers/ethernet/amd/pds_core.rst <pds_core>`
                 for more information.
                +
                +Migration state
                +===============
                +
                +The device state is composed by the device firmware: the LIF configuration,
                +the queue contexts and the interrupt state of the VF.  It is consumed on the
                +destination by the STATE_CHUNK command, one chunk of at most 64 KiB at a
                +time, in order.  None of it is otherwise available to the user through
                +vfio-pci: it is PF-owned state of the VF.
                +
                +Safeguards: the driver rejects writes past the size the device reported and
                +chunks out of order; the firmware validates the version, length and checksum
                +of every chunk before applying it, and fails the restore otherwise.
            """),
        ))
    return files
