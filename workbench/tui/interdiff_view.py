"""The interdiff of two versions of a series as lines for the Line-API view.

Built from ``workbench.versions`` (pairing and interdiff, textual-free); this module only
turns its typed lines into styled ``Text``. Mail text goes through ``sanitize`` and is
never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from workbench.analysis import Judged
from workbench.text import one_line, sanitize
from workbench.tui.diffs import DiffStyles
from workbench.versions.interdiff import Interdiff, Line, LineKind, interdiff
from workbench.versions.pairing import PatchPair, pair_patches


@dataclass(frozen=True, slots=True)
class _Row:
    patch: int  # index into the pairs
    line: Line | None  # None: the patch heading


def version_name(judged: Judged) -> str:
    s = judged.series
    return f"{'RFC ' if s.rfc else ''}v{s.version}"


def compute(older: Judged, newer: Judged) -> tuple[list[PatchPair], list[Interdiff]]:
    """Pair the patches and compute every interdiff (reads the patch files: a worker's job)."""
    pairs = pair_patches(older.series, newer.series)
    return pairs, [interdiff(p.old, p.new) for p in pairs]


class InterdiffSource:
    """Every paired patch of ``older`` → ``newer``: a heading, then its interdiff lines."""

    def __init__(self, older: Judged, newer: Judged, computed: tuple[list[PatchPair], list[Interdiff]] | None = None) -> None:
        self.older, self.newer = older, newer
        self.pairs, self.diffs = computed if computed is not None else compute(older, newer)
        self.rows: list[_Row] = []
        self.starts: list[int] = []  # row of each patch heading
        for i, d in enumerate(self.diffs):
            self.starts.append(len(self.rows))
            self.rows.append(_Row(i, None))
            self.rows.extend(_Row(i, line) for line in d.lines())
        self._width = max((len(r.line.text) + 4 for r in self.rows if r.line), default=40) + 8
        self.styles = DiffStyles()  # the view's component classes replace these (``restyle``)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return self._width

    def restyle(self, style: Callable[[str], Style]) -> None:
        """Removed and added lines look as in the diff views: the same component classes."""
        self.styles = DiffStyles.from_components(style)

    def patch_at(self, row: int) -> int:
        """The index of the pair row ``row`` belongs to."""
        if not self.rows:
            return 0
        return self.rows[min(max(row, 0), len(self.rows) - 1)].patch

    def start_of_number(self, number: int | None) -> int:
        """The heading row of the pair whose newer (else older) patch is ``number``."""
        for i, pair in enumerate(self.pairs):
            if (pair.new or pair.old).number == number:  # type: ignore[union-attr]
                return self.starts[i]
        return 0

    def heading(self, i: int) -> Text:
        pair, d = self.pairs[i], self.diffs[i]
        old = f"{pair.old.number}" if pair.old else "-"
        new = f"{pair.new.number}" if pair.new else "-"
        text = Text(f" {version_name(self.older)} {old} → {version_name(self.newer)} {new} ", style="bold reverse")
        text.append(" " + one_line(pair.title), style="bold")
        if pair.old is None:
            text.append("  new patch", style="green")
        elif pair.new is None:
            text.append("  dropped", style="red")
        elif not d.changed:
            text.append("  unchanged", style="dim")
        else:
            what = [w for w, on in (("title", d.title_change), ("message", d.message),
                                    ("trailers", d.trailers_added or d.trailers_dropped),
                                    ("code", d.code_changed)) if on]
            text.append("  changed: " + ", ".join(what), style="yellow")
        return text

    def line(self, index: int) -> Text:
        row = self.rows[index]
        if row.line is None:
            return self.heading(row.patch)
        line = row.line
        code = sanitize(line.text, keep_newlines=False)
        kind = line.kind
        if kind is LineKind.SECTION:
            return Text("━ ", style="bold") + Text(code, style="bold underline")
        if kind is LineKind.HUNK:
            return Text("  " + code, style="cyan")
        if kind is LineKind.FOLD:
            return Text("  " + code, style="italic dim")
        if kind is LineKind.NOTE:
            return Text("  " + code, style="italic yellow")
        if kind is LineKind.SAME:
            return Text("  " + code, style="dim")
        sign = "-" if kind is LineKind.OLD else "+"
        text = Text(sign + " " + code)
        styles = self.styles
        if kind is LineKind.OLD:
            text.stylize(styles.removed_sign, 0, 1)
            text.stylize(styles.removed)
        else:
            text.stylize(styles.added_sign, 0, 1)
            text.stylize(styles.added)
        return text
