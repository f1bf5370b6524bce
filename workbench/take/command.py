"""``vfio-workbench --am SERIES [--out FILE]`` and ``--am SERIES --apply --linux-tree PATH
[--branch NAME] [--save]``.

``--am`` writes the mbox to stdout, or to a new ``FILE`` (an existing file or a symlink
there is refused, never overwritten or followed). Trailers the trust model does not count
are listed on stderr as "not added: … because …". ``--apply`` runs ``git am`` on a new
branch (``workbench.take.git``), prints the commits made and then the thanks draft that
lists them (``--save`` saves it into notmuch's Drafts folder instead).

Exit status: 0 done; 1 git could not apply the series (nothing kept); 2 a usage problem
(unknown series, a patch missing, FILE exists).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from workbench.analysis import Judged, Workbench
from workbench.config import Settings
from workbench.errors import ConfigError
from workbench.model import Person, Series
from workbench.text import echo, sanitize

EXIT_OK = 0


def _write_new_file(path: Path, data: bytes, what: str = "--out ") -> None:
    """Create ``path`` and write ``data``; refuses an existing file or symlink (O_EXCL
    with O_NOFOLLOW: a link planted there is neither followed nor replaced)."""
    path = path.expanduser()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except FileExistsError:
        raise ConfigError(f"{what}{path}: exists; choose a new file name (it is never overwritten)") from None
    except OSError as err:
        raise ConfigError(f"{what}{path}: {err.strerror or err}") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


@dataclass(frozen=True, slots=True)
class AmFile:
    """An mbox written for ``git am``: where, how many patches, and the trailers the
    trust model left out (one line each, as ``--am`` prints them)."""

    path: Path
    version: int
    patches: int
    refused: tuple[str, ...]


def am_file_name(series: Series) -> str:
    """b4's naming, ``v3_20250102_vfio_mlx5_add_something.mbx``: sorts by version and
    date, and says what it holds in a directory listing."""
    day = series.date.strftime("%Y%m%d") if series.date else "undated"
    slug = re.sub(r"[^a-z0-9]+", "_", series.title.lower()).strip("_")[:60] or "series"
    return f"v{series.version}_{day}_{slug}.mbx"


def write_am_file(judged: Judged, workbench: Workbench, me: Person | None, directory: Path) -> AmFile:
    """The newest version of ``judged``'s chain as an mbox for ``git am``, written as a
    new file in ``directory`` (the TUI's ``a``). Raises WorkbenchError (TakeError,
    ConfigError) with a message for the user."""
    from workbench.take.collect import plan
    from workbench.take.mbox import write_mbox
    from workbench.versions.pairing import chain

    newest = chain(judged, workbench)[-1]
    series = newest.series
    taken = plan(series, workbench.context.mailmap)
    data = write_mbox(taken, me)
    path = directory / am_file_name(series)
    _write_new_file(path, data, what="")
    return AmFile(path, series.version, len(taken.patches),
                  tuple(r.line(series.expected) for r in taken.refused))


def run_am(settings: Settings, *, series_id: str, out: Path | None = None, apply: bool = False,
           branch: str | None = None, save: bool = False) -> int:
    from workbench.mail.reading import read_text
    from workbench.pipeline import build_workbench
    from workbench.take.collect import plan
    from workbench.take.git import apply_mbox, default_branch, find_base
    from workbench.take.mbox import write_mbox

    wb = build_workbench(settings)
    judged = wb.find(series_id.removeprefix("id:"))
    if judged is None:
        raise ConfigError(f"no series with id {series_id!r} in the store (ids: --report --format json --all)")
    series = judged.series
    taken = plan(series, wb.context.mailmap)
    me = settings.me
    data = write_mbox(taken, me)
    for refused in taken.refused:
        print(f"vfio-workbench: {echo(refused.line(series.expected))}", file=sys.stderr)
    if out is not None:
        _write_new_file(out, data)
        print(f"wrote {echo(out)} ({len(taken.patches)} patches)", file=sys.stderr if apply else sys.stdout)
    if not apply:
        if out is None:
            text = data.decode("utf-8", errors="replace")
            sys.stdout.write(sanitize(text) if sys.stdout.isatty() else text)
            sys.stdout.flush()
        return EXIT_OK
    if settings.linux_tree is None:
        raise ConfigError("--apply needs --linux-tree PATH (the kernel git tree to apply to)")
    texts = [read_text(series.cover.path).text] if series.cover is not None else []
    texts += [read_text(p.path).text for p in reversed(series.patches[-1:])]
    applied = apply_mbox(settings.linux_tree, data, branch or default_branch(series.title, series.version),
                         find_base(texts), note=lambda text: print(f"vfio-workbench: note: {echo(text)}", file=sys.stderr))
    print(f"applied {len(applied.commits)} patches on new branch {echo(applied.branch)} "
          f"(from {applied.base_from} {applied.base[:12]}):")
    for sha, subject in applied.commits:
        print(f"  {sha} {echo(subject)}")
    return _thanks(settings, judged, wb.context, applied.commits, save)


def _thanks(settings: Settings, judged, context, commits, save: bool) -> int:
    """The thanks draft listing what was applied: printed, or saved with ``--save``."""
    from workbench.errors import DraftError
    from workbench.mail.drafts import LOCK_TIMEOUT, save_draft
    from workbench.replies.compose import compose

    try:
        draft = compose("thanks", judged, context, settings=settings, applied=commits)
    except DraftError as err:
        print(f"vfio-workbench: no thanks draft: {echo(err)}", file=sys.stderr)
        return EXIT_OK
    if save:
        saved = save_draft(draft.as_bytes(), settings, lock_timeout=LOCK_TIMEOUT)
        if not saved.indexed:
            print(f"vfio-workbench: {echo(saved.warning)}", file=sys.stderr)
            return 1
        print(f"saved thanks draft {echo(saved.msgid)} to {echo(saved.path)}")
        return EXIT_OK
    print("\nthanks draft (rerun with --save to save it into notmuch's Drafts folder):\n")
    text = draft.as_bytes().decode("utf-8", errors="replace")
    sys.stdout.write(sanitize(text) if sys.stdout.isatty() else text)
    sys.stdout.flush()
    return EXIT_OK
