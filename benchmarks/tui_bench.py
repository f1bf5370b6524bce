"""Figures for the TUI: first paint, opening a big series, scrolling, peak RSS.

    .venv/bin/python -m benchmarks.tui_bench --demo
    .venv/bin/python -m benchmarks.tui_bench --store 10k
    .venv/bin/python -m benchmarks.tui_bench --store real-10k --no-open    # the scaled real corpus
    .venv/bin/python -m benchmarks.tui_bench --db PATH --maintainers PATH [--mailmap PATH] [--query Q]

Runs the real app headlessly (Textual's test driver) on the store:

- a cold ``--report --format json`` on the same store (a ``python -m workbench`` child,
  empty cache), beside the cold TUI load it is the floor for (issue 13: a cold TUI load
  should cost no more than the cold report plus 20%);
- first paint of the series list: from starting the app to the first frame showing its
  rows, with an empty cache (cold) and again with the cache the first run left (warm; the
  rows of the last load are painted while the store is judged again), and when the load
  has finished; the time to the first frame (the loading bar) is shown too;
- warm list painted → series openable: on the warm start, enter is pressed on the first
  row as soon as the list is painted, and timed to the painted series view (issue 13: at
  most 2 s, whatever the store's size);
- opening a series with a diff of at least ``--diff-lines`` lines (default 5,000): the
  biggest series of the store, or, when the store has none that big, one written into a
  small extra store for the purpose; timed from the key press to the painted series view
  and to the painted hunk view;
- keypress-to-repaint while scrolling the hunk view (down and page-down);
- peak RSS of this process and of its children (the loader's parser pool).

Latencies are timed from handing the key to the app (``App.simulate_key``, as the
terminal driver would) to the next frame the app writes out (the instance's ``_display``
is wrapped to note the time): Pilot's own ``press`` waits for the process to look idle,
which adds tens of milliseconds that no user sees. This is a script, not a test: it
prints, it does not assert.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from typing import TYPE_CHECKING

from workbench.config import Settings

if TYPE_CHECKING:
    from workbench.analysis import Judged
    from workbench.tui.app import WorkbenchApp

SIZE = (160, 48)


def _import_tui() -> None:
    """Import textual and the app here, not at the top: the loader's parser pool runs as a
    forkserver under the TUI (threads are running), and each of its workers imports the
    main module first, as ``spawn`` does. The product's main modules (the
    ``vfio-workbench`` script, ``python -m workbench``) are light; this one, with textual
    at the top, made every worker import textual and the cold TUI load look ~1 s a worker
    dearer than a user's."""
    global DataTable, build_store, WorkbenchApp, settle, release_heap, HunkScreen, SeriesScreen
    from textual.widgets import DataTable
    from vfio_workbench_demo.mailwriter import build_store
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.launch import settle
    from workbench.tui.memory import release_heap
    from workbench.tui.screens.hunks import HunkScreen
    from workbench.tui.screens.series_view import SeriesScreen


def diff_lines(judged: Judged) -> int:
    return sum(f.added + f.removed for p in judged.series.patches for f in p.files)


