"""The view models behind the screens, on real mail: diff rows, highlighting, bodies,
thread order, version comparison, list filters."""

from __future__ import annotations

import base64
from pathlib import Path

from workbench.config import Settings
from workbench.model import Person, Status
from workbench.patchmail.diff import split_patch
from workbench.patchmail.hunks import parse_diff
from workbench.triage import mine_to_act_on, waits_on_maintainer
from workbench.tui import listing
from workbench.tui.body import read_body
from workbench.tui.diffs import DiffSource, PatchDiff, highlight
from workbench.tui.thread import thread_lines
from workbench.versions.pairing import chain, check_changes, patch_changes
from workbench.views.owners import Owner
from workbench.views.thread import thread_messages

QM_PATCH = "variant/20251017091057.3770403-2-liulongfang@huawei.com.eml"  # crypto/hisilicon + include


def _patch(lore: Path, name: str, number: int = 1, **kw) -> PatchDiff:
    body = read_body(str(lore / name))
    _prose, diff = split_patch(body)
    return PatchDiff(number=number, title=f"patch {number}", author="A <a@x>", files=parse_diff(diff), **kw)


def test_read_body_decodes_real_mail_and_never_raises(lore: Path, tmp_path: Path) -> None:
    body = read_body(str(lore / QM_PATCH))
    assert body.startswith("On new platforms greater than QM_HW_V3")
    assert "diff --git a/drivers/crypto/hisilicon/qm.c" in body
    assert read_body(str(tmp_path / "gone.eml")).startswith("[cannot read ")
    junk = tmp_path / "junk.eml"
    junk.write_bytes(b"\xff\xfe\x00garbage without headers")
    assert isinstance(read_body(str(junk)), str)


def test_read_body_of_multipart_mail(shared: Path, tmp_path: Path) -> None:
    mbox = shared / "corpus" / "patchwork" / "mail" / "0019-multipart-patch.mbox"
    body = read_body(str(mbox))
    assert "diff --git" in body or "--- a/" in body
    attached = tmp_path / "attached.eml"
    attached.write_bytes(
        b"From: A <a@x>\nSubject: [PATCH] x\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=BB\n\n--BB\nContent-Type: text/plain\n\n"
        b"See the attachment.\n--BB\nContent-Type: text/x-patch; name=x.patch\n"
        b"Content-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(b"--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n")
        + b"--BB--\n")
    body = read_body(str(attached))
    assert "See the attachment." in body and "+++ b/x.c\n@@ -1 +1 @@\n-a\n+b" in body


def test_diff_rows_navigation_and_parent_marks(lore: Path) -> None:
    pd = _patch(lore, QM_PATCH)
    paths = [f.path for f in pd.files]
    assert paths == ["drivers/crypto/hisilicon/qm.c", "include/linux/hisi_acc_qm.h"]
    owners = {paths[0]: Owner("HISILICON QM DRIVER", True, Status.MISSING),
              paths[1]: Owner("HISILICON QM DRIVER", True, Status.PASS)}
    src = DiffSource([pd, _patch(lore, QM_PATCH, number=2)], owners, total=2)
    assert [src.rows[i].kind for i in src.patch_rows] == ["patch", "patch"]
    assert len(src.file_rows) == 4 and len(src.hunk_rows) == 2 * sum(len(f.hunks) for f in pd.files)
    first_hunk = src.hunk_rows[0]
    assert src.next_of("hunk", 0) == first_hunk
    assert src.next_of("hunk", first_hunk) == src.hunk_rows[1]
    assert src.prev_of("hunk", src.hunk_rows[1]) == first_hunk
    assert src.prev_of("hunk", first_hunk) is None
    assert src.next_of("patch", 0) == src.patch_rows[1]
    assert src.row_of_patch(2) == src.patch_rows[1]
    label = src.line(src.file_rows[0]).plain
    assert "HISILICON QM DRIVER · parent driver ✗ no approval yet" in label
    assert "✓ approved" in src.line(src.file_rows[1]).plain
    added = next(i for i, r in enumerate(src.rows) if r.kind == "line" and r.sign == "+")
    text = src.line(added)
    assert text.plain.startswith("▌ ") and f" {src.rows[added].new_no} +" in text.plain


def test_parent_only_keeps_parent_files_and_says_so_when_none(lore: Path) -> None:
    pd = _patch(lore, QM_PATCH)
    owners = {"drivers/crypto/hisilicon/qm.c": Owner("HISILICON QM DRIVER", True, Status.MISSING),
              "include/linux/hisi_acc_qm.h": Owner("", False)}
    only = DiffSource([pd], owners, parent_only=True)
    assert [only.rows[i].path for i in only.file_rows] == ["drivers/crypto/hisilicon/qm.c"]
    none = DiffSource([pd], {}, parent_only=True)
    assert len(none) == 1 and "has none" in none.line(0).plain


def test_userspace_hunks_and_lines_are_flagged(lore: Path) -> None:
    pd = _patch(lore, QM_PATCH)
    fd = pd.files[0]
    hunk = fd.hunks[0]
    line = next(ln for ln in hunk.lines if ln.kind == "+" and ln.text.strip())
    pd.userspace_hunks.add((fd.path, hunk.header))
    pd.userspace_lines.add((fd.path, line.text))
    src = DiffSource([pd], {})
    assert src.flagged_rows == [src.hunk_rows[0]]
    assert "⚠ userspace data" in src.line(src.hunk_rows[0]).plain
    flagged_lines = [i for i, r in enumerate(src.rows) if r.kind == "line" and r.flagged]
    assert flagged_lines and src.line(flagged_lines[0]).plain[1] == "!"


