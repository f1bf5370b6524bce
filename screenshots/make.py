"""Regenerate screenshots/*.svg: the real app on the bundled demo store.

    .venv/bin/python screenshots/make.py [--cache-dir DIR]

Each screen is picked by what it should show (a series with a parent driver, one with a
suspect trailer, one with three versions), not by its row number, so the pictures stay
meaningful when the demo corpus grows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from textual.widgets import DataTable

from vfio_workbench_demo import ensure_demo_store
from workbench.config import Settings
from workbench.pipeline import Judged
from workbench.tui.app import WorkbenchApp
from workbench.tui.launch import settle

HERE = Path(__file__).resolve().parent
SIZE = (160, 48)

Pick = Callable[[list[Judged]], Judged | None]


def _with_parent(items: list[Judged]) -> Judged | None:
    return next((j for j in items if (c := j.check("parent-approval")) and c.parts), None)


def _with_suspect(items: list[Judged]) -> Judged | None:
    return next((j for j in items if any(t.suspect for p in j.series.patches for t in p.trailers)), None)


def _with_versions(items: list[Judged]) -> Judged | None:
    return max(items, key=lambda j: len(j.series.revisions), default=None)


def _needs_review(items: list[Judged]) -> Judged | None:
    return next((j for j in items if (c := j.check("listed-reviewer")) and c.status.value == "missing"
                 and j.series.cover is not None), None)


SHOTS: list[tuple[str, Pick | None, list[str]]] = [
    ("series-list", None, []),
    ("series-view", _with_parent, ["enter"]),
    ("hunk-view", _with_parent, ["enter", "d", "p", "n"]),
    ("thread-view", _with_suspect, ["enter", "t"]),
    ("versions", _with_versions, ["enter", "v"]),
    ("help", None, ["question_mark"]),
    ("draft", _needs_review, ["enter", "R"]),
    ("triage-state", None, ["s"]),
    ("interdiff", _with_versions, ["enter", "i"]),
    ("review-comment", _with_parent, ["enter", "d", "n", "c"]),
]


def shoot(settings: Settings, name: str, pick: Pick | None, keys: list[str], out_dir: Path) -> None:
    app = WorkbenchApp(settings)

    async def drive(pilot) -> None:
        try:
            await settle(pilot)
            if pick is not None:
                shown = app.list_screen.shown
                chosen = pick(shown)
                if chosen is None:
                    raise SystemExit(f"{name}: no demo series fits")
                app.list_screen.query_one("#series", DataTable).move_cursor(row=shown.index(chosen))
                await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            await pilot.pause(0.1)
            (out_dir / f"{name}.svg").write_text(app.export_screenshot(title=f"vfio-workbench — {name}"),
                                                 encoding="utf-8")
        finally:
            app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=drive)
    print(f"wrote {out_dir / (name + '.svg')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-dir", type=Path, help="where the demo store is built (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=HERE, help="output directory (default: screenshots/)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vfio-workbench-shots-") as tmp:
        cache = args.cache_dir or Path(tmp)
        demo = ensure_demo_store(cache)
        # a state file of its own: opening a series records a look, never in the user's file
        settings = Settings(db_path=demo.root, maintainers=demo.maintainers, mailmap=demo.mailmap,
                            me=demo.me, cache_dir=cache / "cache", state_file=Path(tmp) / "state.sqlite3")
        for name, pick, keys in SHOTS:
            shoot(settings, name, pick, keys, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
