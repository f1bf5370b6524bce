"""The load-time diff summary reads hunks without numbered line objects (issue 13:
building a ``DiffLine`` per line was a third of summarising a patch, and nothing at load
time reads the numbers). It must answer exactly what the full walk answers: the same
files and counts, and the same signals, on every real patch — those unidiff refuses too —
and on mail cut short or lying in its counts."""

from __future__ import annotations

import pytest

from test_diff import _corpus_diffs
from workbench.patchmail import hunks
from workbench.patchmail.comments import doc_signals
from workbench.patchmail.diff import file_change, find_signals, summarize_diff


def full_walk(diff: str):
    files = hunks.scan_diff(diff)
    return tuple(file_change(f) for f in files), find_signals(files) + doc_signals(files)


def test_summary_equals_the_full_walk_on_every_real_patch() -> None:
    diffs = _corpus_diffs()
    assert len(diffs) > 700
    with_signals = with_doc = 0
    for name, diff in diffs:
        got = summarize_diff(diff)
        assert got == full_walk(diff), name
        with_signals += bool(got[1])
        with_doc += any(s.kind == "doc" for s in got[1])
    assert with_signals > 100 and with_doc > 10  # the comparison covered real signals of each kind


BLOCK = ("/*\n * The device state is saved as a header followed by the migration data\n"
         " * stream; userspace must check the header version before resuming it.\n */")


@pytest.mark.parametrize("diff", [
    # counts that lie (a mailer cut the hunk): the walk stops where the mail stops making sense
    "--- a/drivers/vfio/pci/x/main.c\n+++ b/drivers/vfio/pci/x/main.c\n@@ -1,3 +1,9 @@\n ctx\n"
    "+\tcopy_from_user(&a, p, 1);\n-\told();\nnot a diff line\n+\tcopy_from_user(&b, p, 1);\n",
    # a driver comment block, a deleted driver file, a doc file, a rename and a binary
    "diff --git a/drivers/vfio/pci/y/main.c b/drivers/vfio/pci/y/main.c\n--- a/drivers/vfio/pci/y/main.c\n"
    "+++ b/drivers/vfio/pci/y/main.c\n@@ -1,1 +1,5 @@\n int a;\n" + "".join(f"+{ln}\n" for ln in BLOCK.split("\n"))
    + "diff --git a/drivers/vfio/pci/z/gone.c b/drivers/vfio/pci/z/gone.c\ndeleted file mode 100644\n"
    "--- a/drivers/vfio/pci/z/gone.c\n+++ /dev/null\n@@ -1,4 +0,0 @@\n" + "".join(f"-{ln}\n" for ln in BLOCK.split("\n"))
    + "diff --git a/Documentation/x.rst b/Documentation/x.rst\nnew file mode 100644\n--- /dev/null\n"
    "+++ b/Documentation/x.rst\n@@ -0,0 +1,2 @@\n+Migration\n+The device state is saved with STOP_COPY.\n"
    "diff --git a/a.c b/b.c\nsimilarity index 90%\nrename from a.c\nrename to b.c\n"
    "diff --git a/fw.bin b/fw.bin\nBinary files a/fw.bin and b/fw.bin differ\n",
    # CRLF, a "\\ No newline" marker, a moved copy_from_user (not new), and no diff at all
    "--- a/x.c\r\n+++ b/x.c\r\n@@ -1,2 +1,2 @@\r\n-\tcopy_from_user(&a, p, 1);\r\n+\tcopy_from_user(&a,  p, 1);\r\n"
    "\\ No newline at end of file\r\n",
    "just prose\n",
])
def test_summary_equals_the_full_walk_on_odd_diffs(diff: str) -> None:
    assert summarize_diff(diff) == full_walk(diff)
