"""The rows of the hunk view: patches, files, hunks and lines of a series, flattened.

The diff is re-read from the patch mails when a series is opened (the core keeps no
bodies; ``workbench.mail.reading`` decodes and parses each patch once and keeps the last
few, which the parent-approval draft shares), flattened into rows, and each row becomes
a ``Text`` only when it scrolls into view: pygments runs on visible lines only, which is what lets a 5,000-line series open
at once. Rows also carry what the maintainer must see beside the code: the MAINTAINERS
section a parent-driver file belongs to (and whether it has its approval), and the hunks
and lines that take data from userspace.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound
from rich.style import Style
from rich.syntax import PygmentsSyntaxTheme
from rich.text import Text

from workbench.mail.reading import READER
from workbench.model import Patch, SignalKind, Status
from workbench.patchmail.hunks import FileDiff
from workbench.report.marks import STATUS_MARK
from workbench.text import one_line, sanitize
from workbench.tui.render import ACCENT, STATUS_STYLE
from workbench.views.owners import Owner

_THEME = PygmentsSyntaxTheme("monokai")


@dataclass(frozen=True, slots=True)
class DiffStyles:
    """How added and removed lines look. In the app they come from the line view's
    component classes (``app.tcss``), so a theme can change them; these defaults are the
    same look, for a source drawn outside a view."""

    added: Style = Style.parse("on #12301a")  # the whole line, under the code's colours
    removed: Style = Style.parse("on #3a1414")
    added_sign: Style = Style.parse("bold green")  # the + in the first column
    removed_sign: Style = Style.parse("bold red")

    @classmethod
    def from_components(cls, style: Callable[[str], Style]) -> DiffStyles:
        """Read from a view's component classes (see ``LineView.COMPONENT_CLASSES``)."""
        return cls(added=style("line-view--added"), removed=style("line-view--removed"),
                   added_sign=style("line-view--added-sign"), removed_sign=style("line-view--removed-sign"))


@dataclass(slots=True)
class PatchDiff:
    number: int
    title: str
    author: str
    files: list[FileDiff]
    userspace_hunks: set[tuple[str, str]] = field(default_factory=set)  # (path, hunk header)
    userspace_lines: set[tuple[str, str]] = field(default_factory=set)  # (path, added line)
    problem: str = ""


@dataclass(slots=True)
class Row:
    kind: str  # "patch" | "file" | "hunk" | "line" | "note"
    patch: int
    path: str = ""
    text: str = ""
    sign: str = ""  # for lines: '+', '-', ' ', '\\'
    old_no: int | None = None
    new_no: int | None = None
    flagged: bool = False  # userspace data (hunk or line)
    hunk: int = -1  # for lines: the hunk's index in its file, and the line's in its hunk
    index: int = -1  # (where a review comment is anchored)


def diff_lines(diffs: list[PatchDiff]) -> int:
    """How many diff lines ``diffs`` hold (what a view of them shows, near enough)."""
    return sum(len(hunk.lines) for pd in diffs for fd in pd.files for hunk in fd.hunks)


def load_patch_diff(patch: Patch) -> PatchDiff:
    """One patch's diff, re-read from its mail."""
    read = READER.patch(patch.path)  # decoded and parsed once per file (the mail door's reader)
    files = list(read.files)
    pd = PatchDiff(number=patch.number, title=patch.title, author=patch.author.display(), files=files)
    if read.problem:
        pd.problem = read.problem
    elif not files:
        pd.problem = "no diff in this mail"
    for sig in patch.signals:
        if sig.kind is SignalKind.USERSPACE:
            pd.userspace_hunks.add((sig.path, sig.hunk))
            pd.userspace_lines.add((sig.path, sig.line))
    return pd


@lru_cache(maxsize=64)
def _lexer(path: str) -> Lexer:
    try:
        return get_lexer_for_filename(path, stripnl=False, ensurenl=False, stripall=False)
    except ClassNotFound:
        return TextLexer(stripnl=False, ensurenl=False)


