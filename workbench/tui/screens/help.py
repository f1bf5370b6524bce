"""Every binding active where help was asked for, generated from the bindings themselves
(so a keymap change shows here without anyone editing a help text)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, title: str, sections: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
        super().__init__()
        self.title_text = title
        self.sections = sections  # (where, [(keys, description, binding id)])

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(id="help-head")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text("ctrl+p opens the command palette: every action above, by name. "
                              "esc closes this help.", style="dim"), id="help-foot")

    def on_mount(self) -> None:
        self.query_one("#help-head", Static).update(Text(f"keys — {self.title_text}", style="bold"))
        table = self.query_one("#help-table", DataTable)
        table.add_column("keys", key="keys")
        table.add_column("action", key="action")
        table.add_column("binding id", key="id")
        for where, rows in self.sections:
            table.add_row(Text(where, style="bold underline"), Text(""), Text(""))
            for keys, description, binding_id in rows:
                table.add_row(Text(" " + keys, style="bold cyan"), Text(description), Text(binding_id, style="dim"))
        table.focus()
