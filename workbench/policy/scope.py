"""Which vfio-pci variant drivers a series is about: the scope of every other check.

The acceptance document covers variant drivers, which live in their own directory,
``drivers/vfio/pci/<name>/``. Files directly in ``drivers/vfio/pci/`` (vfio_pci_core.c,
the Kconfig that lists the variants) are vfio-pci core: early mlx5 and hisi postings put a
driver there, and they are deliberately not in scope (DESIGN.md, "Scope").

A posting without any diff (only the cover letter arrived, or the patches went to another
list) has no files to judge; then the subject decides — "vfio/mlx5:", "vfio/hisilicon:",
"hisi_acc_vfio_pci:" — using the driver directories MAINTAINERS knows so that
"vfio/pci:" (core) or "vfio/type1:" never counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from workbench.kernel.maintainers import Maintainers
from workbench.model import FileChange, Series

VARIANT_ROOT = "drivers/vfio/pci/"

# Names used in subjects for drivers whose directory is called otherwise.
_ALIASES: dict[str, str] = {
    "hisi": "hisilicon",
    "hisi_acc": "hisilicon",
    "hisi-acc": "hisilicon",
    "hisi_acc_vfio_pci": "hisilicon",
    "mlx5_vfio_pci": "mlx5",
    "nvgrace": "nvgrace-gpu",
    "nvgrace_gpu": "nvgrace-gpu",
    "pds_vfio": "pds",
    "pds_vfio_pci": "pds",
    "qat_vfio_pci": "qat",
    "virtiovf": "virtio",
    "xe_vfio_pci": "xe",
}

# Directories of drivers/vfio/pci/ that group drivers by vendor rather than being one.
VENDOR_DIRS = frozenset({"intel"})

# Directories of drivers/vfio/ that are vfio itself, never a pci variant driver.
_NOT_VARIANTS = frozenset({"pci", "core", "type1", "iommu", "mdev", "ccw", "ap", "platform", "fsl-mc",
                           "cdx", "spapr", "iommufd", "group", "container", "cdev", "virqfd", "debugfs"})

_DIR_PATTERN = re.compile(r"^drivers/vfio/pci/([A-Za-z0-9_.-]+)/?$")
_SUBJECT_VFIO = re.compile(r"\bvfio[/:\s]+(?:pci[/:\s]+)?([A-Za-z0-9_-]+)", re.IGNORECASE)
_SUBJECT_DRIVER = re.compile(r"\b([A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*?)_vfio(?:_pci)?\b", re.IGNORECASE)


def variant_of(path: str) -> str | None:
    """``mlx5`` for ``drivers/vfio/pci/mlx5/main.c``; None for core or non-vfio files.
    A driver below a vendor directory is named by its own directory: ``qat`` for
    ``drivers/vfio/pci/intel/qat/main.c`` (where the first qat postings put it); the
    vendor directory's own Kconfig/Makefile are glue, no driver."""
    if not path.startswith(VARIANT_ROOT):
        return None
    dirs = path[len(VARIANT_ROOT):].split("/")[:-1]
    if not dirs or not dirs[0]:
        return None  # a file directly in drivers/vfio/pci/: vfio-pci core
    if dirs[0] in VENDOR_DIRS:
        return dirs[1] if len(dirs) > 1 else None
    return dirs[0]


def is_variant_file(change: FileChange) -> bool:
    return variant_of(change.path) is not None


def known_variants(maintainers: Maintainers) -> set[str]:
    """Variant directories MAINTAINERS names (``F: drivers/vfio/pci/mlx5/``)."""
    names: set[str] = set()
    for section in maintainers.sections():
        for pattern in section.files:
            m = _DIR_PATTERN.match(pattern.strip())
            if m and m.group(1) not in _NOT_VARIANTS:
                names.add(m.group(1))
    return names


def _from_files(series: Series) -> list[str]:
    found: list[str] = []
    for patch in series.patches:
        for change in patch.files:
            name = variant_of(change.path)
            if name and name not in found:
                found.append(name)
    return found


def _from_subjects(subjects: Iterable[str], known: set[str]) -> list[str]:
    found: list[str] = []

    def take(word: str) -> None:
        key = word.lower()
        name = _ALIASES.get(key, key)
        if name in known and name not in found:
            found.append(name)

    for subject in subjects:
        for m in _SUBJECT_VFIO.finditer(subject):
            take(m.group(1))
        for m in _SUBJECT_DRIVER.finditer(subject):
            whole = m.group(0)
            take(whole if whole.lower() in _ALIASES else m.group(1))
    return found


def variant_drivers(series: Series, maintainers: Maintainers) -> list[str]:
    """Names of the variant-driver directories the series touches, in order of first
    appearance; from the subjects only when the posting has no diff at all."""
    if any(p.files for p in series.patches):
        return _from_files(series)
    subjects = [series.title]
    if series.cover is not None:
        subjects.append(series.cover.subject)
    subjects += [p.subject for p in series.patches]
    return _from_subjects(subjects, known_variants(maintainers))
