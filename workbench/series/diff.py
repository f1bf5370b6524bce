"""Finding and summarising the diff in a patch mail.

Runs once per message at load time, and its result is cached: the checks then work from
``FileChange`` and ``Signal`` records instead of re-reading patches of hundreds of KB.

Signals are found on *added* lines only: what a series brings in is what the acceptance
document asks about; a removed ``copy_from_user`` is not new userspace exposure. The
patterns are a single named table so the evidence can say which one fired, and so a
maintainer who disagrees with one can find it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from workbench.model import FileChange, Signal, SignalKind
from workbench.series.hunks import FileDiff, read_diff

_E = SignalKind.EXTENSION
_U = SignalKind.USERSPACE


@dataclass(frozen=True, slots=True)
class Pattern:
    kind: SignalKind
    name: str
    regex: re.Pattern[str]
    why: str
    needles: tuple[str, ...]  # lower-case substrings, one of which any match contains


def _p(kind: SignalKind, name: str, regex: str, why: str, needles: str, flags: int = 0) -> Pattern:
    return Pattern(kind, name, re.compile(regex, flags), why, tuple(needles.split()))


PATTERNS: tuple[Pattern, ...] = (
    # Device-specific extensions: what the documentation requirement is about.
    _p(_E, "vfio_migration_ops", r"\bvfio_migration_ops\b", "migration driver ops", "vfio_migration_ops"),
    _p(_E, "VFIO_MIGRATION_*", r"\bVFIO_MIGRATION_[A-Z0-9_]+\b", "migration capability flags", "vfio_migration_"),
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
    _p(_E, "VFIO_REGION_*", r"\bVFIO_REGION_[A-Z0-9_]+\b", "new device region", "vfio_region_"),
    _p(_E, "register_dev_region", r"\bvfio_pci_core_register_dev_region\b", "new device region",
       "register_dev_region"),
    _p(_E, "region_ops", r"\bvfio_pci_regops\b|\bvfio_info_add_capability\b|\bregion_info", "region info ops",
       "regops add_capability region_info"),
    _p(_E, "VFIO_DEVICE_*", r"\bVFIO_DEVICE_[A-Z0-9_]+\b", "device ioctl or feature", "vfio_device_"),
    # every variant driver points .ioctl at vfio_pci_core_ioctl: only its own handler is new
    _p(_E, "ioctl_handler", r"\.(?:unlocked_|compat_)?ioctl\s*=(?!\s*vfio_pci_core_ioctl\b)"
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
    _p(_U, "memdup_user", r"\b(?:v?memdup_user(?:_nul)?|strndup_user)\b", "duplicates userspace data",
       "dup_user"),
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
)

MAX_PER_PATTERN = 8
"""Per file and pattern: enough to point the reviewer at the places, not a wall of lines."""
MAX_PER_FILE = 40
MAX_LINE = 1000
"""Only the start of a longer added line is searched: C is not written in 1000-column
lines, and a hostile one must not make a regex walk megabytes."""

# A cheap pre-filter: most added lines match nothing, and substring tests are far cheaper
# than running two dozen regexes (an alternation of them was the slowest part of loading).
_NEEDLES: tuple[str, ...] = tuple(sorted({n for p in PATTERNS for n in p.needles}))

_DIFF_START = re.compile(r"^(?:diff --git |Index: |--- )")
_SEPARATOR = re.compile(r"^---[ \t]*\r?$")


def _diff_start(lines: list[str]) -> int | None:
    n = len(lines)
    for i, line in enumerate(lines):
        if not _DIFF_START.match(line):
            continue
        if line.startswith("diff --git "):
            return i
        nxt = lines[i + 1] if i + 1 < n else ""
        if line.startswith("Index: ") and nxt.startswith("===="):
            return i
        if line.startswith("--- ") and nxt.startswith("+++ "):
            return i
    return None


def split_patch(text: str) -> tuple[str, str]:
    """(prose, diff): the text before the diff and the diff itself ('' when none).

    The prose stops at git's ``---`` separator when there is one before the diff, so the
    diffstat and the "changes since v2" notes are not taken for the commit message. A
    text without a diff is all prose, even if it has a ``---`` line.
    """
    if not text:
        return "", ""
    # Split on "\n" only: str.splitlines() also breaks at form feeds, which C code has.
    lines = text.split("\n")
    start = _diff_start(lines)
    if start is None:
        return text, ""
    end = start
    for i in range(start):
        if _SEPARATOR.match(lines[i]):
            end = i
            break
    prose = "\n".join(lines[:end])
    return (prose + "\n" if end else prose), "\n".join(lines[start:])


def file_change(fd: FileDiff) -> FileChange:
    return FileChange(path=fd.path, old_path=fd.old_path, status=fd.status,
                      added=fd.added, removed=fd.removed)


def find_signals(files: list[FileDiff]) -> tuple[Signal, ...]:
    """Signals on the added lines of ``files``; one per (pattern, line), capped per file.

    Most added lines match nothing, so the lines worth a look are found first with
    ``str.find`` over each file's added text joined (C speed, no Python per line); only
    those lines then get the pattern tests, in order, so the caps apply as in a plain
    line-by-line walk.

    A line the same patch also removes (anywhere in it) was moved, not added: refactoring
    series move ``.migration_flags = VFIO_MIGRATION_STOP_COPY`` or a ``copy_from_user``
    from one function or file to another, which is neither a new extension nor new
    exposure to userspace."""
    found: list[Signal] = []
    moved: set[str] | None = None  # built on the first candidate line: most patches have none
    for fd in files:
        added = [(line.text, hunk.header) for hunk in fd.hunks for line in hunk.lines if line.kind == "+"]
        if not added:
            continue
        per_file = 0
        per_pattern: dict[tuple[SignalKind, str], int] = {}
        for index in _candidate_lines([text for text, _h in added]):
            if per_file >= MAX_PER_FILE:
                break
            full, header = added[index]
            if moved is None:
                moved = moved_lines(files)
            if full.strip() in moved:
                continue
            text = full[:MAX_LINE]
            low = text.lower()
            for pat in PATTERNS:
                key = (pat.kind, pat.name)
                if (per_pattern.get(key, 0) >= MAX_PER_PATTERN or not any(n in low for n in pat.needles)
                        or not pat.regex.search(text)):
                    continue
                per_pattern[key] = per_pattern.get(key, 0) + 1
                per_file += 1
                found.append(Signal(kind=pat.kind, path=fd.path, pattern=pat.name, line=full, hunk=header))
                if per_file >= MAX_PER_FILE:
                    break
    return tuple(found)


def moved_lines(files: list[FileDiff]) -> set[str]:
    """The removed lines of a patch (stripped): an added line among them was moved."""
    out = {line.text.strip() for fd in files for hunk in fd.hunks for line in hunk.lines if line.kind == "-"}
    out.discard("")
    return out


def _candidate_lines(texts: list[str]) -> list[int]:
    """Indexes of the lines that contain some needle (a superset of the lines a pattern
    can match), ascending."""
    lowered = [text.lower() for text in texts]  # lower() may change a length ("İ"): offsets from these
    blob = "\n".join(lowered)
    starts: list[int] = []
    offset = 0
    for text in lowered:
        starts.append(offset)
        offset += len(text) + 1
    hits: set[int] = set()
    for needle in _NEEDLES:
        pos = blob.find(needle)
        while pos != -1:
            index = bisect_right(starts, pos) - 1
            hits.add(index)
            nxt = starts[index + 1] if index + 1 < len(starts) else len(blob)
            pos = blob.find(needle, nxt)
    return sorted(hits)


def summarize_diff(diff: str) -> tuple[tuple[FileChange, ...], tuple[Signal, ...]]:
    """Files touched and signals found, for every message at load time. Never raises: a
    broken diff yields what could be read.

    Uses the tolerant hand parser (``hunks.read_diff``) rather than unidiff: on every diff
    unidiff reads it gives the same files, counts and signals (tests/test_diff.py checks
    that on the real corpus), at a fraction of the cost; unidiff stays for the hunk view,
    which reads one series at a time."""
    files = read_diff(diff)
    return tuple(file_change(f) for f in files), find_signals(files)
