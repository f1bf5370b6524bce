"""The two ways the CLI starts the workbench: interactively, or headless to an SVG.

A screenshot is taken only after the store has loaded (the worker finished), then after
the requested keys have been pressed and the app has gone idle, so the SVG shows what
a user would see and not a loading bar.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from collections.abc import Sequence

from workbench.config import Settings
from workbench.errors import ConfigError
from workbench.text import echo

_LOAD_TIMEOUT = 600.0


def run_app(settings: Settings, *, keymap: str | None = None) -> int:
    from workbench.tui.app import WorkbenchApp

    app = WorkbenchApp(settings, keymap=keymap)  # a bad keymap raises ConfigError here, before the screen
    app.run()
    if app.load_error:  # shown in the app; repeated here so it survives the screen
        print(f"vfio-workbench: {echo(app.load_error)}", file=sys.stderr)
        return 2
    return app.return_code or 0


async def settle(pilot, timeout: float = _LOAD_TIMEOUT) -> None:
    """Wait until the store has loaded and the app has processed what followed."""
    import asyncio

    await asyncio.wait_for(pilot.app.loaded.wait(), timeout)
    await pilot.pause()
    # a worker's message may start the next one (the series view reads the highlighted
    # patch, then the rest): wait until none is left running
    while True:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if all(worker.is_finished for worker in pilot.app.workers):
            break


def run_screenshot(settings: Settings, *, path: Path, size: tuple[int, int] = (160, 48),
                   press: Sequence[str] = (), keymap: str | None = None) -> int:
    from workbench.tui.app import WorkbenchApp

    cols, rows = size
    if cols < 20 or rows < 5:
        raise ConfigError(f"--size {cols}x{rows} is too small (at least 20x5)")
    path = Path(path)
    if not path.parent.exists():
        raise ConfigError(f"cannot write the screenshot: directory {path.parent} does not exist")
    app = WorkbenchApp(settings, keymap=keymap)
    outcome: dict[str, str] = {}

    async def drive(pilot) -> None:
        try:
            await settle(pilot)
            for key in press:
                await pilot.press(key)
                await settle(pilot)
            await pilot.pause(0.1)
            svg = app.export_screenshot()
            write_new(path, svg)
        except OSError as err:
            outcome["error"] = f"cannot write the screenshot {path}: {err.strerror or err}"
        except Exception as err:  # noqa: BLE001 — report, do not leave the app hanging
            outcome["error"] = f"screenshot failed: {type(err).__name__}: {err}"
        finally:
            app.exit()

    app.run(headless=True, size=(cols, rows), auto_pilot=drive)
    if "error" in outcome:
        print(f"vfio-workbench: {echo(outcome['error'])}", file=sys.stderr)
        return 2
    if app.load_error:
        print(f"vfio-workbench: {echo(app.load_error)} (the screenshot shows the error)", file=sys.stderr)
        return 2
    return 0


def write_new(path: Path, text: str) -> None:
    """Write ``path`` through a fresh temporary file renamed over it: a symlink planted at
    ``path`` is replaced, never followed (os.replace renames onto the link itself)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
