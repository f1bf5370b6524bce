"""The named table of what a diff line can signal: device-specific extensions, and data
taken from userspace.

One table, so the evidence can say which pattern fired and a maintainer who disagrees with
one can find it. Extension patterns name what a series *adds* for its device (DESIGN.md,
"Extensions are additions"): migration ops and states, dirty tracking, a new region type or
device region, a new ioctl or feature. Words every vfio driver uses —
``VFIO_REGION_INFO_FLAG_READ`` on a config or BAR region, ``vfio_info_add_capability``,
``region_info`` — describe standard regions, so they are not patterns at all; and
``diff.find_signals`` counts an extension only where the patch does not remove the same
name elsewhere (an edited or moved line is not a new extension).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.model import SignalKind

_E = SignalKind.EXTENSION
_U = SignalKind.USERSPACE


@dataclass(frozen=True, slots=True)
class Pattern:
    kind: SignalKind
    name: str
    regex: re.Pattern[str]
    why: str
    needles: tuple[str, ...]  # lower-case substrings, one of which any match contains
    path: re.Pattern[str] | None = None  # only in files whose path matches, when set


def _p(kind: SignalKind, name: str, regex: str, why: str, needles: str, flags: int = 0,
       path: str | None = None) -> Pattern:
    return Pattern(kind, name, re.compile(regex, flags), why, tuple(needles.split()),
                   re.compile(path) if path else None)


UAPI_HEADER = r"^include/uapi/linux/vfio\.h$"

PATTERNS: tuple[Pattern, ...] = (
    # Device-specific extensions: what the documentation requirement is about.
    _p(_E, "vfio_migration_ops", r"\bvfio_migration_ops\b", "migration driver ops", "vfio_migration_ops"),
    _p(_E, "mig_ops", r"\b(?:mig|log)_ops\s*=(?!=)", "migration or dirty-tracking ops assigned",
       "mig_ops log_ops"),
    _p(_E, "VFIO_MIGRATION_*", r"\bVFIO_MIGRATION_[A-Z0-9_]+\b", "migration capability flags", "vfio_migration_"),
    _p(_E, "VFIO_DEVICE_STATE_*", r"\bVFIO_DEVICE_STATE_[A-Z0-9_]+\b", "migration state transitions",
       "vfio_device_state_"),
    _p(_E, "migration_set_state", r"(?<=\w)_set_(?:device_)?state\b", "migration state change handler", "_set_"),
    _p(_E, "migration_get_state", r"(?<=\w)_get_(?:device_)?state\b", "migration state query handler", "_get_"),
    _p(_E, "resume_write", r"_resume_write\b", "migration data consumed from userspace", "_resume_write"),
    _p(_E, "save_read", r"_save_read\b", "migration data produced for userspace", "_save_read"),
    _p(_E, "precopy", r"precopy", "pre-copy migration", "precopy", re.IGNORECASE),
    _p(_E, "vfio_log_ops", r"\bvfio_log_ops\b", "dirty-page tracking ops", "vfio_log_ops"),
    _p(_E, "log_start", r"\blog_start\b", "dirty-page tracking start", "log_start"),
    _p(_E, "log_read_and_clear", r"\blog_read_and_clear\b", "dirty-page tracking report", "log_read_and_clear"),
    _p(_E, "dirty_tracking", r"dirty_?(?:track|log|bitmap|page|range|rate)", "dirty-page tracking", "dirty",
       re.IGNORECASE),
    # a region of the device's own type; the standard config/BAR regions have none
    _p(_E, "VFIO_REGION_TYPE_*", r"\bVFIO_REGION_(?:TYPE|SUBTYPE)_[A-Z0-9_]+\b", "device-specific region type",
       "vfio_region_type_ vfio_region_subtype_"),
    _p(_E, "register_dev_region", r"\bvfio_pci_(?:core_)?register_dev_region\b", "new device region",
       "register_dev_region"),
    _p(_E, "vfio_pci_regops", r"\bstruct\s+vfio_pci_regops\s+\w+\s*=", "ops of a new device region",
       "vfio_pci_regops"),
    # GET/SET/PROBE/MASK are how every feature is called, not a feature
    _p(_E, "VFIO_DEVICE_FEATURE_*", r"\bVFIO_DEVICE_FEATURE_(?!(?:GET|SET|PROBE|MASK)\b)[A-Z0-9_]+\b",
       "device feature", "vfio_device_feature_"),
    _p(_E, "ioctl_number", r"^\s*#\s*define\s+VFIO_[A-Z0-9_]+\s+_IO[RW]{0,2}\(", "new ioctl number",
       "_io( _ior( _iow( _iowr("),
    _p(_E, "ioctl_case", r"\bcase\s+VFIO_DEVICE_(?!STATE_)[A-Z0-9_]+\s*:|\bcmd\s*==\s*VFIO_DEVICE_(?!STATE_)[A-Z0-9_]+",
       "ioctl command handled by the driver", "vfio_device_"),
    # every variant driver points .ioctl at vfio_pci_core_ioctl: only its own handler is new
    _p(_E, "ioctl_handler", r"\.(?:unlocked_|compat_)?ioctl\s*=\s*(?!vfio_pci_core_ioctl\b)\w+"
       r"|_ioctl\s*\(\s*struct\s+vfio_device\b(?<!vfio_pci_core_ioctl\(struct vfio_device)",
       "ioctl handler", "ioctl"),
    _p(_E, "emulated_bar", r"emulat(?:ed|ion|e|ing)?[ _](?:pci[ _])?bar|\bbar\w{0,40}_emul|\bfake_?bar", "emulated BAR",
       "emul fake", re.IGNORECASE),
    _p(_E, "config_emulation", r"emulat(?:ed|ion|e|ing)?[ _](?:pci[ _])?(?:config|cfg)|(?:config|cfg)\w{0,40}_emu",
       "config space emulation", "emu", re.IGNORECASE),
    # Userspace data: what the reviewer should look at with care.
    _p(_U, "copy_from_user", r"copy_from_user", "copies data from userspace", "copy_from_user"),
    _p(_U, "get_user", r"\b_*get_user\b", "reads a value from userspace", "get_user"),
    _p(_U, "__user", r"\b__user\b", "userspace pointer", "__user"),
    _p(_U, "memdup_user", r"\b(?:v?memdup_(?:array_)?user(?:_nul)?|strndup_user)\b", "duplicates userspace data",
       "dup_user dup_array_user"),
    _p(_U, "copy_from_iter", r"\bcopy_from_iter|\bsimple_write_to_buffer\b", "copies data from an iterator",
       "copy_from_iter write_to_buffer"),
    _p(_U, "resume_write", r"_resume_write\b", "migration data written by userspace", "_resume_write"),
    _p(_U, "write_handler", r"\.write\s*=", "write handler", ".write"),
    # The device state a destination host loads came from userspace (the resume write),
    # however many kernel buffers it passed through: the parent driver's parser of it
    # (qat's adf_mstate_mgr_init_from_remote, mlx5vf_cmd_load_vhca_state) deserves the
    # same care as the copy_from_user that brought it in.
    _p(_U, "migration_load", r"\b(?!pci_|request_firmware|firmware_)\w*(?:load|restore|import)\w*_(?:state|data|image|stream)"
       r"\w*\s*\(|\w_from_remote\b",
       "loads migration data that came from userspace", "load restore import from_remote"),
    _p(_U, "core_write", r"\bvfio_pci_core_write\b|\bops->write\b", "vfio-pci write path",
       "core_write ops->write"),
    # A new uAPI is userspace input by definition, whether or not a copy_from_user word
    # appears (a feature's payload arrives through vfio core's VFIO_DEVICE_FEATURE path).
    _p(_U, "uapi", r"^\s*#\s*define\s+VFIO_[A-Z0-9_]+\s+(?:_IO[RW]{0,2}\(|\(?\s*\d)|^\s*struct\s+vfio_\w+\s*\{",
       "new uAPI: an ioctl, feature or structure userspace passes in", "define struct", path=UAPI_HEADER),
    # Memory of the assigned device handed to other devices (the dma-buf export series).
    _p(_U, "dma_buf_export", r"\bdma_buf_export\s*\(|\bDEFINE_DMA_BUF_EXPORT_INFO\b",
       "exports device memory to other devices", "dma_buf_export"),
)
