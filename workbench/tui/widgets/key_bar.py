"""The key bar at the foot of every screen: the active bindings as one line of text.

Textual's ``Footer`` rebuilds itself as one widget per key (each styled against the
whole stylesheet, each painted on its own) every time the bindings change, which is on
every focus move and every screen switch. Profiled over the Pilot tests of the list and
series screens, that rebuild was about a seventh of all the CPU. This bar is one widget
that re-renders one line of text when the bindings change: the same keys, groups and
palette key, still clickable, still coloured by the theme (component classes).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget


@dataclass(frozen=True)
class KeySpan:
    """Where one key was drawn on the bar (columns ``start``..``end``), so a click on
    it presses it."""

    key: str
    action: str
    start: int
    end: int
    enabled: bool


class KeyBar(Widget, can_focus=False):
    """The shown bindings of the screen, grouped as their ``Binding.Group`` says, with
    the command palette's key at the right end."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description", "key-bar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-bar--disabled {
            text-style: dim;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spans: tuple[KeySpan, ...] = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh()

    def _shown(self) -> tuple[list[tuple[Binding, bool]], tuple[Binding, bool] | None]:
        """The bindings to draw, one per action in binding order, and the palette's."""
        active = self.screen.active_bindings
        palette_key = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else None
        palette = None
        if palette_key is not None and palette_key in active:
            _node, binding, enabled, _tooltip = active[palette_key]
            palette = (binding, enabled)
        seen: set[str] = set()
        shown: list[tuple[Binding, bool]] = []
        for key, (_node, binding, enabled, _tooltip) in active.items():
            if binding.show and key != palette_key and binding.action not in seen:
                seen.add(binding.action)
                shown.append((binding, enabled))
        return shown, palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        text_style = self.get_component_rich_style("key-bar--description")
        dim = self.get_component_rich_style("key-bar--disabled")
        spans: list[KeySpan] = []
        line = Text(no_wrap=True, overflow="ellipsis", end="")

        def key(binding: Binding, enabled: bool, pad: str) -> None:
            display = self.app.get_key_display(binding)
            start = len(line) + len(pad)
            line.append(f"{pad}{display}", key_style + (Style() if enabled else dim))
            spans.append(KeySpan(binding.key, binding.action, start, start + len(display), enabled))

        def describe(description: str, enabled: bool = True) -> None:
            line.append(f" {description}", text_style + (Style() if enabled else dim))

        shown, palette = self._shown()
        for group, members in groupby(shown, lambda item: item[0].group):
            items = list(members)
            if group is not None and len(items) > 1:
                for i, (binding, enabled) in enumerate(items):
                    key(binding, enabled, " " if i == 0 or not group.compact else "")
                describe(group.description)
            else:
                for binding, enabled in items:
                    key(binding, enabled, " ")
                    describe(binding.description, enabled)
        room, tail, palette_span = self.size.width, Text(no_wrap=True, end=""), []
        if palette is not None:
            binding, enabled = palette
            display = self.app.get_key_display(binding)
            tail.append(f" ▏{display}", key_style)
            tail.append(f" {binding.description} ", text_style)
            room = max(0, room - len(tail))
            palette_span.append(KeySpan(binding.key, binding.action, room + 2, room + 2 + len(display), enabled))
        # what does not fit ends in an ellipsis and takes no clicks
        last = room if len(line) <= room else room - 1
        self.spans = tuple(s for s in spans if s.end <= last) + tuple(palette_span)
        line.truncate(room, overflow="ellipsis", pad=palette is not None)
        line.append_text(tail)
        return line

    def on_click(self, event: events.Click) -> None:
        for span in self.spans:
            if span.start <= event.x < span.end:
                if span.enabled:
                    self.app.simulate_key(span.key)
                else:
                    self.app.bell()
                return
