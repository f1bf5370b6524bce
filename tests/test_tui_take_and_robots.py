"""Issue 12 in the TUI: ``a`` takes the newest version of a chain as an mbox for
``git am`` (from an older version too), and a CI robot's report shows in the series view.

Pilot on real stores: the demo store for taking a series (its chains are complete), and
the real virtio thread from the corpus for the kernel test robot's build warning on V2 5/9.
"""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest
from textual.widgets import DataTable

from conftest import lore_thread, shared_path
from test_bots import V2_5, V2_ID, VIRTIO_V1, VIRTIO_V2, V1_6
from test_tui_app import open_series, run, static_text
from workbench.analysis import Workbench
from workbench.config import Settings
from workbench.tui.app import WorkbenchApp
from workbench.tui.launch import settle
from workbench.versions.pairing import chain


def test_a_writes_the_newest_version_as_an_mbox_for_git_am(
        demo_settings: Settings, demo_workbench: Workbench, demo_loader, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    older = next(j for j in demo_workbench.visible(show_all=True)
                 if len(j.series.revisions) >= 2 and j.series.superseded_by and not j.series.missing_numbers)
    newest = chain(older, demo_workbench)[-1]
    assert newest.series.version > older.series.version
    monkeypatch.chdir(tmp_path)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        app.list_screen.show_all = True  # the older version is superseded: shown with "all"
        await pilot.pause()
        await open_series(pilot, older)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("a")  # a second time: the file exists and is never overwritten
        await settle(pilot)

    run(app, script)
    (written,) = tmp_path.glob("*.mbx")
    assert written.name.startswith(f"v{newest.series.version}_")
    box = mailbox.mbox(str(written))
    messages = list(box)
    assert len(messages) == len(newest.series.patches)
    for msg, patch in zip(messages, sorted(newest.series.patches, key=lambda p: p.number), strict=True):
        assert "[PATCH" not in msg["Subject"] and patch.title.split()[0] in msg["Subject"]
        assert patch.author.email in msg["From"]
        body = msg.get_payload(decode=True).decode()
        assert f"Link: https://lore.kernel.org/r/{newest.series.id}" in body


def test_a_robot_build_warning_shows_in_the_panel_and_on_the_patch(make_store, tmp_path: Path) -> None:
    store = make_store(lore_thread(subjects=[VIRTIO_V1, VIRTIO_V2, V1_6, V2_5]))
    settings = Settings(db_path=store, maintainers=shared_path("data", "MAINTAINERS"),
                        mailmap=shared_path("data", "mailmap"), cache_dir=tmp_path / "cache")
    app = WorkbenchApp(settings)

    async def script(pilot) -> None:
        judged = next(j for j in app.list_screen.shown if j.series.id == V2_ID)
        await open_series(pilot, judged)
        panel = static_text(app.screen, "#acceptance")
        assert "ci-robots" in panel and "kernel test robot: build warnings on v2 5/9" in panel
        table = app.screen.query_one("#patches", DataTable)
        firsts = [getattr(c, "plain", str(c)) for c in (table.get_row_at(r)[0] for r in range(table.row_count))]
        assert [cell for cell in firsts if "CI!" in cell] == ["5 CI!"]

    run(app, script)
