"""Markup and terminal injection: mail text stays text, in every place it is shown.

Each hostile mail below comes through a real notmuch store. What it tries: OSC 52 (write
the user's clipboard), OSC 0/2 (set the terminal title), CSI (clear the screen, recolour),
C1 controls (the 8-bit forms of CSI/OSC), bidi overrides (make ``exe.png`` read as
``gnp.exe``), zero-width characters (hide a difference between two names), Rich/Textual
markup (``[@click=app.quit]``, ``[link=…]``) and markdown/HTML (links, images, breaking
out of a code span with a backtick in a Message-Id).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from email.header import Header
from pathlib import Path

import pytest

from conftest import REPO
from vfio_workbench_demo.maintainers_text import MAINTAINERS
from workbench.config import Settings
from workbench.pipeline import build_workbench
from workbench.text import one_line, sanitize

OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"
TITLE0 = "\x1b]0;pwned\x07"
TITLE2 = "\x1b]2;pwned\x1b\\"
CSI = "\x1b[2J\x1b[31m"
C1 = "\u009b31m\u009d0;c1title\u009c"
BIDI = "\u202egnp.exe\u202c"
ZW = "\u200bzw\u200d\u2060\ufeff"
MARKUP = ("[@click=app.quit]q[/] [link=https://evil.example]L[/link] [bold red]B[/] "
          '[link="https://evil.example/q"]Q[/link] [@click="app.bell"]C[/]')  # Textual's quoted form too
MD = "[click](https://evil.example/c) ![img](https://evil.example/x.png) <img src=x onerror=alert(1)> | col |"

EVIL_TITLE = f"vfio/mlx5: {OSC52}clip {TITLE0}t0 {TITLE2}t2 {CSI}csi {C1} {BIDI} {ZW} {MARKUP} {MD}"
EVIL_NAME = f"Mallory {CSI}{BIDI}{ZW} [@click=app.quit]M[/]"
EVIL_ID = "evil`[x](https://evil.example/x)`@example.org"

LIVE = ("\x1b", "\x07", "\x9b", "\x9d", "\x9c", "\u202e", "\u202c", "\u200b", "\u200d", "\u2060", "\ufeff")


def encoded(text: str) -> str:
    return Header(text, "utf-8").encode(maxlinelen=76)


def evil_mails() -> list[bytes]:
    diff = (
        "diff --git a/drivers/vfio/pci/mlx5/main.c b/drivers/vfio/pci/mlx5/main.c\n"
        "index 1111111..2222222 100644\n--- a/drivers/vfio/pci/mlx5/main.c\n+++ b/drivers/vfio/pci/mlx5/main.c\n"
        "@@ -1,1 +1,3 @@\n int a;\n"
        f"+static const char *s = \"{OSC52}{MARKUP}\";\n"
        "+\tif (copy_from_user(&x, buf, sizeof(x)))" + CSI + "\n"
    )
    patch = (
        f"From: {encoded(EVIL_NAME)} <mallory@example.org>\n"
        "To: kvm@vger.kernel.org\n"
        f"Subject: {encoded('[PATCH] ' + EVIL_TITLE)}\n"
        "Date: Mon, 3 Feb 2025 10:00:00 +0000\n"
        f"Message-Id: <{EVIL_ID}>\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        f"Body {OSC52} {TITLE0} {BIDI} {ZW} {MARKUP}\n\n"
        f"Signed-off-by: {EVIL_NAME} <mallory@example.org>\n---\n{diff}"
    )
    reply = (
        f"From: {encoded('Eve ' + TITLE0 + '[@click=app.quit]E[/]')} <eve@example.org>\n"
        "To: kvm@vger.kernel.org\n"
        f"Subject: {encoded('Re: [PATCH] ' + EVIL_TITLE)}\n"
        "Date: Tue, 4 Feb 2025 10:00:00 +0000\n"
        "Message-Id: <evil-reply@example.org>\n"
        f"In-Reply-To: <{EVIL_ID}>\nReferences: <{EVIL_ID}>\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        f"Nice {CSI}.\n\nReviewed-by: Eve{OSC52} {MARKUP} {MD} <eve@example.org>\n"
        f"Acked-by: {BIDI}Trudy{ZW} <trudy@example.org>\n"
    )
    return [patch.encode(), reply.encode()]


@pytest.fixture
def evil(make_store, tmp_path: Path) -> Settings:
    (tmp_path / "MAINTAINERS").write_text(MAINTAINERS)
    root = make_store(evil_mails())
    return Settings(db_path=root, query="*", maintainers=tmp_path / "MAINTAINERS", cache_dir=tmp_path / "cache",
                    show_all=True)


def assert_inert(text: str, where: str) -> None:
    live = [repr(c) for c in LIVE if c in text]
    assert not live, f"{where} carries live control characters {live}"


def test_parser_keeps_the_hostile_text_for_what_it_is(evil: Settings) -> None:
    wb = build_workbench(evil)
    assert [j.series.id for j in wb.judged] == [EVIL_ID]
    series = wb.judged[0].series
    # the record keeps what was sent (the views make it inert): markup survives literally
    assert MARKUP in series.title and "[click](https://evil.example/c)" in series.title
    assert one_line(series.title) == one_line(EVIL_TITLE)
    people = {t.person.email for t in series.patches[0].trailers}
    assert {"mallory@example.org", "eve@example.org", "trudy@example.org"} <= people


def _report(settings: Settings, fmt: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), COLUMNS="400")
    return subprocess.run(
        [sys.executable, "-m", "workbench", "--report", "--all", "--format", fmt, "--db", str(settings.db_path),
         "--query", "*", "--maintainers", str(settings.maintainers), "--cache-dir", str(tmp_path / "c")],
        capture_output=True, env=env, timeout=120,
    )


def test_text_report_is_inert(evil: Settings, tmp_path: Path) -> None:
    proc = _report(evil, "text", tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    assert_inert(out, "text report")
    assert_inert(proc.stderr.decode("utf-8", "replace"), "stderr")
    assert "vfio/mlx5: clip t0 t2 csi" in out and "gnp.exe" in out
    assert "Mallory" in out


def test_json_report_round_trips_without_raw_escapes(evil: Settings, tmp_path: Path) -> None:
    proc = _report(evil, "json", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert b"\x1b" not in proc.stdout and b"\x07" not in proc.stdout  # JSON escapes controls
    data = json.loads(proc.stdout)
    (series,) = data["series"]
    assert series["id"] == EVIL_ID
    assert MARKUP in series["title"]


def _html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_markdown_report_is_inert(evil: Settings, tmp_path: Path) -> None:
    proc = _report(evil, "markdown", tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    assert_inert(out, "markdown report")
    html = _html(out)
    assert "<a " not in html, [ln for ln in html.splitlines() if "<a " in ln]
    assert "<img" not in html
    # the table keeps its shape: the hostile "| col |" did not add a column
    table_rows = [ln for ln in out.splitlines() if ln.startswith("| ") and "vfio/mlx5" in ln]
    header = next(ln for ln in out.splitlines() if ln.startswith("| ") and "title" in ln)
    assert table_rows and all(_cells(ln) == _cells(header) for ln in table_rows)


def _cells(line: str) -> int:
    count, i = 0, 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        count += line[i] == "|"
        i += 1
    return count


@pytest.mark.parametrize("text", [EVIL_TITLE, EVIL_NAME, OSC52 * 3, "\x1b]52;c;unterminated", "\x1b" * 5,
                                  "a\x1b[", "\x9b\x9b", "x\u202ey\u2066z\u2069"])
def test_sanitize_leaves_nothing_live(text: str) -> None:
    assert_inert(sanitize(text), "sanitize")
    assert_inert(one_line(text), "one_line")


def test_tui_shows_hostile_text_literally_and_inertly(evil: Settings) -> None:
    try:
        from textual.widgets import DataTable, Static

        from workbench.tui.app import WorkbenchApp
        from workbench.tui.launch import settle
        from workbench.tui.widgets.line_view import LineView
    except ImportError as err:  # pragma: no cover - the TUI ships with the package
        pytest.skip(f"the TUI is not importable yet: {err}")
    app = WorkbenchApp(evil)
    seen: dict[str, str] = {}

    async def main() -> None:
        async with app.run_test(size=(220, 50)) as pilot:
            await settle(pilot, timeout=60)
            assert app.load_error is None
            table = app.list_screen.query_one("#series", DataTable)
            assert table.row_count == 1
            cells = {}
            for key in ("title", "author"):
                value = table.get_cell_at((0, table.get_column_index(key)))
                cells[key] = getattr(value, "plain", str(value))
                assert not any("click" in str(s.style) or "link" in str(s.style)
                               for s in getattr(value, "spans", []))
            seen.update(cells)
            seen["app-title"] = f"{app.title} {app.sub_title} {app.screen.title} {app.screen.sub_title}"
            # click every column of the row, as a user would: nothing quits, nothing opens a link
            for x in range(2, 210, 12):
                if app.screen is not app.list_screen:
                    break  # a click on the row opened the series, as designed
                await pilot.click("#series", offset=(x, 1))
                await pilot.pause()
                assert app.is_running
            if type(app.screen).__name__ != "SeriesScreen":
                await pilot.press("enter")
            await settle(pilot)
            screen = app.screen
            assert type(screen).__name__ == "SeriesScreen"
            texts = []
            for widget in screen.query(Static):
                rendered = widget.render()
                texts.append(getattr(rendered, "plain", str(rendered)))
            for view in screen.query(LineView):
                texts += [view.plain(i) for i in range(len(view.source))]
            seen["series"] = "\n".join(texts)
            for x in range(2, 210, 15):
                for y in (1, 3, 5, 8, 12):
                    await pilot.click(offset=(x, y))
                    await pilot.pause()
                    assert app.is_running
            await pilot.press("t")
            await settle(pilot)
            view = app.screen.query_one(LineView)
            seen["thread"] = "\n".join(view.plain(i) for i in range(len(view.source)))
            seen["svg"] = app.export_screenshot()
            await pilot.press("escape", "escape")
            assert app.is_running

    asyncio.run(main())
    for where, text in seen.items():
        assert_inert(text, where)
    assert "pwned" not in seen["app-title"]
    assert "[@click=app.quit]q[/]" in seen["title"] and "gnp.exe" in seen["title"]
    assert "Mallory" in seen["author"] and "[@click=app.quit]M[/]" in seen["author"]
    assert "Eve" in seen["series"] and "[link=https://evil.example]L[/link]" in seen["series"]
    assert "[@click=app.quit]E[/]" in seen["thread"] and "Nice ." in seen["thread"]


def _segments_on_screen(screen) -> list[tuple[str, str, list]]:
    """(widget, line text, segments) of every line every visible widget of ``screen``
    renders right now: what Textual hands the terminal, after markup would have been
    interpreted and styles applied — the place an injected ``[@click]`` or ``[link]``
    would show up as a live action or hyperlink even when the data looks harmless."""
    from textual.geometry import Region

    out = []
    for widget in screen.query("*"):
        if not widget.display or not widget.size.area:
            continue
        for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height)):
            segments = list(strip)
            out.append((type(widget).__name__, "".join(s.text for s in segments), segments))
    return out


def _live_styles(lines: list[tuple[str, str, list]]) -> list[str]:
    """Segments whose style is an action or a hyperlink that came from mail text."""
    bad = []
    for widget, _line, segments in lines:
        for seg in segments:
            style = seg.style
            if style is None:
                continue
            meta = style.meta or {}
            actions = " ".join(str(v) for k, v in meta.items() if str(k).startswith("@"))
            if "app.quit" in actions or "app.bell" in actions or "evil" in actions or (style.link and "evil" in style.link):
                bad.append(f"{widget}: {seg.text!r} meta={meta} link={style.link}")
    return bad


def test_tui_rendered_segments_carry_no_injected_action_link_or_escape(evil: Settings) -> None:
    """The same hostile store, judged on the rendered strips of the list, series, hunk and
    thread screens: every segment's text is free of live control characters, no segment
    carries an ``@click`` action or a hyperlink taken from the mail, and the markup is
    on screen as literal text."""
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.launch import settle

    app = WorkbenchApp(evil)
    screens: dict[str, list[tuple[str, str, list]]] = {}

    async def main() -> None:
        async with app.run_test(size=(240, 60)) as pilot:
            await settle(pilot, timeout=60)
            assert app.load_error is None
            screens["list"] = _segments_on_screen(app.screen)
            await pilot.press("enter")
            await settle(pilot)
            screens[type(app.screen).__name__] = _segments_on_screen(app.screen)
            for key in ("d", "t"):
                await pilot.press(key)
                await settle(pilot)
                screens[type(app.screen).__name__] = _segments_on_screen(app.screen)
                await pilot.press("escape")
                await settle(pilot)
            assert app.is_running

    asyncio.run(main())
    assert {"list", "SeriesScreen", "HunkScreen", "ThreadScreen"} <= set(screens), set(screens)
    for name, lines in screens.items():
        for widget, _line, segments in lines:
            for seg in segments:
                assert_inert(seg.text, f"{name}/{widget} segment")
        assert not _live_styles(lines), (name, _live_styles(lines))
    listing = "\n".join(line for _w, line, _s in screens["list"])
    assert "[@click=app.quit]q[/]" in listing and "gnp.exe" in listing, listing[:3000]
    series = "\n".join(line for _w, line, _s in screens["SeriesScreen"])
    assert "Mallory" in series
    thread = "\n".join(line for _w, line, _s in screens["ThreadScreen"])
    assert "[@click=app.quit]E[/]" in thread and "[link=https://evil.example]L[/link]" in thread, thread[:3000]
    hunks = "\n".join(line for _w, line, _s in screens["HunkScreen"])
    assert "copy_from_user" in hunks and "[@click=app.quit]q[/]" in hunks, hunks[:3000]


@pytest.mark.parametrize("raw", ["del \x7f in ascii", "c1 \x9b31m", "bidi \u202e", "ascii only", "wide ł only"])
def test_json_pieces_escape_what_a_terminal_acts_on_and_nothing_else(raw: str) -> None:
    """The ASCII shortcut of the JSON escaping (most series have no other character) still
    escapes DEL, the one ASCII character of the set; text without any comes back as it was."""
    from workbench.report.json_format import _inert

    encoded = json.dumps({"subject": raw}, ensure_ascii=False)
    out = _inert(encoded)
    assert json.loads(out) == {"subject": raw}
    live = [c for c in raw if c in "\x7f\x9b\u202e"]
    assert out == encoded if not live else all(c not in out and f"\\u{ord(c):04x}" in out for c in live)