def big_series_mails(lines: int, patches: int = 10) -> list[bytes]:
    """A cover letter and ``patches`` patches whose diffs add ``lines`` lines in all,
    in a variant-driver directory so the series is in scope."""
    per = max(1, lines // patches)
    out = [(
        "From: Bench Author <bench@example.org>\nTo: kvm@vger.kernel.org\n"
        f"Subject: [PATCH 0/{patches}] vfio/mlx5: a very large series for the benchmark\n"
        "Date: Mon, 3 Mar 2025 10:00:00 +0000\nMessage-Id: <big-0@bench>\n\n"
        "A series big enough to measure how fast its diff opens.\n"
    ).encode()]
    for n in range(1, patches + 1):
        body = "".join(f"+\tvalue_{n}_{i} = compute(dev, {i}); /* line {i} */\n" for i in range(per))
        out.append((
            "From: Bench Author <bench@example.org>\nTo: kvm@vger.kernel.org\n"
            f"Subject: [PATCH {n}/{patches}] vfio/mlx5: part {n}\n"
            f"Date: Mon, 3 Mar 2025 10:00:{n:02d} +0000\nMessage-Id: <big-{n}@bench>\n"
            "In-Reply-To: <big-0@bench>\nReferences: <big-0@bench>\n\n"
            f"Part {n} of the big series.\n\nSigned-off-by: Bench Author <bench@example.org>\n---\n"
            f"diff --git a/drivers/vfio/pci/mlx5/big{n}.c b/drivers/vfio/pci/mlx5/big{n}.c\n"
            "new file mode 100644\nindex 0000000..1111111\n--- /dev/null\n"
            f"+++ b/drivers/vfio/pci/mlx5/big{n}.c\n@@ -0,0 +1,{per} @@\n{body}-- \n2.43.0\n"
        ).encode())
    return out


class PaintClock:
    """Notes when the app writes a frame, so a key can be timed to its repaint."""

    def __init__(self, app: WorkbenchApp) -> None:
        self.frames: list[float] = []
        display = app._display

        def timed(screen, renderable) -> None:
            display(screen, renderable)
            self.frames.append(time.perf_counter())

        app._display = timed  # type: ignore[method-assign]

    async def key(self, app: WorkbenchApp, key: str, until=lambda: True, timeout: float = 5.0) -> float:
        """Seconds from the key to the first frame after which ``until()`` holds."""
        self.started = time.perf_counter()
        app.simulate_key(key)
        return await self.then(until, timeout, key)

    async def then(self, until, timeout: float = 5.0, what: str = "", after: float = 0.0) -> float:
        """Seconds from the last key to the first frame written after ``until()`` came
        true (to within the 0.5 ms polling step). ``after``: seconds after the key before
        which it cannot have come true (the previous figure of the same key), so a
        condition already true at the first look is not dated back to the key."""
        started = self.started
        last_false = started + after
        while time.perf_counter() - started < timeout:
            if not until():
                last_false = time.perf_counter()
            else:
                after = [f for f in self.frames if f > last_false]
                if after:
                    return after[0] - started
            await asyncio.sleep(0.0005)
        raise SystemExit(f"no repaint within {timeout}s after {what!r}")


async def first_paint(settings: Settings, open_first: bool = False) -> dict[str, float | int]:
    """Figures of one start: ``frame`` (the first frame), ``painted`` (the list with
    rows), ``loaded`` (the load done), ``rows``; with ``open_first``, enter is pressed on
    the first row as soon as the list is painted and ``opened`` is when the series view
    was painted (from the start, like the others). A restart on an unchanged store
    paints the rows of the last load (workbench.tui.preview) before the load ends."""
    release_heap()  # start from a clean heap: earlier runs froze theirs
    started = time.perf_counter()
    app = WorkbenchApp(settings)
    clock = PaintClock(app)
    clock.started = started
    out: dict[str, float | int] = {}

    def rows() -> int:
        try:
            return app.list_screen.query_one("#series", DataTable).row_count
        except Exception:  # noqa: BLE001 — not mounted yet
            return 0

    async with app.run_test(size=SIZE) as pilot:
        out["frame"] = time.perf_counter() - started
        out["painted"] = await clock.then(lambda: rows() > 0, timeout=3600, what="rows")
        if open_first:
            app.simulate_key("enter")
            out["opened"] = await clock.then(lambda: isinstance(app.screen, SeriesScreen), timeout=3600,
                                             what="enter", after=out["painted"])
        await asyncio.wait_for(app.loaded.wait(), 3600)
        out["loaded"] = time.perf_counter() - started
        await settle(pilot)
        out["rows"] = rows() if app.screen is app.list_screen else len(app.list_screen.rows_shown)
        if app.load_error:
            raise SystemExit(f"load failed: {app.load_error}")
    return out


def cold_report(db: Path, maintainers: Path, mailmap: Path | None, query: str | None,
                tmpdir: Path) -> tuple[float, float, int]:
    """(wall, CPU of the child and its parser pool, bytes printed) of a cold
    ``--report --format json`` child: empty cache, no config file, no triage state."""
    home = tmpdir / "report-home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("NOTMUCH_CONFIG", "NOTMUCH_PROFILE")}
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"),
               XDG_CACHE_HOME=str(home / "cache"))
    argv = [sys.executable, "-m", "workbench", "--report", "--format", "json", "--db", str(db),
            "--maintainers", str(maintainers), "--cache-dir", str(tmpdir / "report-cache")]
    if mailmap:
        argv += ["--mailmap", str(mailmap)]
    if query:
        argv += ["--query", query]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 3):
        raise SystemExit(f"the report failed ({done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, len(done.stdout)


def cpu_now() -> float:
    """CPU seconds of this process and of its reaped children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


async def open_and_scroll(settings: Settings, min_lines: int) -> dict[str, float | int | str]:
    release_heap()
    app = WorkbenchApp(settings, keymap="default")
    out: dict[str, float | int | str] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = app.list_screen.shown
        biggest = max(shown, key=diff_lines, default=None)
        if biggest is None or diff_lines(biggest) < min_lines:
            out["big"] = f"none >= {min_lines} lines (biggest: {diff_lines(biggest) if biggest else 0})"
            return out
        out["big"] = f"{biggest.series.title[:50]!r}: {len(biggest.series.patches)} patches, " \
                     f"{diff_lines(biggest)} changed lines"
        app.list_screen.query_one("#series", DataTable).move_cursor(row=shown.index(biggest))
        await pilot.pause()
        clock = PaintClock(app)
        out["open series view"] = await clock.key(app, "enter", lambda: isinstance(app.screen, SeriesScreen))
        out["  … with its diff shown"] = await clock.then(lambda: app.screen.diff_shown, what="diff")
        out["  … all its patches read"] = await clock.then(lambda: app.screen._diffs is not None, what="diffs",
                                                          after=out["  … with its diff shown"])
        await pilot.pause()
        out["open hunk view"] = await clock.key(app, "d", lambda: isinstance(app.screen, HunkScreen))
        await pilot.pause()
        out["hunk view rows"] = len(app.screen.source)
        view = app.screen.query_one("#hunks")
        hunks = len(app.screen.source.hunk_rows)
        for key, count in (("n", min(20, hunks - 1)), ("down", 60), ("pagedown", 40)):
            if count <= 0:
                continue
            view.go_to_line(0)
            await pilot.pause()
            times = []
            for _ in range(count):
                before = view.scroll_offset.y
                times.append(await clock.key(app, key, lambda before=before: view.scroll_offset.y != before))
                await pilot.pause()
            times.sort()
            out[f"scroll {key}: median"] = statistics.median(times)
            out[f"scroll {key}: p95"] = times[int(len(times) * 0.95) - 1]
            out[f"scroll {key}: max"] = times[-1]
    return out


def rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _fmt(value: float | int | str) -> str:
    if isinstance(value, float):
        return f"{value * 1000:8.1f} ms"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--db", type=Path, help="notmuch database root")
    src.add_argument("--demo", action="store_true", help="the bundled demo store")
    src.add_argument("--store", "--synth", dest="store", metavar="NAME",
                     help="a benchmarks.synth store: 1k, 10k, 100k, rs-10k, real-10k, real-40k …")
    parser.add_argument("--maintainers", type=Path)
    parser.add_argument("--mailmap", type=Path)
    parser.add_argument("--query")
    parser.add_argument("--diff-lines", type=int, default=5000)
    parser.add_argument("--no-report", action="store_true", help="skip the cold --report run")
    parser.add_argument("--no-open", action="store_true",
                        help="skip opening the biggest series and scrolling its hunks")
    args = parser.parse_args(argv)
    _import_tui()

    with tempfile.TemporaryDirectory(prefix="vfio-workbench-tui-bench-") as tmp:
        tmpdir = Path(tmp)
        if args.demo:
            from vfio_workbench_demo import ensure_demo_store

            demo = ensure_demo_store(tmpdir / "demo")
            db, maintainers, mailmap, me = demo.root, demo.maintainers, demo.mailmap, demo.me
        elif args.store:
            from benchmarks.synth import DEFAULT_OUT, ensure_store

            store = ensure_store(DEFAULT_OUT, args.store, log=lambda m: print(m, file=sys.stderr))
            db, maintainers, mailmap, me = store.root, store.maintainers, store.mailmap, None
        else:
            if args.maintainers is None:
                parser.error("--db needs --maintainers")
            db, maintainers, mailmap, me = args.db, args.maintainers, args.mailmap, None
        settings = Settings(db_path=db, maintainers=args.maintainers or maintainers,
                            mailmap=args.mailmap or mailmap, me=me, query=args.query,
                            cache_dir=tmpdir / "cache", state_file=tmpdir / "state.sqlite3")
        print(f"store: {db}")
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
              f"on {os.cpu_count()} cpus (wall figures under load are skewed; compare CPU)")
        if not args.no_report:
            wall, cpu, size = cold_report(db, settings.maintainers, settings.mailmap, args.query, tmpdir)
            print(f"cold --report --format json         {_fmt(wall)}  (CPU {cpu:.1f} s; {size / 1e6:.1f} MB)")
        cpu = cpu_now()
        cold = asyncio.run(first_paint(settings))
        cpu = cpu_now() - cpu
        print(f"first frame (loading bar)           {_fmt(cold['frame'])}")
        print(f"first paint of the list, cold cache {_fmt(cold['painted'])}  ({cold['rows']} rows)")
        print(f"cold TUI load finished              {_fmt(cold['loaded'])}  (CPU {cpu:.1f} s, not counting a "
              "forkserver pool's workers)")
        if not args.no_report:
            print(f"  cold TUI / cold report             {cold['loaded'] / wall:8.2f} x  (wall)")
        warm = asyncio.run(first_paint(settings, open_first=True))
        print(f"first paint of the list, warm cache {_fmt(warm['painted'])}")
        print(f"warm list painted → series openable {_fmt(warm['opened'] - warm['painted'])}  "
              "(enter at the paint → series view painted)")
        print(f"warm TUI load finished              {_fmt(warm['loaded'])}")
        if args.no_open:
            return 0

        figures = asyncio.run(open_and_scroll(settings, args.diff_lines))
        if "open series view" not in figures:
            print(f"big series in this store: {figures['big']}; measuring on a generated one")
            big_root = build_store(tmpdir / "big", big_series_mails(args.diff_lines))
            big = Settings(db_path=big_root, maintainers=settings.maintainers, mailmap=settings.mailmap,
                           query="*", cache_dir=tmpdir / "big-cache")
            figures = asyncio.run(open_and_scroll(big, args.diff_lines))
        for name, value in figures.items():
            print(f"{name:<36}{_fmt(value)}")
        own, children = rss_mb()
        print(f"peak RSS: this process {own:.0f} MB; reaped children {children:.0f} MB "
              "(a forkserver parser pool's workers are not our children and are not counted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
