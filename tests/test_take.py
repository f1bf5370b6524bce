"""``--am`` and ``--apply``: the mbox for git am from real corpus threads, the trust
model's verdict on collected trailers, and git am on a real repository built here (a
clean apply and a conflict)."""

from __future__ import annotations

import os
import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from conftest import lore_thread, shared_path
from workbench.cli import main

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

HISI_V8 = "[PATCH v8 0/9] vfio/hisilicon: add ACC live migration driver"
HISI_V8_ID = "20220303230131.2103-1-shameerali.kolothum.thodi@huawei.com"
DMA_V9 = "[PATCH v9 00/24] Provide a new two step DMA mapping API"
DMA_V9_ID = "cover.1745394536.git.leon@kernel.org"
ME = "Alex Williamson <alex.williamson@redhat.com>"


def kernel_args() -> list[str]:
    return ["--maintainers", str(shared_path("data", "MAINTAINERS")), "--mailmap", str(shared_path("data", "mailmap"))]


def read_mbox(path: Path) -> list:
    """The messages of an mboxrd file, parsed back with the email package."""
    raw = path.read_bytes()
    chunks = [c for c in raw.split(b"From git@z Thu Jan  1 00:00:00 1970\n") if c.strip()]
    return [message_from_bytes(c, policy=policy.default) for c in chunks]


def trailer_block(msg) -> list[str]:
    text = msg.get_content()
    message = text.split("\n---\n", 1)[0].rstrip("\n")
    return message.rsplit("\n\n", 1)[-1].splitlines()


@pytest.fixture(scope="module")
def hisi_store(tmp_path_factory) -> Path:
    from vfio_workbench_demo.mailwriter import build_store

    files = lore_thread(subjects=[HISI_V8])
    return build_store(tmp_path_factory.mktemp("hisi") / "mail", [f.read_bytes() for f in files])


