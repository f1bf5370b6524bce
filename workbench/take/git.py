"""``git am`` of a written mbox onto a new branch, in a temporary worktree.

The user's checked-out branch, index and working tree are never touched: the branch is
created from the cover letter's ``base-commit:`` (when the tree has that commit; else
from ``HEAD``'s commit) by ``git worktree add -b`` in a temporary directory, ``git am``
runs there, and the worktree is removed whatever happens. On a failure ``git am
--abort`` is run, the worktree removed and the new branch deleted (no half-applied
branch is left behind), and the error names the patch that failed with git's own words.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError

_BASE = re.compile(r"^base-commit:[ \t]*([0-9a-f]{7,40})[ \t]*$", re.M)
_FAILED = re.compile(r"^Patch failed at (\d+) (.*)$", re.M)
GIT_TIMEOUT = 300
_ADVICE = ("When you have resolved", "If you prefer to skip", "To restore the original", "hint:")
"""git am's advice about --continue/--skip/--abort: the series was aborted already."""


class ApplyError(WorkbenchError):
    """git could not apply the series; nothing was left behind (the message says what failed)."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Applied:
    branch: str
    base: str  # the commit the branch starts from
    base_from: str  # "base-commit" or "HEAD"
    commits: list[tuple[str, str]]  # (short hash, subject), oldest first


def find_base(texts: list[str]) -> str | None:
    """The ``base-commit:`` line of the cover letter (or, without one, of a patch)."""
    for text in texts:
        found = _BASE.search(text)
        if found:
            return found.group(1)
    return None


def _git(tree: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_DIR") and k != "GIT_WORK_TREE"}
    try:
        done = subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True,
                              errors="replace", env=env, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise ApplyError("git is not installed (needed for --apply)") from None
    except subprocess.TimeoutExpired:
        raise ApplyError(f"git {args[0]} took longer than {GIT_TIMEOUT} s") from None
    if check and done.returncode != 0:
        raise ApplyError(f"git {' '.join(args[:2])} failed in {tree}: {(done.stderr or done.stdout).strip()}")
    return done


def _resolve(tree: Path, rev: str) -> str | None:
    done = _git(tree, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def apply_mbox(tree: Path, mbox: bytes, branch: str, base_commit: str | None,
               note: Callable[[str], None] = lambda _text: None) -> Applied:
    """Apply ``mbox`` on a new ``branch`` of the repository at ``tree``; ``note`` hears what
    the user should know (a base commit the tree lacks). Raises ApplyError."""
    tree = tree.expanduser()
    if _resolve(tree, "HEAD") is None and not (tree / ".git").exists():
        raise ApplyError(f"--linux-tree {tree}: not a git repository with commits")
    if _git(tree, "check-ref-format", "--branch", branch, check=False).returncode != 0:
        raise ApplyError(f"--branch {branch!r} is not a valid branch name")
    if _resolve(tree, f"refs/heads/{branch}") is not None:
        raise ApplyError(f"branch {branch!r} already exists in {tree}; pass another --branch NAME")
    base, base_from = None, "HEAD"
    if base_commit:
        base = _resolve(tree, base_commit)
        if base is None:
            note(f"base-commit {base_commit} of the cover letter is not in {tree}; using HEAD instead")
        else:
            base_from = "base-commit"
    if base is None:
        base = _resolve(tree, "HEAD")
        if base is None:
            raise ApplyError(f"--linux-tree {tree}: HEAD names no commit")
    scratch = Path(tempfile.mkdtemp(prefix="vfio-workbench-am-"))
    work = scratch / "tree"
    try:
        _git(tree, "worktree", "add", "--quiet", "-b", branch, str(work), base)
        mbox_path = scratch / "series.mbox"
        mbox_path.write_bytes(mbox)
        done = _git(work, "am", "--patch-format=mboxrd", "--quiet", str(mbox_path), check=False)
        if done.returncode != 0:
            message = (done.stdout + done.stderr).strip()
            _git(work, "am", "--abort", check=False)
            _remove(tree, work)
            _git(tree, "branch", "-D", branch, check=False)
            failed = _FAILED.search(message)
            where = f"patch {int(failed.group(1))} ({failed.group(2)})" if failed else "a patch"
            message = "\n".join(line for line in message.splitlines() if not line.startswith(_ADVICE))
            raise ApplyError(f"git am stopped at {where}; nothing was kept (branch {branch!r} removed). "
                             f"git said:\n{message}")
        log = _git(work, "log", "--reverse", "--format=%h%x09%s", f"{base}..HEAD").stdout
        commits = [tuple(line.split("\t", 1)) for line in log.splitlines() if "\t" in line]
        _remove(tree, work)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        _git(tree, "worktree", "prune", check=False)
    return Applied(branch=branch, base=base, base_from=base_from, commits=commits)  # type: ignore[arg-type]


def _remove(tree: Path, work: Path) -> None:
    _git(tree, "worktree", "remove", "--force", str(work), check=False)


def default_branch(title: str, version: int) -> str:
    """``am/<title-words>-v<N>``: readable, and a valid ref name."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48].strip("-") or "series"
    return f"am/{words}-v{version}"
