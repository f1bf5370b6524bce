"""``vfio-workbench --draft KIND --series ID [--section NAME] [--reply-to MSGID|N] [--trailer NAME]
[--out DIR | --save]``.

Prints the draft (stdout), writes it as a .eml file, or saves it into notmuch's Drafts
folder. Exit status: 0 done; 2 a usage problem (unknown series, a kind that does not
apply — the message lists what does); 1 the draft was saved but could not be indexed
(the file is kept and the message says where).
"""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.config import Settings
from workbench.errors import DraftError
from workbench.text import echo, sanitize

EXIT_OK = 0
EXIT_NOT_INDEXED = 1


def run_draft(settings: Settings, *, kind: str, series_id: str, section: str | None = None,
              out_dir: Path | None = None, save: bool = False, lock_timeout: float | None = None,
              reply_to: str | None = None, trailer: str | None = None) -> int:
    from workbench.mail.drafts import LOCK_TIMEOUT, save_draft, write_eml
    from workbench.pipeline import build_workbench
    from workbench.replies.compose import compose
    from workbench.replies.kinds import DraftKind, available_kinds

    wb = build_workbench(settings)
    judged = wb.find(series_id.removeprefix("id:"))
    if judged is None:
        raise DraftError(f"no series with id {series_id!r} in the store (ids: --report --format json --all)")
    target = _reply_target(judged, reply_to) if reply_to else None
    used: list = []
    try:
        if kind == DraftKind.COMMENTS:
            draft, used = _review_draft(settings, wb, judged, target, trailer)
        else:
            draft = compose(kind, judged, wb.context, section=section, settings=settings,
                            target_msgid=target, trailer=trailer)
    except DraftError as err:
        if kind == DraftKind.COMMENTS:
            raise
        offers = available_kinds(judged, wb.context)
        useful = ", ".join(o.kind + (f" --section {o.section!r}" if o.section else "") for o in offers)
        raise DraftError(f"{err} (this series can use: {useful})") from None
    for note in draft.notes:
        print(f"vfio-workbench: note: {echo(note)}", file=sys.stderr)
    data = draft.as_bytes()
    if out_dir is not None:
        path = write_eml(out_dir, draft.file_name(), data)
        _forget(settings, used)
        print(f"wrote {echo(path)}")
        return EXIT_OK
    if save:
        saved = save_draft(data, settings, lock_timeout=LOCK_TIMEOUT if lock_timeout is None else lock_timeout)
        _forget(settings, used)  # the draft file exists (indexed or not): the comments live there now
        if not saved.indexed:
            print(f"vfio-workbench: {echo(saved.warning)}", file=sys.stderr)
            return EXIT_NOT_INDEXED
        print(f"saved draft {echo(saved.msgid)} to {echo(saved.path)} (tags +draft -inbox -unread)")
        return EXIT_OK
    text = data.decode("utf-8", errors="replace")
    if sys.stdout.isatty():
        text = sanitize(text)
    sys.stdout.write(text)
    sys.stdout.flush()
    return EXIT_OK


def _reply_target(judged, value: str) -> str:
    """``--reply-to``: a message-id of the series, or a patch number ("3", "3/9")."""
    text = value.strip().removeprefix("id:")
    number = text.split("/", 1)[0]
    if number.isdigit():
        patch = judged.series.patch(int(number))
        if patch is None:
            have = ", ".join(str(p.number) for p in judged.series.patches)
            raise DraftError(f"--reply-to {value!r}: the series has no patch {int(number)} (it has {have})")
        return patch.msgid
    return text


def _review_draft(settings: Settings, wb, judged, target: str | None, trailer: str | None):
    """My stored comments on the patch ``--reply-to`` names, as a review draft."""
    from workbench.replies.review import compose_review
    from workbench.state.store import StateStore

    patch = next((p for p in judged.series.patches if p.msgid == target), None)
    if patch is None:
        raise DraftError("--draft comments: --reply-to must name a patch of the series (its number)")
    with StateStore.open(settings.state_file, create=False) as store:
        comments = store.comments(patch.msgid)
    if not comments:
        raise DraftError(f"--draft comments: no stored comments on patch {patch.number} "
                         f"({patch.msgid}); write them in the hunk view (c)")
    return compose_review(judged, wb.context, patch, comments, trailer=trailer, settings=settings), comments


def _forget(settings: Settings, used: list) -> None:
    """Comments that went into a saved draft are cleared; ones added meanwhile stay."""
    if not used:
        return
    from workbench.state.store import StateStore

    with StateStore.open(settings.state_file) as store:
        store.clear_comments(used[0].patch, [c.id for c in used])