@lru_cache(maxsize=512)
def _token_style(token_type) -> Style:
    style = _THEME.get_style_for_token(token_type)
    return Style(color=style.color, bold=style.bold, italic=style.italic)


def highlight(code: str, path: str) -> Text:
    """One line of code, highlighted on its own (multi-line comments lose their colour
    past the first line: a fair price for highlighting only what is visible)."""
    lexer = _lexer(path)
    text = Text()
    if isinstance(lexer, TextLexer):
        text.append(code)
        return text
    for token_type, value in lexer.get_tokens(code):
        if value:
            text.append(value.rstrip("\n"), _token_style(token_type))
    return text


def warm_highlighter() -> None:
    """Compile the C lexer's regexes and the theme ahead of time (in the load worker):
    done on first use they would add ~0.1 s to opening the first series."""
    for path in ("x.c", "x.h", "x.rst", "Makefile", "Kconfig"):
        highlight("static int x = 0; /* y */", path)


class DiffSource:
    """The LineSource behind the hunk view, with indexes for jumping."""

    def __init__(self, patches: list[PatchDiff], owners: dict[str, Owner], *,
                 parent_only: bool = False, total: int | None = None) -> None:
        self.patches = patches
        self.owners = owners
        self.parent_only = parent_only
        self.total = total if total is not None else len(patches)
        self.rows: list[Row] = []
        self.hunk_rows: list[int] = []
        self.file_rows: list[int] = []
        self.patch_rows: list[int] = []
        self.flagged_rows: list[int] = []
        self.styles = DiffStyles()
        self._width = 0
        self._build()

    def restyle(self, style: Callable[[str], Style]) -> None:
        """Take the colours of added and removed lines from the view that shows them."""
        self.styles = DiffStyles.from_components(style)

    def _owner(self, path: str) -> Owner:
        return self.owners.get(path) or Owner(section="", parent=False)

    def _build(self) -> None:
        rows = self.rows
        for pd in self.patches:
            files = [f for f in pd.files if not self.parent_only or self._owner(f.path).parent]
            if self.parent_only and not files:
                continue
            self.patch_rows.append(len(rows))
            rows.append(Row("patch", pd.number, text=f"{pd.title} — {pd.author}"))
            if pd.problem and not files:
                rows.append(Row("note", pd.number, text=pd.problem))
            for fd in files:
                self.file_rows.append(len(rows))
                rows.append(Row("file", pd.number, path=fd.path,
                                text=f"{fd.status}" + (f" from {fd.old_path}" if fd.old_path else "")
                                + f", +{fd.added} -{fd.removed}"))
                if fd.binary:
                    rows.append(Row("note", pd.number, path=fd.path, text="binary file"))
                for hunk_no, hunk in enumerate(fd.hunks):
                    flagged = (fd.path, hunk.header) in pd.userspace_hunks
                    self.hunk_rows.append(len(rows))
                    if flagged:
                        self.flagged_rows.append(len(rows))
                    rows.append(Row("hunk", pd.number, path=fd.path, text=hunk.header, flagged=flagged))
                    for line_no, line in enumerate(hunk.lines):
                        rows.append(Row("line", pd.number, path=fd.path, text=line.text, sign=line.kind,
                                        old_no=line.old_no, new_no=line.new_no,
                                        flagged=flagged and line.kind == "+"
                                        and (fd.path, line.text) in pd.userspace_lines,
                                        hunk=hunk_no, index=line_no))
        if not rows:
            rows.append(Row("note", 0, text="only parent-driver hunks are shown, and this series has none"
                            if self.parent_only else "this series has no diff"))
        self._width = 14 + max((len(r.text) + len(r.path) for r in rows), default=0)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return self._width

    # -- navigation -----------------------------------------------------------------

    @staticmethod
    def _next(starts: list[int], current: int) -> int | None:
        i = bisect_right(starts, current)
        return starts[i] if i < len(starts) else None

    @staticmethod
    def _prev(starts: list[int], current: int) -> int | None:
        i = bisect_right(starts, current - 1)
        return starts[i - 1] if i > 0 else None

    def next_of(self, kind: str, current: int) -> int | None:
        return self._next(self._index(kind), current)

    def prev_of(self, kind: str, current: int) -> int | None:
        """The start before ``current``; for a patch, the patch before the one
        ``current`` is in (from a patch's first file, its own header is one line up:
        going there would look like no jump at all)."""
        if kind == "patch":
            starts = self.patch_rows
            i = bisect_right(starts, current)  # starts[i-1]: the patch holding current
            return starts[i - 2] if i >= 2 else None
        return self._prev(self._index(kind), current)

    def hunk_position(self, row: int) -> tuple[int, bool]:
        """(how many hunks start at or before ``row``, whether ``row`` is inside one):
        on a patch or file header the count is of the hunks before it."""
        count = bisect_right(self.hunk_rows, row)
        # a line row always belongs to the hunk row above it
        inside = count > 0 and 0 <= row < len(self.rows) and self.rows[row].kind in ("hunk", "line")
        return count, inside

    def _index(self, kind: str) -> list[int]:
        return {"hunk": self.hunk_rows, "file": self.file_rows, "patch": self.patch_rows,
                "flagged": self.flagged_rows}[kind]

    def row_of_patch(self, number: int) -> int | None:
        for index in self.patch_rows:
            if self.rows[index].patch == number:
                return index
        return None

    # -- rendering ------------------------------------------------------------------

    def line(self, index: int) -> Text:
        row = self.rows[index]
        owner = self._owner(row.path) if row.path else None
        bar = Text("▌", style=ACCENT) if owner and owner.parent else Text(" ")
        if row.kind == "patch":
            text = Text(f" [{row.patch}/{self.total}] ", style="bold reverse")
            text.append(" " + one_line(row.text), style="bold")
            return text
        if row.kind == "file":
            text = bar + Text("━ ", style="bold") + Text(one_line(row.path), style="bold underline")
            text.append("  " + row.text, style="dim")
            if owner and owner.section:
                text.append("  [")
                text.append(one_line(owner.section), style=ACCENT if owner.parent else "dim")
                if owner.parent and owner.status is not None:
                    text.append(" · parent driver ")
                    text.append(STATUS_MARK[owner.status], style=STATUS_STYLE[owner.status])
                    text.append(" " + _approval_word(owner.status))
                text.append("]")
            return text
        if row.kind == "hunk":
            text = bar + Text(" " + one_line(row.text), style="cyan")
            if row.flagged:
                text.append("  ⚠ userspace data", style="bold yellow")
            return text
        if row.kind == "note":
            return Text("   " + one_line(row.text), style="italic dim")
        old = f"{row.old_no:>5}" if row.old_no is not None else "     "
        new = f"{row.new_no:>5}" if row.new_no is not None else "     "
        text = bar + Text("!" if row.flagged else " ", style="bold yellow")
        text.append(f"{old} {new} ", style="dim")
        code = sanitize(row.text, keep_newlines=False)
        if row.sign == "\\":
            text.append("\\ " + code, style="dim italic")
            return text
        body = Text(row.sign if row.sign in "+-" else " ")
        body.append_text(highlight(code, row.path))
        if row.sign == "+":
            body.stylize(self.styles.added_sign, 0, 1)
            body.stylize(self.styles.added)
        elif row.sign == "-":
            body.stylize(self.styles.removed_sign, 0, 1)
            body.stylize(self.styles.removed)
        text.append_text(body)
        return text


def _approval_word(status: Status) -> str:
    return {Status.PASS: "approved", Status.MISSING: "no approval yet",
            Status.ATTENTION: "check approval", Status.NA: "n/a"}[status]