def test_am_writes_every_patch_with_collected_trailers(hisi_store: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "hisi.mbox"
    code = main(["--db", str(hisi_store), *kernel_args(), "--me", ME, "--am", HISI_V8_ID, "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    msgs = read_mbox(out)
    assert len(msgs) == 9
    first = msgs[0]
    assert first["Subject"] == "crypto: hisilicon/qm: Move the QM header to include/linux"  # tag stripped
    assert "shameerali.kolothum.thodi@huawei.com" in first["From"]  # authorship kept
    assert first["Message-ID"] == "<20220303230131.2103-2-shameerali.kolothum.thodi@huawei.com>"
    block = trailer_block(first)
    assert block[-1] == f"Signed-off-by: {ME}"
    assert block[-2] == f"Link: https://lore.kernel.org/r/{HISI_V8_ID}"
    collected = block[block.index("Signed-off-by: Shameer Kolothum <shameerali.kolothum.thodi@huawei.com>") + 1:-2]
    assert collected == ["Acked-by: Zhou Wang <wangzhou1@hisilicon.com>",
                         "Acked-by: Longfang Liu <liulongfang@huawei.com>",
                         "Acked-by: Kai Ye <yekai13@huawei.com>"]
    assert "Reviewed-by: Jason Gunthorpe <jgg@nvidia.com>" in trailer_block(msgs[8])
    assert "Reviewed-by: Longfang Liu <liulongfang@huawei.com>" in trailer_block(msgs[8])
    assert "Acked-by" not in "\n".join(trailer_block(msgs[3]))  # 4/9 got none


def test_am_to_stdout_and_the_store_is_untouched(hisi_store: Path, capsys) -> None:
    before = sorted((p, p.stat().st_mtime_ns) for p in hisi_store.rglob("*") if p.is_file() and ".notmuch" not in p.parts)
    code = main(["--db", str(hisi_store), *kernel_args(), "--am", HISI_V8_ID])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("From git@z ") == 9
    assert "Signed-off-by: Alex" not in out  # no --me, no notmuch identity: no sign-off added
    after = sorted((p, p.stat().st_mtime_ns) for p in hisi_store.rglob("*") if p.is_file() and ".notmuch" not in p.parts)
    assert before == after


def test_out_never_overwrites_or_follows_a_symlink(hisi_store: Path, tmp_path: Path, capsys) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    link = tmp_path / "link.mbox"
    link.symlink_to(victim)
    for target in (victim, link):
        code = main(["--db", str(hisi_store), *kernel_args(), "--am", HISI_V8_ID, "--out", str(target)])
        assert code == 2
        assert "never overwritten" in capsys.readouterr().err
    assert victim.read_text() == "keep me"
    assert link.is_symlink()


def test_unknown_series_is_a_clear_error(hisi_store: Path, capsys) -> None:
    assert main(["--db", str(hisi_store), *kernel_args(), "--am", "nope@example.org"]) == 2
    assert "no series with id 'nope@example.org'" in capsys.readouterr().err


def test_refused_trailer_is_listed_not_added(tmp_path: Path, make_store, capsys) -> None:
    """Luis Chamberlain's Reviewed-by on DMA v9 1/24 names mcgrof@kenrel.org (sic) and
    was sent from mcgrof@kernel.org: same name, unverified address. Not added; said why."""
    store = make_store(lore_thread(subjects=[DMA_V9]))
    out = tmp_path / "dma.mbox"
    assert main(["--db", str(store), *kernel_args(), "--am", DMA_V9_ID, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "not added to 1/24: Reviewed-by: Luis Chamberlain <mcgrof@kenrel.org>" in err
    assert "same name, but sent from Luis Chamberlain <mcgrof@kernel.org>" in err
    assert "mcgrof@kenrel.org" not in "\n".join(trailer_block(read_mbox(out)[0]))


# --- git am on a repository built here --------------------------------------------------

def git(repo: Path, *args: str, who: tuple[str, str] | None = None) -> str:
    env = dict(os.environ)
    if who is not None:
        for role in ("AUTHOR", "COMMITTER"):
            env[f"GIT_{role}_NAME"], env[f"GIT_{role}_EMAIL"] = who
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout


@pytest.fixture
def git_env(monkeypatch) -> None:
    for key, value in {"GIT_CONFIG_NOSYSTEM": "1", "GIT_COMMITTER_NAME": "Alex Williamson",
                       "GIT_COMMITTER_EMAIL": "alex.williamson@redhat.com", "GIT_AUTHOR_NAME": "Alex Williamson",
                       "GIT_AUTHOR_EMAIL": "alex.williamson@redhat.com"}.items():
        monkeypatch.setenv(key, value)


def _mail(msgid: str, sender: str, subject: str, body: str, parent: str | None = None, date: str = "") -> bytes:
    head = [f"From: {sender}", "To: kvm@vger.kernel.org", f"Subject: {subject}",
            f"Date: {date or 'Mon, 2 Jun 2025 10:00:00 +0000'}", f"Message-ID: <{msgid}>",
            "Content-Type: text/plain; charset=utf-8"]
    if parent:
        head += [f"In-Reply-To: <{parent}>", f"References: <{parent}>"]
    return ("\n".join(head) + "\n\n" + body).encode()


def build_series(tmp_path: Path) -> tuple[Path, list[bytes], str]:
    """A kernel-like repo at its base commit, and the mails of a 2-patch series made from
    two real commits by Jane Dev (git format-patch), with a Reviewed-by from the reviewer's
    own address on 1/2 and a forged Acked-by on the cover letter."""
    repo = tmp_path / "linux"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "master")
    drv = repo / "drivers" / "vfio" / "pci"
    drv.mkdir(parents=True)
    (drv / "foo.c").write_text("int foo(void)\n{\n\treturn 0;\n}\n")
    (repo / "MAINTAINERS").write_text("VFIO DRIVER\nM:\tAlex Williamson <alex.williamson@redhat.com>\n"
                                      "L:\tkvm@vger.kernel.org\nF:\tdrivers/vfio/\n")
    (repo / ".mailmap").write_text("Jane Dev <jane@example.org> <jane@old.example.org>\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD").strip()
    jane = ("Jane Dev", "jane@example.org")
    (drv / "foo.c").write_text("int foo(void)\n{\n\treturn 1;\n}\n")
    git(repo, "commit", "-q", "-a", "-s", "-m", "vfio/foo: Return one\n\nOne is better.", who=jane)
    (drv / "bar.c").write_text("int bar(void)\n{\n\treturn 2;\n}\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-s", "-m", "vfio/bar: Add bar\n\nBar is new.", who=jane)
    patches = git(repo, "format-patch", "--stdout", "--base", base, "-2")
    git(repo, "reset", "-q", "--hard", base)
    parts = [p for p in patches.split("\nFrom ")]
    bodies = [p.split("\n\n", 1)[1] for p in parts]
    cover = "cover.1@example.org"
    jane_from = "Jane Dev <jane@example.org>"
    mails = [_mail(cover, jane_from, "[PATCH v2 0/2] vfio: foo and bar",
                   f"Two small things.\n\nbase-commit: {base}\n-- \n2.43.0\n")]
    for n, (body, title) in enumerate(zip(bodies, ["vfio/foo: Return one", "vfio/bar: Add bar"], strict=True), 1):
        body = body.split("\n-- \n")[0] + "\n-- \n2.43.0\n"
        mails.append(_mail(f"p{n}@example.org", jane_from, f"[PATCH v2 {n}/2] {title}", body, cover,
                           f"Mon, 2 Jun 2025 10:00:0{n} +0000"))
    mails.append(_mail("r1@example.org", "Rev Iewer <rev@example.org>", "Re: [PATCH v2 1/2] vfio/foo: Return one",
                       "> One is better.\n\nReviewed-by: Rev Iewer <rev@example.org>\n", "p1@example.org",
                       "Tue, 3 Jun 2025 10:00:00 +0000"))
    mails.append(_mail("f1@example.org", "Mallory <mallory@evil.example>", "Re: [PATCH v2 0/2] vfio: foo and bar",
                       "Acked-by: Alex Williamson <alex.williamson@redhat.com>\n", cover,
                       "Tue, 3 Jun 2025 11:00:00 +0000"))
    return repo, mails, base


def _worktrees(repo: Path) -> list[str]:
    return [line for line in git(repo, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")]


def test_apply_on_a_new_branch_from_base_commit(tmp_path: Path, make_store, git_env, capsys) -> None:
    repo, mails, base = build_series(tmp_path)
    (repo / "scratch.txt").write_text("uncommitted work\n")  # the user's working tree
    store = make_store(mails)
    code = main(["--db", str(store), "--linux-tree", str(repo),
                 "--me", ME, "--am", "cover.1@example.org", "--apply", "--branch", "am/foo-bar-v2"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "not added to 1/2: Acked-by: Alex Williamson" in captured.err and "typed by Mallory" in captured.err
    assert "applied 2 patches on new branch am/foo-bar-v2 (from base-commit" in captured.out
    # the user's branch, HEAD and working tree are as they were; no worktree left behind
    assert git(repo, "rev-parse", "HEAD").strip() == base
    assert git(repo, "symbolic-ref", "--short", "HEAD").strip() == "master"
    assert (repo / "scratch.txt").read_text() == "uncommitted work\n"
    assert len(_worktrees(repo)) == 1
    log = git(repo, "log", "--reverse", "--format=%an <%ae>|%s|%(trailers:only,unfold)%x00", f"{base}..am/foo-bar-v2")
    commits = [c.strip() for c in log.split("\x00") if c.strip()]
    assert len(commits) == 2
    author, subject, trailers = commits[0].split("|", 2)
    assert author == "Jane Dev <jane@example.org>" and subject == "vfio/foo: Return one"
    assert trailers.splitlines() == ["Signed-off-by: Jane Dev <jane@example.org>",
                                     "Reviewed-by: Rev Iewer <rev@example.org>",
                                     "Link: https://lore.kernel.org/r/cover.1@example.org",
                                     f"Signed-off-by: {ME}"]
    assert "Acked-by" not in commits[1]
    # the thanks draft lists what was applied
    shas = [line.split()[0] for line in git(repo, "log", "--reverse", "--format=%h", f"{base}..am/foo-bar-v2").split("\n") if line]
    assert f"[1/2] vfio/foo: Return one\n        commit: {shas[0]}" in captured.out
    assert f"[2/2] vfio/bar: Add bar\n        commit: {shas[1]}" in captured.out


def test_apply_conflict_keeps_nothing_and_says_which_patch(tmp_path: Path, make_store, git_env, capsys) -> None:
    repo, mails, base = build_series(tmp_path)
    (repo / "drivers/vfio/pci/foo.c").write_text("int foo(void)\n{\n\treturn 42;\n}\n")
    git(repo, "commit", "-q", "-a", "-m", "diverge")
    head = git(repo, "rev-parse", "HEAD").strip()
    mails[0] = mails[0].replace(base.encode(), b"0" * 40)  # base-commit the tree lacks: HEAD is used
    store = make_store(mails)
    code = main(["--db", str(store), "--linux-tree", str(repo),
                 "--am", "cover.1@example.org", "--apply"])
    err = capsys.readouterr().err
    assert code == 1
    assert "is not in" in err and "using HEAD instead" in err
    assert "git am stopped at patch 1 (vfio/foo: Return one)" in err
    assert "nothing was kept" in err and "git said:" in err
    assert git(repo, "branch", "--list", "am/*").strip() == ""
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert git(repo, "status", "--porcelain").strip() == ""
    assert len(_worktrees(repo)) == 1


def test_apply_refuses_an_existing_branch(tmp_path: Path, make_store, git_env, capsys) -> None:
    repo, mails, _base = build_series(tmp_path)
    git(repo, "branch", "taken")
    store = make_store(mails)
    code = main(["--db", str(store), "--linux-tree", str(repo),
                 "--am", "cover.1@example.org", "--apply", "--branch", "taken"])
    assert code == 1
    assert "branch 'taken' already exists" in capsys.readouterr().err


def test_a_robots_trailer_is_never_added(tmp_path: Path, make_store, git_env, capsys) -> None:
    """A CI robot's mail never counts as approval, even a trailer naming its own address."""
    _repo, mails, _base = build_series(tmp_path)
    mails.append(_mail("lkp1@intel.com", "kernel test robot <lkp@intel.com>", "Re: [PATCH v2 2/2] vfio/bar: Add bar",
                       "Hi Jane,\n\nkernel test robot noticed the following build errors:\n\n"
                       "config: x86_64-allyesconfig (https://example.org/config)\n\n"
                       "Tested-by: kernel test robot <lkp@intel.com>\n", "p2@example.org",
                       "Wed, 4 Jun 2025 10:00:00 +0000"))
    store = make_store(mails)
    assert main(["--db", str(store), "--linux-tree", str(tmp_path / "linux"), "--am", "cover.1@example.org"]) == 0
    captured = capsys.readouterr()
    assert "Tested-by: kernel test robot" not in captured.out
    assert "not added to 2/2: Tested-by: kernel test robot <lkp@intel.com>" in captured.err
    assert "sent by a CI bot (lkp@intel.com), whose mail never counts as approval" in captured.err
    assert "Reviewed-by: Rev Iewer <rev@example.org>" in captured.out  # the human review still is
