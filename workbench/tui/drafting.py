"""Between the draft screens and the core: what a series offers, the text a draft is
edited as, and the round trip through ``$VISUAL``/``$EDITOR``.

The core composes (``workbench.replies.compose``), parses edits (``Draft.with_edit``) and
saves (``workbench.mail.drafts.save_draft``); nothing here re-implements any of that. What
is here is what only an interactive editor needs:

* the edit text quotes display names that hold RFC 5322 specials ("Tian, Kevin"), so an
  address list written out for editing parses back into the same people;
* the external editor gets a private temporary file and the text comes back even when the
  editor is a script that rewrites the file (sed -i renames over it);
* an editor that exits non-zero (vim's ``:cq``) means "abandon this edit".
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from workbench.model import Person
from workbench.replies import kinds as K
from workbench.replies.draft import Draft
from workbench.replies.formatting import clean_text
from workbench.text import one_line

REPLY_TRAILERS: tuple[str | None, ...] = (None, "Reviewed-by", "Acked-by", "Tested-by")


@dataclass(frozen=True, slots=True)
class DraftRequest:
    """What the user asked for: a kind, and for some kinds which section, message or trailer."""

    kind: K.DraftKind
    section: str | None = None
    target_msgid: str | None = None
    trailer: str | None = None


@dataclass(frozen=True, slots=True)
class DraftFields:
    """The editable parts of a draft, as the screen's fields hold them."""

    sender: str
    to: str
    cc: str
    subject: str
    body: str

    def text(self) -> str:
        """The text ``Draft.with_edit`` parses: headers, a blank line, the body."""
        return (f"From: {self.sender}\nTo: {self.to}\nCc: {self.cc}\n"
                f"Subject: {self.subject}\n\n{self.body}")


def address(person: Person) -> str:
    return person.mailbox()


def addresses(people: list[Person]) -> str:
    return ", ".join(address(p) for p in people)


def fields_of(draft: Draft) -> DraftFields:
    return DraftFields(address(draft.sender), addresses(draft.to), addresses(draft.cc),
                       draft.subject, draft.body)


def split_addresses(text: str) -> list[str]:
    """``a <x>, "b, c" <y>`` split at the commas outside quotes and angle brackets, each
    item stripped (an empty item stays, so a stray comma can be pointed out)."""
    items: list[str] = []
    start, quoted, angle = 0, False, False
    for i, ch in enumerate(text):
        if ch == '"' and (i == 0 or text[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and ch == "<":
            angle = True
        elif not quoted and ch == ">":
            angle = False
        elif ch == "," and not quoted and not angle:
            items.append(text[start:i].strip())
            start = i + 1
    items.append(text[start:].strip())
    return items


_MAILBOX = re.compile(r"^[^@\s<>,]+@[^@\s<>,]+$")


def recipient_problem(header: str, text: str, *, required: bool) -> str | None:
    """Why a To/Cc field cannot be saved, in words that name the item, or None.

    The core's parser skips empty items and keeps going, which is right for mail read in
    but not for a field the user is typing: "a@x, , b@y" or a trailing comma is a slip
    worth pointing at, and so is a name without an address. From gets the same treatment
    from the core (exactly one address)."""
    if not text.strip():
        return f"{header}: no recipient — give at least one address" if required else None
    items = split_addresses(text)
    for number, item in enumerate(items, 1):
        if not item:
            return f"{header}: address {number} is empty (a stray comma?)"
        name, email = parseaddr(item)
        if not email or not _MAILBOX.match(email) or (not name and email != item.strip("<> ")):
            return f"{header}: {item!r} is not an email address (write Name <user@example.org>)"
    return None


def offered_kinds(offers: list[K.DraftOffer]) -> set[str]:
    return {o.kind for o in offers}


def parent_sections(offers: list[K.DraftOffer]) -> list[str]:
    return [o.section for o in offers if o.kind == K.DraftKind.PARENT_ACK and o.section]


def reply_label(trailer: str | None) -> str:
    return "plain reply" if trailer is None else f"reply with my {trailer}"


TOAST_TEXT = 34
"""Cells of text a toast has on an 80-column terminal (Textual: half the screen, less
padding); a longer word does not wrap but runs over whatever is beside the toast."""


def fold(word: str, width: int = TOAST_TEXT) -> str:
    """A word longer than ``width`` cut into lines of ``width``."""
    return "\n".join(word[i:i + width] for i in range(0, len(word), width)) or word


def saved_message(path: Path, root: Path | None) -> str:
    """What the "draft saved" toast says: where the file went, relative to the mail root,
    with the long maildir file name folded so it stays inside the toast."""
    try:
        shown = path.relative_to(root) if root is not None else path
    except ValueError:
        shown = path
    folder = one_line(shown.parent.as_posix().rstrip("/") + "/")
    return (f"in {fold(folder)}\n{fold(one_line(shown.name))}\n"
            "tagged +draft -inbox -unread: your mail client can send it")


# --- the external editor ------------------------------------------------------------------

def editor_command(environ: dict[str, str] | None = None) -> list[str] | None:
    """``$VISUAL``, else ``$EDITOR``, split like a shell would (``"emacs -nw"``)."""
    env = os.environ if environ is None else environ
    for var in ("VISUAL", "EDITOR"):
        value = (env.get(var) or "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                words = value.split()
            if words:
                return words
    return None


@dataclass(frozen=True, slots=True)
class EditorOutcome:
    text: str | None  # the edited text; None when the edit was abandoned or failed
    problem: str | None = None


def write_edit_file(text: str) -> Path:
    """A private (0600) temporary file holding ``text``, named so editors pick mail mode."""
    fd, name = tempfile.mkstemp(prefix="vfio-workbench-draft-", suffix=".eml")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return Path(name)


def run_editor(command: list[str], path: Path) -> EditorOutcome:
    """Run the editor on ``path`` (the caller has handed it the terminal) and read the
    file back; the file is removed either way."""
    try:
        try:
            result = subprocess.run([*command, str(path)], check=False)
        except OSError as err:
            return EditorOutcome(None, f"cannot run the editor {command[0]!r}: {err.strerror or err} "
                                       "(check $VISUAL / $EDITOR)")
        if result.returncode != 0:
            return EditorOutcome(None, f"the editor exited with status {result.returncode}: "
                                       "the draft is left as it was")
        try:
            raw = path.read_bytes()
        except OSError as err:
            return EditorOutcome(None, f"cannot read the edited draft back: {err.strerror or err}")
        return EditorOutcome(clean_text(raw.decode("utf-8", errors="replace")))
    finally:
        try:
            path.unlink()
        except OSError:
            pass
