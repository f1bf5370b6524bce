"""The key bar (workbench.tui.widgets.key_bar): what Textual's Footer showed, in one widget.

A small app with known bindings, so every expectation is written from the bindings: the
shown keys in order, a group drawn once with its description, hidden and disabled keys,
the palette key at the right end, a click pressing the key under it, and the bar
following the focus when the focused widget brings its own keys.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from workbench.tui.widgets.key_bar import KeyBar

_NUMBERS = Binding.Group("one·two·three", compact=True)


class Field(Static, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("e", "app.hit('e')", "Edit field")]


class Keys(App[None]):
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "hit('x')", "Cross"),
        Binding("1", "hit('1')", "One", group=_NUMBERS),
        Binding("2", "hit('2')", "Two", group=_NUMBERS),
        Binding("3", "hit('3')", "Three", group=_NUMBERS),
        Binding("h", "hit('h')", "Hidden", show=False),
        Binding("n", "never", "Never"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[str] = []

    def compose(self) -> ComposeResult:
        yield Field("a field", id="field")
        yield KeyBar()

    def action_hit(self, name: str) -> None:
        self.hits.append(name)

    def action_never(self) -> None:
        self.hits.append("never")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "never" else True  # None: shown, but disabled


def _run(width: int, script) -> Keys:
    app = Keys()

    async def main() -> None:
        async with app.run_test(size=(width, 6)) as pilot:
            await pilot.pause()
            await script(app, pilot)

    asyncio.run(main())
    return app


def _line(app: Keys) -> str:
    return app.query_one(KeyBar).render().plain


def test_keys_groups_hidden_disabled_and_palette() -> None:
    async def script(app: Keys, pilot) -> None:
        line = _line(app)
        assert line.startswith(" x Cross 123 one·two·three n Never"), line
        assert "Hidden" not in line
        assert len(line) == 100 and line.rstrip().endswith("▏^p palette"), line
        bar = app.query_one(KeyBar)
        assert [s.action for s in bar.spans] == ["hit('x')", "hit('1')", "hit('2')", "hit('3')", "never",
                                                 "command_palette"]
        assert [s.enabled for s in bar.spans] == [True, True, True, True, False, True]
        assert [line[s.start:s.end] for s in bar.spans] == ["x", "1", "2", "3", "n", "^p"]

    _run(100, script)


def test_a_click_presses_the_key_under_it_and_not_a_disabled_one() -> None:
    async def script(app: Keys, pilot) -> None:
        spans = {s.action: s for s in app.query_one(KeyBar).spans}
        await pilot.click(KeyBar, offset=(spans["hit('2')"].start, 0))
        await pilot.click(KeyBar, offset=(spans["hit('x')"].start, 0))
        await pilot.click(KeyBar, offset=(spans["never"].start, 0))
        await pilot.click(KeyBar, offset=(spans["hit('x')"].end + 2, 0))  # on the description
        await pilot.pause()
        assert app.hits == ["2", "x"]

    _run(100, script)


def test_a_narrow_bar_cuts_the_keys_that_do_not_fit_and_keeps_the_palette() -> None:
    async def script(app: Keys, pilot) -> None:
        line, bar = _line(app), app.query_one(KeyBar)
        assert len(line) == 30 and "…" in line and "Never" not in line, line
        assert [s.action for s in bar.spans][-1] == "command_palette"
        assert "never" not in {s.action for s in bar.spans}
        assert all(s.end <= 30 for s in bar.spans)

    _run(30, script)


def test_the_bar_follows_the_keys_of_the_focused_widget() -> None:
    async def script(app: Keys, pilot) -> None:
        assert "Edit field" not in _line(app)
        app.query_one("#field", Field).focus()
        await pilot.pause()
        assert _line(app).startswith(" e Edit field x Cross"), _line(app)
        await pilot.click(KeyBar, offset=(1, 0))
        await pilot.pause()
        assert app.hits == ["e"]

    _run(100, script)