def test_missing_patch_file_is_a_note_not_a_crash(tmp_path: Path) -> None:
    pd = PatchDiff(1, "gone", "A", [], problem=f"[cannot read {tmp_path}/x: No such file or directory]")
    src = DiffSource([pd], {})
    assert [r.kind for r in src.rows] == ["patch", "note"] and "cannot read" in src.line(1).plain


def test_highlight_colours_c_and_keeps_the_text() -> None:
    code = "static int foo(struct device *dev) { return 0; } /* [red]x[/] */"
    text = highlight(code, "drivers/vfio/pci/mlx5/main.c")
    assert text.plain == code
    styled = {text.plain[s.start:s.end] for s in text.spans if s.style}
    assert "static" in styled or any("static" in part for part in styled)
    assert highlight("plain [b]words[/b]", "README").plain == "plain [b]words[/b]"


def test_control_characters_never_reach_a_diff_row(lore: Path) -> None:
    pd = _patch(lore, QM_PATCH)
    pd.files[0].hunks[0].lines[0].text = "int x; \x1b]52;c;ZXZpbA==\x07 \x1b[2J end"
    src = DiffSource([pd], {})
    row = src.hunk_rows[0] + 1
    assert src.line(row).plain.endswith("int x;   end")


def test_view_models_on_the_demo(demo_settings: Settings, demo_workbench) -> None:
    wb = demo_workbench
    newest = next(j for j in wb.visible() if len(j.series.revisions) >= 2)
    versions = chain(newest, wb)
    assert [j.series.id for j in versions] == newest.series.revisions
    assert [j.series.version for j in versions] == sorted(j.series.version for j in versions)
    older = versions[-2]
    changes = check_changes(older, newest)
    assert all(c.before is not c.after for c in changes)
    kinds = {pc.kind for pc in patch_changes(older, newest)}
    assert kinds <= {"changed", "unchanged", "added", "dropped"} and kinds
    assert patch_changes(newest, newest) and {pc.kind for pc in patch_changes(newest, newest)} == {"unchanged"}

    judged = next(j for j in wb.visible() if j.series.replies)
    messages = thread_messages(judged, wb)
    ids = [m.msgid for m in messages]
    assert len(ids) == len(set(ids))
    for reply in judged.series.replies:
        parent = reply.parent
        if parent in ids:  # a reply sits below its parent, one level deeper
            assert ids.index(reply.msgid) > ids.index(parent)
            assert messages[ids.index(reply.msgid)].depth == messages[ids.index(parent)].depth + 1
    lines, starts = thread_lines(messages, bodies=False)
    assert len(starts) == len(messages) and all(lines[s].plain.strip() for s in starts)


def test_mine_to_act_on_uses_the_missing_people(demo_settings: Settings, demo_workbench) -> None:
    """The demo user is the vfio maintainer: a series is theirs when a check waits for them
    or the reviews are in and it waits on their decision; never an applied one."""
    wb = demo_workbench
    ctx = wb.context
    me = ctx.me
    mine = [j for j in wb.visible() if mine_to_act_on(j, me, ctx.maintainers, ctx.mailmap)]
    assert mine, "the demo has series waiting for the maintainer"
    waiting = 0
    for j in mine:
        assert j.applied is None
        named = any(me.email in {p.email for p in c.missing} | {p.email for part in c.parts for p in part.missing}
                    for c in j.checks if c.status is Status.MISSING)
        waiting += not named
        assert named or waits_on_maintainer(j)
    assert waiting, "a series waiting on the maintainer's decision (reviews in, he only replied) is his"
    stranger = Person("Nobody", "nobody@example.org")
    assert not [j for j in wb.visible() if mine_to_act_on(j, stranger, ctx.maintainers, ctx.mailmap)]
    rows = {r.id: r for r in listing.rows_of(wb)}
    assert {r.id for r in rows.values() if r.mine} >= {j.series.id for j in mine}


def test_applied_series_sort_last_by_status_and_show_what_is_new(demo_settings: Settings, demo_workbench) -> None:
    wb = demo_workbench
    rows = listing.rows_of(wb)
    applied = [r for r in rows if r.applied]
    assert applied and any(r.status("listed-reviewer") is Status.MISSING or not r.complete or
                           any(Status(v) is Status.MISSING for _, v in r.statuses) for r in applied)
    ordered = listing.sort_rows(rows, listing.SortKey.STATUS)
    first_applied = next(i for i, r in enumerate(ordered) if r.applied)
    assert all(r.applied for r in ordered[first_applied:])
    for quick in (listing.Quick.PARENT, listing.Quick.REVIEW, listing.Quick.DOCS, listing.Quick.INCOMPLETE):
        assert not any(r.applied for r in listing.select_rows(rows, show_all=True, quick=quick, text="",
                                                              sort=listing.SortKey.DATE))
    # xe v2: the demo user (the vfio maintainer) acked the cover letter last, five days on
    xe = next(r for r in rows if r.title.endswith("Add driver variant for Xe VF migration") and r.version == "v2")
    assert xe.wrote and xe.since_me == 0 and listing.new_label(xe) == ""
    assert xe.last_when is not None and xe.when is not None and (xe.last_when - xe.when).days >= 5
    never = [r for r in rows if not r.wrote]
    assert never and all(listing.new_label(r).endswith("*") for r in never)
