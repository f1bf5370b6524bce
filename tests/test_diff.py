"""Finding the diff in a patch mail, summarising files and finding signals."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from workbench.model import FileChange, SignalKind
from workbench.patchmail.diff import (
    MAX_PER_PATTERN,
    PATTERNS,
    split_patch,
    summarize_diff,
)

PATCH = """\
vfio/foo: add migration

Signed-off-by: A <a@example.org>
---
v2: fixed things
 drivers/vfio/pci/foo/main.c | 4 +++-
 1 file changed

diff --git a/drivers/vfio/pci/foo/main.c b/drivers/vfio/pci/foo/main.c
index 1111111..2222222 100644
--- a/drivers/vfio/pci/foo/main.c
+++ b/drivers/vfio/pci/foo/main.c
@@ -10,3 +10,5 @@ static int foo_probe(struct pci_dev *pdev)
 \tint ret;
-\tret = 0;
+\tstatic const struct vfio_migration_ops foo_mig_ops = {
+\t\t.migration_set_state = foo_set_device_state,
+\t};
 \treturn ret;
--\x20
2.43.0
"""


def body_of(path: Path) -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return msg.get_body(("plain",)).get_content()


def test_split_at_separator_and_diff() -> None:
    prose, diff = split_patch(PATCH)
    assert prose.endswith("Signed-off-by: A <a@example.org>\n")
    assert "v2: fixed things" not in prose
    assert diff.startswith("diff --git a/drivers/vfio/pci/foo/main.c")


def test_split_without_diff_is_all_prose() -> None:
    text = "cover letter\n---\nnot a diff\n"
    assert split_patch(text) == (text, "")
    assert split_patch("") == ("", "")


def test_split_finds_plain_unified_and_index_diffs() -> None:
    text = "msg\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n"
    assert split_patch(text) == ("msg\n", text[4:])
    svn = "msg\nIndex: x.c\n===================\n--- x.c\n+++ x.c\n@@ -1 +1 @@\n-a\n+b\n"
    assert split_patch(svn)[1].startswith("Index: x.c")
    # A "--- " line that is not followed by "+++ " is prose.
    assert split_patch("--- quoting something\nmore\n")[1] == ""


def test_summary_and_signals_on_added_lines() -> None:
    files, signals = summarize_diff(split_patch(PATCH)[1])
    assert files == (FileChange("drivers/vfio/pci/foo/main.c", None, "modified", 3, 1),)
    got = {(s.kind, s.pattern, s.line.strip()) for s in signals}
    assert got == {
        (SignalKind.EXTENSION, "vfio_migration_ops", "static const struct vfio_migration_ops foo_mig_ops = {"),
        (SignalKind.EXTENSION, "migration_set_state", ".migration_set_state = foo_set_device_state,"),
    }
    assert all(s.hunk == "@@ -10,3 +10,5 @@ static int foo_probe(struct pci_dev *pdev)" for s in signals)
    assert all(s.path == "drivers/vfio/pci/foo/main.c" for s in signals)


def test_removed_and_context_lines_give_no_signal() -> None:
    diff = ("--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,1 @@\n copy_from_user(a, b, 1);\n"
            "-\tif (get_user(v, p)) return -EFAULT;\n")
    files, signals = summarize_diff(diff)
    assert files[0].removed == 1 and signals == ()


def test_userspace_patterns() -> None:
    lines = [
        "+static ssize_t foo_resume_write(struct file *filp, const char __user *buf,",
        "+\tif (copy_from_user(&hdr, buf, sizeof(hdr)))",
        "+\tdata = memdup_user(buf, len);",
        "+\t.write = foo_resume_write,",
    ]
    diff = f"--- a/x.c\n+++ b/x.c\n@@ -1,0 +1,{len(lines)} @@\n" + "\n".join(lines) + "\n"
    _, signals = summarize_diff(diff)
    user = {(s.pattern, s.line) for s in signals if s.kind is SignalKind.USERSPACE}
    assert user == {
        ("__user", lines[0][1:]),
        ("resume_write", lines[0][1:]),
        ("copy_from_user", lines[1][1:]),
        ("memdup_user", lines[2][1:]),
        ("write_handler", lines[3][1:]),
        ("resume_write", lines[3][1:]),
    }
    # one signal per (pattern, line): the first line gives exactly __user + resume_write (+ the extension one)
    first = [s for s in signals if s.line == lines[0][1:]]
    assert sorted((s.kind.value, s.pattern) for s in first) == [
        ("extension", "resume_write"), ("userspace", "__user"), ("userspace", "resume_write")]


def test_signal_cap_per_file_and_pattern() -> None:
    body = "\n".join(f"+\tcopy_from_user(a{i}, b, 1);" for i in range(50))
    diff = f"--- a/x.c\n+++ b/x.c\n@@ -0,0 +1,50 @@\n{body}\n"
    files, signals = summarize_diff(diff)
    assert files[0].added == 50
    assert len([s for s in signals if s.pattern == "copy_from_user"]) == MAX_PER_PATTERN


def test_pattern_names_unique_per_kind() -> None:
    keys = [(p.kind, p.name) for p in PATTERNS]
    assert len(keys) == len(set(keys))


def test_broken_diff_yields_what_was_read() -> None:
    broken = (
        "diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1,5 +1,6 @@\n a\n+\tcopy_from_user(x, y, 1);\n"
        "and then the mailer wrapped a line\n"
        "diff --git a/b.c b/b.c\nnew file mode 100644\n--- /dev/null\n+++ b/b.c\n@@ -0,0 +1,1 @@\n+x\n"
    )
    files, signals = summarize_diff(broken)
    assert [(f.path, f.status, f.added) for f in files] == [("a.c", "modified", 1), ("b.c", "added", 1)]
    assert [s.pattern for s in signals] == ["copy_from_user"]


def test_garbage_never_raises() -> None:
    for junk in ["", "\x00\x01", "@@ -x +y @@\n", "diff --git\n", "--- a\n+++ b\n@@ -1,99999 +1 @@\n-\n",
                 "diff --git a/x b/x\nGIT binary patch\nliteral 5\nabc\n"]:
        files, signals = summarize_diff(junk)
        assert isinstance(files, tuple) and isinstance(signals, tuple)


def test_real_new_driver_patch(lore: Path) -> None:
    body = body_of(lore / "variant" / "20211019105838.227569-13-yishaih@nvidia.com.eml")
    prose, diff = split_patch(body)
    assert prose.rstrip().endswith("Signed-off-by: Leon Romanovsky <leonro@nvidia.com>")
    files, signals = summarize_diff(diff)
    by_path = {f.path: f for f in files}
    assert list(by_path) == ["MAINTAINERS", "drivers/vfio/pci/Kconfig", "drivers/vfio/pci/Makefile",
                             "drivers/vfio/pci/mlx5/Kconfig", "drivers/vfio/pci/mlx5/Makefile",
                             "drivers/vfio/pci/mlx5/main.c"]
    assert by_path["drivers/vfio/pci/mlx5/main.c"] == FileChange("drivers/vfio/pci/mlx5/main.c", None, "added", 696, 0)
    main = {(s.kind, s.pattern) for s in signals if s.path == "drivers/vfio/pci/mlx5/main.c"}
    assert (SignalKind.USERSPACE, "copy_from_user") in main
    assert (SignalKind.EXTENSION, "VFIO_DEVICE_STATE_*") in main
    assert (SignalKind.EXTENSION, "migration_set_state") in main


def test_real_rename_is_judged_by_new_path(lore: Path) -> None:
    body = body_of(lore / "variant" / "20210915095037.1149-2-shameerali.kolothum.thodi@huawei.com.eml")
    files, _ = summarize_diff(split_patch(body)[1])
    renamed = [f for f in files if f.status == "renamed"]
    assert renamed == [FileChange("include/linux/hisi_acc_qm.h", "drivers/crypto/hisilicon/qm.h", "renamed", 0, 0)]
    assert "drivers/crypto/hisilicon/qm.c" in {f.path for f in files}


def test_binary_file() -> None:
    diff = ("diff --git a/fw.bin b/fw.bin\nnew file mode 100644\nindex 0000000..1111111\n"
            "Binary files /dev/null and b/fw.bin differ\n")
    files, _ = summarize_diff(diff)
    assert files == (FileChange("fw.bin", None, "binary", 0, 0),)


def test_whole_corpus_summarises(lore: Path) -> None:
    statuses: dict[str, int] = {}
    for path in sorted((lore / "variant").glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
        if msg.is_multipart():
            continue
        text = (msg.get_payload(decode=True) or b"").decode("utf-8", "replace")
        files, _ = summarize_diff(split_patch(text)[1])
        for f in files:
            assert f.path and not f.path.startswith(("a/", "b/"))
            statuses[f.status] = statuses.get(f.status, 0) + 1
    assert statuses.get("modified", 0) > 500 and statuses.get("added", 0) > 50 and statuses.get("renamed", 0) >= 1


def test_hostile_long_added_lines_are_cheap() -> None:
    """``emulat\\w*[ _]+`` once spent minutes on one long line; patterns are bounded and
    only the first MAX_LINE characters of a line are searched."""
    import time

    for junk in ["emulat" * 30_000, "emulate_" * 30_000, "config_" * 30_000, "_ioctl (" * 30_000]:
        start = time.process_time()
        summarize_diff(f"--- a/x\n+++ b/x\n@@ -0,0 +1,1 @@\n+{junk}\n")
        assert time.process_time() - start < 5.0  # was minutes


def test_extension_patterns_on_typical_lines() -> None:
    cases = {
        "/* emulated BAR */": "emulated_bar",
        "nvgrace_gpu_emulated_bar(core)": "emulated_bar",
        "static int bar0_emulate(x)": "emulated_bar",
        "config_space_emulation(vdev)": "config_emulation",
        ".log_read_and_clear = mlx5vf_tracker_read_and_clear,": "log_read_and_clear",
        "static const struct vfio_log_ops mlx5vf_pci_log_ops = {": "vfio_log_ops",
        "err = vfio_pci_core_register_dev_region(vdev, 1, 2, 3, &ops, 4, 5, 6);": "register_dev_region",
        "case VFIO_MIG_GET_PRECOPY_INFO:": "precopy",
        "\t.ioctl = hisi_acc_vfio_pci_ioctl,": "ioctl_handler",
    }
    for line, pattern in cases.items():
        _, signals = summarize_diff(f"--- a/x\n+++ b/x\n@@ -0,0 +1,1 @@\n+{line}\n")
        assert pattern in {s.pattern for s in signals if s.kind is SignalKind.EXTENSION}, line
    _, none = summarize_diff("--- a/x\n+++ b/x\n@@ -0,0 +1,1 @@\n+\tpci_set_power_state(pdev, PCI_D0);\n")
    assert none == ()


def _corpus_diffs() -> list[tuple[str, str]]:
    """(file, diff) of every patch in the real corpus, read the way the loader reads it."""
    from tests.conftest import shared_path
    from workbench.mail import headers as H
    from workbench.mail.bodies import body_text

    root = shared_path("corpus")
    out = []
    for path in sorted(root.glob("lore-vfio/*/*.eml")) + sorted(root.glob("patchwork/mail/*")):
        data = path.read_bytes()
        block, body = H.split_message(data)
        fields, _junk = H.read_headers(block)
        problems: list[str] = []
        ctype = H.to_text(fields.get(b"content-type", [b"text/plain"])[0], problems, "Content-Type")
        cte = H.to_text(fields.get(b"content-transfer-encoding", [b""])[0], problems, "CTE")
        diff = split_patch(body_text(data, body, ctype, cte, problems).replace("\r\n", "\n"))[1]
        if diff:
            out.append((path.name, diff))
    return out


def _signals_line_by_line(files) -> tuple:
    """The plain walk ``find_signals`` must agree with: every added line, every pattern;
    userspace lines whose tokens a removed line has are moved, and an extension name is new
    only beyond the removed occurrences of it (counted down in line order)."""
    import re

    from workbench.model import Signal
    from workbench.patchmail.diff import MAX_LINE, MAX_PER_FILE, tokens

    def name(text, m):
        a, b = m.start(), m.end()
        while a > 0 and re.match(r"\w", text[a - 1]):
            a -= 1
        while b < len(text) and re.match(r"\w", text[b]):
            b += 1
        return "".join(text[a:b].split())

    removed_lines = [ln.text for fd in files for h in fd.hunks for ln in h.lines if ln.kind == "-"]
    moved = {tokens(t) for t in removed_lines} - {""}
    left: dict[tuple[str, str], int] = {}
    for pat in PATTERNS:
        if pat.kind is SignalKind.EXTENSION:
            for t in removed_lines:
                for m in pat.regex.finditer(t[:MAX_LINE]):
                    left[(pat.name, name(t[:MAX_LINE], m))] = left.get((pat.name, name(t[:MAX_LINE], m)), 0) + 1
    found = []
    for fd in files:
        per_kind, per_pattern = {}, {}
        for hunk in fd.hunks:
            for line in hunk.lines:
                if line.kind != "+":
                    continue
                text = line.text[:MAX_LINE]
                for pat in PATTERNS:
                    key = (pat.kind, pat.name)
                    if (pat.path is not None and not pat.path.search(fd.path)) or \
                            per_kind.get(pat.kind, 0) >= MAX_PER_FILE or \
                            per_pattern.get(key, 0) >= MAX_PER_PATTERN or not pat.regex.search(text):
                        continue
                    if pat.kind is SignalKind.EXTENSION:
                        new = False
                        for m in pat.regex.finditer(text):
                            k = (pat.name, name(text, m))
                            if left.get(k, 0) > 0:
                                left[k] -= 1
                            else:
                                new = True
                        if not new:
                            continue
                    elif tokens(line.text) in moved:
                        continue
                    per_pattern[key] = per_pattern.get(key, 0) + 1
                    per_kind[pat.kind] = per_kind.get(pat.kind, 0) + 1
                    found.append(Signal(pat.kind, fd.path, pat.name, line.text, hunk.header))
    return tuple(found)


def test_load_time_summary_agrees_with_unidiff_on_the_real_corpus() -> None:
    """The loader summarises diffs with the hand scanner (fast); the hunk view reads them
    with unidiff. On every real patch unidiff accepts, both must give the same files,
    line counts and signals, and the signals must be those of a plain line-by-line walk."""
    from workbench.patchmail import hunks
    from workbench.patchmail.comments import doc_signals
    from workbench.patchmail.diff import file_change, find_signals

    diffs = _corpus_diffs()
    assert len(diffs) > 700
    compared = 0
    for name, diff in diffs:
        try:
            full = hunks._from_unidiff(diff)
        except Exception:  # noqa: BLE001 — unidiff refuses some real mail; the scanner reads it
            continue
        compared += 1
        assert hunks.scan_diff(diff) == full, name  # every line, kind and number: the hunk view shows them
        files, signals = summarize_diff(diff)
        assert files == tuple(file_change(f) for f in full), name
        assert signals == find_signals(full) + doc_signals(full), name
        assert find_signals(full) == _signals_line_by_line(full), name
    assert compared > 700


def test_signal_caps_apply_in_line_order() -> None:
    """The needle pre-scan must not change which lines are reported once a cap is hit."""
    added = "".join(f"+\tcopy_from_user(&x{i}, p, 1); /* __user {i} */\n" for i in range(60))
    diff = (f"--- a/drivers/vfio/pci/x/main.c\n+++ b/drivers/vfio/pci/x/main.c\n@@ -1,0 +1,60 @@\n{added}")
    from workbench.patchmail.hunks import parse_diff

    _, signals = summarize_diff(diff)
    assert signals == _signals_line_by_line(parse_diff(diff))
    assert [s.line for s in signals if s.pattern == "copy_from_user"] == [
        f"\tcopy_from_user(&x{i}, p, 1); /* __user {i} */" for i in range(MAX_PER_PATTERN)]


def test_moved_lines_are_not_new_signals() -> None:
    """Kevin Tian's "Tidy up vfio_device life cycle" moves the migration_flags line
    between functions: not a new extension. A line that only changes is still new."""
    diff = ("--- a/drivers/vfio/pci/mlx5/main.c\n+++ b/drivers/vfio/pci/mlx5/main.c\n"
            "@@ -10,4 +10,4 @@ static int mlx5vf_pci_open_device(struct vfio_device *core_vdev)\n"
            "-\tcore_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY;\n"
            "-\tif (copy_from_user(&x, arg, sizeof(x)))\n"
            " \tint ret;\n"
            "+\t\tcore_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY;\n"
            "+\tif (copy_from_user(&y, arg, sizeof(y)))\n"
            " \treturn ret;\n")
    _, signals = summarize_diff(diff)
    assert [(s.pattern, s.line) for s in signals] == [("copy_from_user", "\tif (copy_from_user(&y, arg, sizeof(y)))")]


def test_the_core_ioctl_is_not_a_device_specific_ioctl() -> None:
    diff = ("--- a/drivers/vfio/pci/ism/main.c\n+++ b/drivers/vfio/pci/ism/main.c\n@@ -1,0 +1,3 @@\n"
            "+\t.ioctl = vfio_pci_core_ioctl,\n"
            "+\t.ioctl = ism_vfio_pci_ioctl,\n"
            "+static long ism_ioctl(struct vfio_device *vdev, unsigned int cmd)\n")
    _, signals = summarize_diff(diff)
    assert [s.line for s in signals if s.pattern == "ioctl_handler"] == [
        "\t.ioctl = ism_vfio_pci_ioctl,", "static long ism_ioctl(struct vfio_device *vdev, unsigned int cmd)"]


def test_migration_load_is_not_every_restore() -> None:
    """pci_restore_state() after a reset, or loading firmware, is not migration data."""
    diff = ("--- a/drivers/vfio/pci/x/main.c\n+++ b/drivers/vfio/pci/x/main.c\n@@ -1,0 +1,4 @@\n"
            "+\tpci_restore_state(pdev);\n"
            "+\tpci_load_saved_state(pdev, vdev->pci_saved_state);\n"
            "+\tret = request_firmware_load_image(dev, name);\n"
            "+\tret = mlx5vf_cmd_load_vhca_state(mvdev, migf, vhca_buf);\n")
    _, signals = summarize_diff(diff)
    assert [s.line for s in signals if s.pattern == "migration_load"] == [
        "\tret = mlx5vf_cmd_load_vhca_state(mvdev, migf, vhca_buf);"]


def test_a_line_whose_lower_case_is_longer_does_not_shift_the_signals() -> None:
    """'İ'.lower() is two characters: the pre-scan must still point at the right lines."""
    diff = ("--- a/drivers/vfio/pci/x/main.c\n+++ b/drivers/vfio/pci/x/main.c\n@@ -1,0 +1,3 @@\n"
            "+/* İİİİİİİİİİ İİİİİİİİİİ */\n"
            "+\tx = 1;\n"
            "+\tif (copy_from_user(&a, b, c))\n")
    _, signals = summarize_diff(diff)
    assert [s.line for s in signals if s.pattern == "copy_from_user"] == ["\tif (copy_from_user(&a, b, c))"]


def _ext(diff: str) -> list[tuple[str, str]]:
    _, signals = summarize_diff(diff)
    return [(s.pattern, s.line.strip()) for s in signals if s.kind is SignalKind.EXTENSION]


def _added(path: str, *lines: str) -> str:
    body = "".join(f"+{line}\n" for line in lines)
    return f"--- a/{path}\n+++ b/{path}\n@@ -1,0 +1,{len(lines)} @@\n{body}"


def test_standard_regions_and_core_api_calls_are_not_extensions() -> None:
    """ISM v8 describes its config space and BARs with the existing flags; the
    GET_REGION_INFO refactor calls vfio_info_add_capability and fills region_info."""
    assert _ext(_added("drivers/vfio/pci/ism/main.c",
                       "\tinfo->flags = VFIO_REGION_INFO_FLAG_READ |",
                       "\t\t      VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP;",
                       "\tret = vfio_info_add_capability(caps, &sparse->header, size);",
                       "\tregion_info->offset = MBOCHS_EDID_OFFSET;",
                       "\t.get_region_info_caps = ism_vfio_pci_ioctl_get_region_info,",
                       "\tret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);",
                       "\t.ioctl = vfio_pci_core_ioctl,")) == []


def test_what_a_driver_adds_for_its_device_is_an_extension() -> None:
    got = _ext(_added("drivers/vfio/pci/foo/main.c",
                      "\tret = vfio_pci_core_register_dev_region(vdev, VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 1,",
                      "static const struct vfio_pci_regops foo_regops = {",
                      "\tcore_vdev->mig_ops = &foo_mig_ops;",
                      "\tcore_vdev->log_ops = &foo_log_ops;",
                      "\tif (cur == VFIO_DEVICE_STATE_STOP && new == VFIO_DEVICE_STATE_STOP_COPY) {",
                      "\tcase VFIO_DEVICE_FEATURE_FOO_CONFIG:",
                      "\tcase VFIO_DEVICE_GET_REGION_INFO:"))
    assert [p for p, _ in got] == ["VFIO_REGION_TYPE_*", "register_dev_region", "vfio_pci_regops", "mig_ops",
                                   "mig_ops", "VFIO_DEVICE_STATE_*", "VFIO_DEVICE_FEATURE_*", "ioctl_case",
                                   "ioctl_case"]
    uapi = _ext(_added("include/uapi/linux/vfio.h",
                       "#define VFIO_DEVICE_FEATURE_FOO 12",
                       "#define VFIO_DEVICE_FOO\t\t_IO(VFIO_TYPE, VFIO_BASE + 22)"))
    assert [p for p, _ in uapi] == ["VFIO_DEVICE_FEATURE_*", "ioctl_number"]


def test_an_edited_extension_line_is_not_a_new_extension() -> None:
    """"Tidy up vfio_device life cycle" 4/15: the two-line migration_flags assignment is
    removed in one hunk and written as one line in another; the mig_ops likewise. Adding
    a flag to the edited line is new, though: that is a new migration capability."""
    diff = ("--- a/drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c\n"
            "+++ b/drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c\n"
            "@@ -10,2 +10,4 @@ static int hisi_acc_vfio_pci_migrn_init_dev(struct vfio_device *core_vdev)\n"
            " \tmutex_init(&hisi_acc_vdev->state_mutex);\n"
            "+\tcore_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY;\n"
            "+\tcore_vdev->mig_ops = &hisi_acc_vfio_pci_migrn_state_ops;\n"
            " \treturn 0;\n"
            "@@ -40,6 +42,2 @@ static int hisi_acc_vfio_pci_migrn_init(struct hisi_acc_vf_core_device *hisi_acc_vdev,\n"
            " \thisi_acc_vdev->vf_id = vf_id + 1;\n"
            "-\thisi_acc_vdev->core_device.vdev.migration_flags =\n"
            "-\t\t\t\t\tVFIO_MIGRATION_STOP_COPY;\n"
            "-\t\t\thisi_acc_vdev->core_device.vdev.mig_ops =\n"
            "-\t\t\t\t\t&hisi_acc_vfio_pci_migrn_state_ops;\n"
            " \treturn 0;\n")
    assert _ext(diff) == []
    grown = diff.replace("+\tcore_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY;\n",
                         "+\tcore_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY;\n")
    assert _ext(grown) == [("VFIO_MIGRATION_*", "core_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY | "
                                                "VFIO_MIGRATION_PRE_COPY;")]
    # the removed name pays for one added occurrence only: a second driver enabling
    # migration in the same patch is new
    twice = diff.replace("+\tcore_vdev->mig_ops = &hisi_acc_vfio_pci_migrn_state_ops;\n",
                         "+\tcore_vdev->mig_ops = &hisi_acc_vfio_pci_migrn_state_ops;\n"
                         "+\tother->migration_flags = VFIO_MIGRATION_STOP_COPY;\n").replace("+10,4", "+10,5")
    assert _ext(twice) == [("VFIO_MIGRATION_*", "other->migration_flags = VFIO_MIGRATION_STOP_COPY;")]


def test_userspace_lines_moved_are_compared_by_tokens() -> None:
    """Re-indented or re-spaced, a moved copy_from_user is still only moved; moved and
    edited (another size), it is listed."""
    diff = ("--- a/drivers/vfio/pci/x/main.c\n+++ b/drivers/vfio/pci/x/main.c\n@@ -1,2 +1,2 @@\n"
            "-\tif (copy_from_user(&info, arg, minsz))\n"
            "-\tif (copy_from_user(&hdr, buf, sizeof(hdr)))\n"
            "+\t\tif (copy_from_user(&info,arg,minsz))\n"
            "+\t\tif (copy_from_user(&hdr, buf, len))\n")
    _, signals = summarize_diff(diff)
    assert [s.line for s in signals] == ["\t\tif (copy_from_user(&hdr, buf, len))"]


def test_uapi_and_exported_memory_are_userspace_signals() -> None:
    uapi = _added("include/uapi/linux/vfio.h", "#define VFIO_DEVICE_FEATURE_DMA_BUF 11",
                  "struct vfio_region_dma_range {", "\t__u64 offset;")
    _, signals = summarize_diff(uapi)
    assert [(s.pattern, s.line) for s in signals if s.kind is SignalKind.USERSPACE] == [
        ("uapi", "#define VFIO_DEVICE_FEATURE_DMA_BUF 11"), ("uapi", "struct vfio_region_dma_range {")]
    # the uAPI pattern is bound to the uAPI header: the same lines elsewhere are no uAPI
    _, elsewhere = summarize_diff(uapi.replace("include/uapi/linux/vfio.h", "drivers/vfio/pci/x/main.h"))
    assert "uapi" not in {s.pattern for s in elsewhere}
    _, core = summarize_diff(_added("drivers/vfio/pci/vfio_pci_dmabuf.c",
                                    "\tdma_ranges = memdup_array_user(&arg->dma_ranges, n, sizeof(*dma_ranges));",
                                    "\tDEFINE_DMA_BUF_EXPORT_INFO(exp_info);",
                                    "\tpriv->dmabuf = dma_buf_export(&exp_info);"))
    assert [s.pattern for s in core] == ["memdup_user", "dma_buf_export", "dma_buf_export"]


def test_driver_comment_blocks_and_doc_topics_are_doc_signals() -> None:
    from workbench.patchmail.comments import COMMENT, DOC_TEXT

    diff = _added("drivers/vfio/pci/foo/main.c",
                  "/*",
                  " * The migration data consists of a header with a magic number and version,",
                  " * followed by the queue state of the VF.",
                  " */",
                  "/* short */",
                  "static int x;",
                  "/* a long comment about nothing of interest here: loops, locks and",
                  " * the weather in the lab where the code was written */") + \
        _added("Documentation/ABI/testing/sysfs-devices-vfio-dev",
               "What:\t\t /sys/.../<device>/vfio-dev/vfioX/",
               "\t\t This directory is created when the device is bound to a vfio driver.") + \
        _added("Documentation/driver-api/vfio/foo.rst", "Foo", "===", "",
               "The device state is saved by the PF firmware and restored on resume.")
    _, signals = summarize_diff(diff)
    docs = [(s.pattern, s.path, s.line) for s in signals if s.kind is SignalKind.DOC]
    assert docs == [
        (COMMENT, "drivers/vfio/pci/foo/main.c",
         "The migration data consists of a header with a magic number and version,\n"
         "followed by the queue state of the VF."),
        (DOC_TEXT, "Documentation/driver-api/vfio/foo.rst",
         "The device state is saved by the PF firmware and restored on resume."),
    ]


def test_comment_blocks_are_capped() -> None:
    from workbench.patchmail.comments import MAX_COMMENT_CHARS, MAX_COMMENTS

    block = ["/*", " * The device state " + "is saved and restored by firmware " * 200, " */"]
    _, signals = summarize_diff(_added("drivers/vfio/pci/foo/main.c", *(block * (MAX_COMMENTS + 5))))
    docs = [s for s in signals if s.kind is SignalKind.DOC]
    assert len(docs) == MAX_COMMENTS and all(len(s.line) <= MAX_COMMENT_CHARS for s in docs)


def test_extension_lines_do_not_crowd_out_userspace_lines() -> None:
    """The per-file cap is per kind: qat v7's 700-line new driver has more extension lines
    than the cap, and its ".write = vfio_pci_core_write," must still say core_write."""
    from workbench.patchmail.diff import MAX_PER_FILE

    lines = [f"\tif (cur == VFIO_DEVICE_STATE_S{i}) x{i}_set_state(y{i}_get_state(), VFIO_MIGRATION_F{i}, "
             f"z{i}_save_read, log_start); /* precopy, dirty_page, emulated bar */"
             for i in range(MAX_PER_FILE)] + ["\t.write = vfio_pci_core_write,"]
    _, signals = summarize_diff(_added("drivers/vfio/pci/foo/main.c", *lines))
    assert len([s for s in signals if s.kind is SignalKind.EXTENSION]) == MAX_PER_FILE
    assert [s.pattern for s in signals if s.kind is SignalKind.USERSPACE] == ["write_handler", "core_write"]
