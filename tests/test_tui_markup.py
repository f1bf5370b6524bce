"""Mail text is hostile: markup in subjects, names and bodies shows literally and acts not,
and terminal control sequences never reach the screen."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import DataTable, Static

from workbench.config import Settings
from workbench.tui.app import WorkbenchApp
from workbench.tui.launch import settle
from workbench.tui.screens.series_view import SeriesScreen
from workbench.tui.widgets.line_view import LineView

EVIL_TITLE = "vfio/mlx5: [@click=app.quit]q[/] and [red]x"
EVIL_NAME = "[bold]Mallory[/bold]"

PATCH = (
    "From: \"" + EVIL_NAME + "\" <mallory@example.org>\n"
    "To: kvm@vger.kernel.org\n"
    "Subject: [PATCH] " + EVIL_TITLE + "\n"
    "Date: Mon, 3 Feb 2025 10:00:00 +0000\n"
    "Message-Id: <evil-1@example.org>\n"
    "\n"
    "Set the title \x1b]0;pwned\x07 and the clipboard \x1b]52;c;ZXZpbA==\x07 and [blink]blink[/].\n"
    "\x1b[31mred text\x1b[0m\n"
    "\n"
    "Signed-off-by: " + EVIL_NAME + " <mallory@example.org>\n"
    "---\n"
    " drivers/vfio/pci/mlx5/main.c | 1 +\n"
    " 1 file changed, 1 insertion(+)\n"
    "\n"
    "diff --git a/drivers/vfio/pci/mlx5/main.c b/drivers/vfio/pci/mlx5/main.c\n"
    "index 1111111..2222222 100644\n"
    "--- a/drivers/vfio/pci/mlx5/main.c\n"
    "+++ b/drivers/vfio/pci/mlx5/main.c\n"
    "@@ -1,2 +1,3 @@\n"
    " int a;\n"
    "+char *s = \"[@click=app.quit]boom[/]\\x1b\"; /* \x1b[2J */\n"
    " int b;\n"
    "-- \n"
    "2.43.0\n"
)

REPLY = (
    "From: \"[@click=app.quit]Eve[/]\" <eve@example.org>\n"
    "To: kvm@vger.kernel.org\n"
    "Subject: Re: [PATCH] " + EVIL_TITLE + "\n"
    "Date: Tue, 4 Feb 2025 10:00:00 +0000\n"
    "Message-Id: <evil-2@example.org>\n"
    "In-Reply-To: <evil-1@example.org>\n"
    "References: <evil-1@example.org>\n"
    "\n"
    "Looks fine [red]to me[/red].\n"
    "\n"
    "Reviewed-by: [link=https://evil.example]Eve[/link] <eve@example.org>\n"
)


def screen_text(app: WorkbenchApp) -> str:
    return app.export_screenshot()


def test_markup_and_control_sequences_in_mail_show_literally(make_store, demo_store, tmp_path: Path) -> None:
    root = make_store([PATCH.encode(), REPLY.encode()])
    settings = Settings(db_path=root, maintainers=demo_store.maintainers, mailmap=demo_store.mailmap,
                        me=demo_store.me, cache_dir=tmp_path / "cache")
    app = WorkbenchApp(settings)

    async def main() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot, timeout=60)
            assert app.load_error is None
            table = app.list_screen.query_one("#series", DataTable)
            assert table.row_count == 1
            title = table.get_cell_at((0, table.get_column_index("title")))
            author = table.get_cell_at((0, table.get_column_index("author")))
            assert title.plain == EVIL_TITLE
            assert author.plain == EVIL_NAME
            assert not title.spans or all("click" not in str(s.style) for s in title.spans)
            svg = screen_text(app)
            assert "[@click=app.quit]q[/]" in svg.replace("&#160;", " ")

            # a click on the title opens the series (it is a row) and never runs app.quit
            await pilot.click("#series", offset=(30, 1))
            await pilot.pause()
            await pilot.press("enter")
            await settle(pilot, timeout=60)  # the diff is read in a worker
            assert app.is_running
            screen = app.screen
            assert isinstance(screen, SeriesScreen)
            head = screen.query_one("#series-head", Static).render().plain
            assert EVIL_TITLE in head and EVIL_NAME in head
            trailers = screen.query_one("#trailers", Static).render().plain
            assert "[link=https://evil.example]Eve[/link]" in trailers
            diff = [screen.query_one("#patch-diff", LineView).plain(i)
                    for i in range(len(screen.query_one("#patch-diff", LineView).source))]
            added = next(line for line in diff if "boom" in line)
            assert '"[@click=app.quit]boom[/]\\x1b"' in added and "\x1b" not in added

            await pilot.press("t")
            await pilot.pause()
            view = app.screen.query_one("#thread", LineView)
            lines = [view.plain(i) for i in range(len(view.source))]
            text = "\n".join(lines)
            assert "\x1b" not in text and "\x07" not in text
            assert "Set the title  and the clipboard  and [blink]blink[/]." in text
            assert "red text" in text and "Looks fine [red]to me[/red]." in text
            assert "[@click=app.quit]Eve[/]" in text
            # the SVG of the screen carries no escape either
            assert "\x1b" not in screen_text(app)
            await pilot.press("escape", "escape")
            assert app.is_running

    asyncio.run(main())
