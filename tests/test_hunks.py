"""The full diff model behind the hunk view: numbering, statuses, and tolerance."""

from __future__ import annotations

from workbench.patchmail.hunks import (
    DiffLine,
    _fallback,
    _from_unidiff,
    parse_diff,
    strip_prefix,
)

DIFF = """\
diff --git a/drivers/vfio/pci/a.c b/drivers/vfio/pci/mlx5/a.c
similarity index 90%
rename from drivers/vfio/pci/a.c
rename to drivers/vfio/pci/mlx5/a.c
index 1111111..2222222 100644
--- a/drivers/vfio/pci/a.c
+++ b/drivers/vfio/pci/mlx5/a.c
@@ -10,3 +10,4 @@ static int foo(void)
 a
-b
+c
+d
 e
\\ No newline at end of file
diff --git a/gone.c b/gone.c
deleted file mode 100644
index 1111111..0000000
--- a/gone.c
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
diff --git a/new.c b/new.c
new file mode 100644
--- /dev/null
+++ b/new.c
@@ -0,0 +1 @@
+hello
diff --git a/old.c b/moved.c
similarity index 100%
rename from old.c
rename to moved.c
-- 
2.43.0
"""


def shape(files):
    return [(f.path, f.old_path, f.status, f.added, f.removed, len(f.hunks)) for f in files]


EXPECTED = [
    ("drivers/vfio/pci/mlx5/a.c", "drivers/vfio/pci/a.c", "renamed", 2, 1, 1),
    ("gone.c", None, "deleted", 0, 2, 1),
    ("new.c", None, "added", 1, 0, 1),
    ("moved.c", "old.c", "renamed", 0, 0, 0),
]


def test_parse_diff_files_and_statuses() -> None:
    assert shape(parse_diff(DIFF)) == EXPECTED


def test_unidiff_and_fallback_agree() -> None:
    """The fallback is only used when unidiff refuses; on a diff both read, they must agree."""
    uni, own = _from_unidiff(DIFF), _fallback(DIFF)
    assert shape(uni) == shape(own) == EXPECTED
    for a, b in zip(uni, own, strict=True):
        for ha, hb in zip(a.hunks, b.hunks, strict=True):
            assert (ha.header, ha.source_start, ha.target_start) == (hb.header, hb.source_start, hb.target_start)
            assert [(x.kind, x.text, x.old_no, x.new_no) for x in ha.lines] == \
                   [(x.kind, x.text, x.old_no, x.new_no) for x in hb.lines]


def test_line_numbers() -> None:
    hunk = parse_diff(DIFF)[0].hunks[0]
    assert hunk.header == "@@ -10,3 +10,4 @@ static int foo(void)"
    assert hunk.section == "static int foo(void)"
    assert hunk.lines == [
        DiffLine(" ", "a", 10, 10),
        DiffLine("-", "b", 11, None),
        DiffLine("+", "c", None, 11),
        DiffLine("+", "d", None, 12),
        DiffLine(" ", "e", 12, 13),
        DiffLine("\\", "No newline at end of file", None, None),
    ]


def test_fallback_on_lying_counts_keeps_what_was_read() -> None:
    diff = "--- a/x.c\n+++ b/x.c\n@@ -1,9 +1,9 @@\n ctx\n-old\n+new\nWRAPPED LINE FROM MAILER\n+more\n"
    files = parse_diff(diff)
    assert shape(files) == [("x.c", None, "modified", 1, 1, 1)]
    assert [line.kind for line in files[0].hunks[0].lines] == [" ", "-", "+"]


def test_context_lines_with_stripped_trailing_space() -> None:
    # Some mailers strip the single space of an empty context line.
    diff = "--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n"
    lines = parse_diff(diff)[0].hunks[0].lines
    assert [(line.kind, line.text, line.old_no, line.new_no) for line in lines] == [
        (" ", "a", 1, 1), (" ", "", 2, 2), ("-", "b", 3, None), ("+", "c", None, 3)]


def test_quoted_and_prefixed_paths() -> None:
    assert strip_prefix('"a/dir/sp ace.c"') == "dir/sp ace.c"
    assert strip_prefix("b/x.c\t2024-01-01 10:00:00") == "x.c"
    assert strip_prefix("/dev/null") == "/dev/null"
    assert strip_prefix("w/drivers/x.c") == "drivers/x.c"


def test_git_binary_patch_via_fallback() -> None:
    diff = ("diff --git a/fw.bin b/fw.bin\nindex 1..2 100644\nGIT binary patch\nliteral 3\nKcmV+\n\n"
            "literal 0\nHcmV?d00001\n\n")
    assert shape(parse_diff(diff)) == [("fw.bin", None, "binary", 0, 0, 0)]


def test_never_raises() -> None:
    for junk in ["", "\n\n", "@@ -1 +1 @@\n+x\n", "diff --git a/x\n@@ -a +b @@\n", "+++ b/x\n--- a/x\n",
                 "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n\\ no newline\n"]:
        assert isinstance(parse_diff(junk), list)


def _shape_full(files):
    return [(f.path, f.old_path, f.status,
             [(h.header, [(x.kind, x.text, x.old_no, x.new_no) for x in h.lines]) for h in f.hunks])
            for f in files]


def test_fallback_agrees_with_unidiff_on_real_patches(lore) -> None:
    """Every real diff unidiff reads, the fallback reads line for line the same, so a mail
    that needs the fallback is not judged differently from one that does not."""
    import email
    import email.policy

    from workbench.patchmail.diff import split_patch

    compared = 0
    for path in sorted((lore / "variant").glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
        if msg.is_multipart():
            continue
        diff = split_patch((msg.get_payload(decode=True) or b"").decode("utf-8", "replace"))[1]
        if not diff:
            continue
        try:
            uni = _from_unidiff(diff)
        except Exception:  # noqa: BLE001 — unidiff refusing is what the fallback is for
            continue
        assert _shape_full(uni) == _shape_full(_fallback(diff)), path.name
        compared += 1
    assert compared > 300


def test_form_feed_does_not_split_a_line() -> None:
    # C sources carry ^L page breaks; str.splitlines() would break the line and the counts.
    diff = "--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n \x0c\n-c\n+d\n"
    for files in (parse_diff(diff), _fallback(diff)):
        assert [(x.kind, x.text) for x in files[0].hunks[0].lines] == [(" ", "\x0c"), ("-", "c"), ("+", "d")]
