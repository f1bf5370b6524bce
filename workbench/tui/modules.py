"""The names a maintainer calls a variant driver by, besides its directory.

The list's filter matched the directory under ``drivers/vfio/pci/`` ("hisilicon"), but
maintainers say "hisi_acc" (the module is ``hisi_acc_vfio_pci``), "mlx5-vfio-pci" and so
on. The module name comes from the driver's Makefile when the series touches it
(``obj-$(CONFIG_…) += name.o``, ``name-y := …``); otherwise from the in-tree drivers' Makefiles
(``KNOWN_MODULES``), and the driver's own C files when they are named like a module
(``hisi_acc_vfio_pci.c``; a ``main.c`` says nothing). Only the few patches that touch such a Makefile are read again.
"""

from __future__ import annotations

import re
from functools import lru_cache

from workbench.analysis import Judged
from workbench.model import Patch
from workbench.patchmail.diff import split_patch
from workbench.patchmail.hunks import read_diff
from workbench.tui.body import read_body

KNOWN_MODULES: dict[str, str] = {
    "hisilicon": "hisi-acc-vfio-pci",
    "ism": "ism-vfio-pci",
    "mlx5": "mlx5-vfio-pci",
    "nvgrace-gpu": "nvgrace-gpu-vfio-pci",
    "pds": "pds-vfio-pci",
    "qat": "qat_vfio_pci",
    "virtio": "virtio-vfio-pci",
    "xe": "xe-vfio-pci",
}
"""The in-tree variant drivers' modules, as their Makefiles name them (``obj-$(CONFIG_…)
+= name.o``): for a series that does not touch its driver's Makefile."""

_DRIVER_FILE = re.compile(r"^drivers/vfio/pci/([^/]+)/(?:.*/)?([^/]+)$")
_OBJ = re.compile(r"^\s*obj-(?:\$\([A-Za-z0-9_]+\)|[ym])\s*[+:]?=\s*(.*)$")
_COMPOSITE = re.compile(r"^\s*([A-Za-z0-9_-]+)-(?:y|objs|\$\([A-Za-z0-9_]+\))\s*[+:]?=")


_NOT_MODULES = {"obj", "ccflags", "asflags", "ldflags", "subdir", "always", "extra", "targets", "clean", "hostprogs"}


def makefile_modules(lines: list[str]) -> list[str]:
    """Module names a kbuild Makefile's lines build."""
    out: list[str] = []
    for line in lines:
        obj = _OBJ.match(line)
        if obj:
            out.extend(word[:-2] for word in obj.group(1).split() if word.endswith(".o"))
            continue
        composite = _COMPOSITE.match(line)
        if composite and composite.group(1) not in _NOT_MODULES:
            out.append(composite.group(1))
    return out


@lru_cache(maxsize=512)
def _patch_makefile_lines(path: str) -> tuple[tuple[str, str], ...]:
    """(driver directory, line) for every added or context line of a variant driver's
    Makefile in the patch mail at ``path``."""
    _prose, diff = split_patch(read_body(path))
    out: list[tuple[str, str]] = []
    for fd in read_diff(diff):
        m = _DRIVER_FILE.match(fd.path)
        if not m or m.group(2) != "Makefile":
            continue
        out.extend((m.group(1), line.text) for hunk in fd.hunks for line in hunk.lines if line.kind in "+ ")
    return tuple(out)


def _touches_driver_makefile(patch: Patch) -> bool:
    return any((m := _DRIVER_FILE.match(f.path)) and m.group(2) == "Makefile" for f in patch.files)


def module_names(judged: Judged) -> tuple[str, ...]:
    """Module names of the series' variant drivers (its directories not repeated)."""
    dirs = set(judged.drivers)
    names: list[str] = [KNOWN_MODULES[d] for d in judged.drivers if d in KNOWN_MODULES]
    for patch in judged.series.patches:
        for change in patch.files:
            m = _DRIVER_FILE.match(change.path)
            if m and m.group(2).endswith(".c") and "vfio" in m.group(2):
                names.append(m.group(2)[:-2])
        if _touches_driver_makefile(patch):
            try:
                lines = _patch_makefile_lines(patch.path)
            except Exception:  # noqa: BLE001 — a name to filter on never stops the list
                continue
            names.extend(makefile_modules([line for _dir, line in lines]))
    return tuple(dict.fromkeys(n for n in names if n and n not in dirs))
