"""A scrolling view of many lines that renders only what is on screen.

Diffs of a 30-patch series run to thousands of lines; a ``Static`` holding all of them
takes seconds to lay out, while the Line API asks for one line at a time, for the rows
that are visible. Lines are produced on demand by a ``LineSource`` (so syntax
highlighting runs only for visible lines) and kept in a small LRU cache, so scrolling
back and forth does not highlight the same line twice.

After each keyboard scroll the page below and the page above are prepared while the app
is idle (read-ahead): highlighting a fresh page of C costs ~20 ms, which otherwise lands
between the key and the repaint; prepared in the pause between two keys, page-down only
has to copy strips. Read-ahead stays bounded to those two pages, so a 5,000-line diff is
still never highlighted as a whole.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import ClassVar, Protocol

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

_CACHE_LINES = 2048


class LineSource(Protocol):
    def __len__(self) -> int: ...

    def line(self, index: int) -> Text: ...

    @property
    def width(self) -> int: ...

    def restyle(self, style: Callable[[str], Style]) -> None:
        """Take colours from the view's component classes (``style(name)``)."""


class TextLines:
    """A ready-made list of lines (short content: thread, versions)."""

    def __init__(self, lines: list[Text]) -> None:
        self._lines = lines
        self._width = max((ln.cell_len for ln in lines), default=0)

    def __len__(self) -> int:
        return len(self._lines)

    def line(self, index: int) -> Text:
        return self._lines[index]

    def restyle(self, style: Callable[[str], Style]) -> None:
        pass  # the lines came styled

    @property
    def width(self) -> int:
        return self._width


class LineView(ScrollView, can_focus=True, inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "scroll_down", "Down", show=False, id="scroll.down"),
        Binding("up", "scroll_up", "Up", show=False, id="scroll.up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="scroll.page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="scroll.page-up"),
        Binding("home", "scroll_home", "Top", show=False, id="scroll.top"),
        Binding("end", "scroll_end", "Bottom", show=False, id="scroll.bottom"),
        Binding("left", "scroll_left", "Left", show=False, id="scroll.left"),
        Binding("right", "scroll_right", "Right", show=False, id="scroll.right"),
    ]

    # Colours a theme (app.tcss) can change: diff lines and the line a jump landed on.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-view--added", "line-view--removed", "line-view--added-sign", "line-view--removed-sign",
        "line-view--mark",
    }

    DEFAULT_CSS = """
    LineView { height: 1fr; }
    """

    def __init__(self, source: LineSource | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._source: LineSource = source or TextLines([])
        self._cache: OrderedDict[int, Strip] = OrderedDict()
        self.renders = 0  # lines produced (not served from cache): for tests and benchmarks
        self._read_ahead_pending = False
        self.marked: int | None = None  # a line drawn highlighted: where a jump landed

    @property
    def source(self) -> LineSource:
        return self._source

    def _component_style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def notify_style_update(self) -> None:
        """The theme or the CSS changed: lines drawn with the old colours go."""
        super().notify_style_update()
        if self.is_mounted:
            self._source.restyle(self._component_style)
        self._cache.clear()

    def set_source(self, source: LineSource, *, keep_scroll: bool = False) -> None:
        self._source = source
        self.marked = None
        self._cache.clear()
        if self.is_mounted:
            source.restyle(self._component_style)
        self.virtual_size = Size(max(source.width, 1), len(source))
        if not keep_scroll:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()
        self._schedule_read_ahead()

    def on_mount(self) -> None:
        self._source.restyle(self._component_style)
        self.virtual_size = Size(max(self._source.width, 1), len(self._source))

    def _strip(self, index: int) -> Strip:
        strip = self._cache.get(index)
        if strip is not None:
            self._cache.move_to_end(index)
            return strip
        text = self._source.line(index)
        text.no_wrap = True
        text.end = ""
        segments = list(text.render(self.app.console))
        strip = Strip(segments)
        self.renders += 1
        self._cache[index] = strip
        if len(self._cache) > _CACHE_LINES:
            self._cache.popitem(last=False)
        return strip

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        style = self.rich_style
        if index >= len(self._source):
            return Strip.blank(width, style)
        strip = self._strip(index).crop_extend(scroll_x, scroll_x + width, style).apply_style(style)
        if index == self.marked:  # over the line's own colours (a diff line has a background)
            mark = self._component_style("line-view--mark")
            return Strip(Segment.apply_style(strip, post_style=mark), strip.cell_length)
        return strip

    def mark(self, index: int | None) -> None:
        """Highlight line ``index`` (None: none). A jump near the end of the content
        cannot put its line at the top, so the line it landed on is shown this way."""
        if index != self.marked:
            self.marked = index
            self.refresh()

    def visible_range(self) -> range:
        top = int(self.scroll_offset.y)
        return range(top, min(len(self._source), top + self.scrollable_content_region.height))

    # Key scrolling moves at once: an animated page-down keeps repainting for a quarter
    # of a second, which reads as lag when a maintainer pages through a long diff.

    def _scroll_by(self, lines: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + lines, animate=False, immediate=True)
        self._schedule_read_ahead()

    def _schedule_read_ahead(self) -> None:
        if not self._read_ahead_pending and self.is_mounted:
            self._read_ahead_pending = True
            self.call_after_refresh(self._read_ahead)

    def _read_ahead(self) -> None:
        """Prepare the page below, then the page above, the visible one."""
        self._read_ahead_pending = False
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        self.prepare(top + height)
        self.prepare(max(0, top - height), min(height, top))

    def prepare(self, start: int, count: int | None = None) -> None:
        """Render the page starting at line ``start`` into the cache (a view that knows
        where the user will jump next, like the hunk view's next hunk, asks for it)."""
        height = max(1, self.scrollable_content_region.height) if count is None else count
        for index in range(max(0, start), min(len(self._source), start + height)):
            if index not in self._cache:
                self._strip(index)

    def action_scroll_down(self) -> None:
        self._scroll_by(1)

    def action_scroll_up(self) -> None:
        self._scroll_by(-1)

    def action_page_down(self) -> None:
        self._scroll_by(max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._scroll_by(-max(1, self.scrollable_content_region.height - 1))

    def action_scroll_home(self) -> None:
        self.scroll_to(y=0, animate=False, immediate=True)
        self._schedule_read_ahead()

    def action_scroll_end(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
        self._schedule_read_ahead()

    def action_scroll_left(self) -> None:
        self.scroll_to(x=max(0, self.scroll_offset.x - 8), animate=False, immediate=True)

    def action_scroll_right(self) -> None:
        self.scroll_to(x=self.scroll_offset.x + 8, animate=False, immediate=True)

    def go_to_line(self, index: int) -> None:
        """Put line ``index`` at the top of the view (as far as scrolling allows)."""
        self.scroll_to(y=max(0, index), animate=False, immediate=True)
        self._schedule_read_ahead()

    def plain(self, index: int) -> str:
        return self._source.line(index).plain

