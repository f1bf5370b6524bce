"""Where a cold ``--report --format json`` spends its time and its memory, by phase.

report_bench says *how much* a cold report costs; this says *where*. It runs one cold
report (empty cache) of a benchmark store in a child process, exactly as the command line
does (``workbench.cli.run``), with

- cProfile over the whole run (the parent process: time spent in parse workers shows as
  waiting on the pool), printed as the top entries by cumulative time;
- phase marks — MAINTAINERS/mailmap, records (notmuch + cache + parse), analysis
  (grouping + checks), rendering, keeping the report — set by wrapping the pipeline's
  functions, so no workbench code changes; per phase, the wall time, the RSS of the main
  process at its end and the peak summed PSS of the process tree during it (sampled every
  50 ms: the parse workers count);
- with ``--tracemalloc``, the Python allocations still alive at the end of each phase, by
  source line, and the traced peak within it (slows the run down many times; take times
  from a run without it);
- with ``--fields``, the bytes the loaded records hold per ``MailRecord`` field (each
  object counted once, so interned people and shared strings are not counted twice).

    .venv/bin/python -m benchmarks.profile_report real-40k --all
    .venv/bin/python -m benchmarks.profile_report real-40k --all --tracemalloc --top 15

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report_bench import (  # noqa: E402
    REPO, _pss_kb, _tree, child_env, report_argv, run_child,
)
from benchmarks.synth import DEFAULT_OUT, SHARED_MAINTAINERS, ensure_store, parse_spec  # noqa: E402


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Phases:
    """The current phase's name, and per phase: wall time, main-process RSS at its end,
    peak tree PSS during it, and (tracemalloc) its traced peak and live allocations."""

    def __init__(self, trace: bool, top: int):
        self.trace, self.top = trace, top
        self.current = "start-up"
        self.t0 = time.perf_counter()
        self.cpu0 = (0.0, 0.0)
        self.rows: list[dict] = []
        self.peak_kb = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def _sample(self) -> None:
        pid = os.getpid()
        while not self.stop.is_set():
            kb = sum(_pss_kb(p) for p in _tree(pid))
            with self.lock:
                self.peak_kb = max(self.peak_kb, kb)
            self.stop.wait(0.05)

    def mark(self, name: str) -> None:
        """End the current phase and start ``name``."""
        import tracemalloc

        now = time.perf_counter()
        with self.lock:
            peak, self.peak_kb = self.peak_kb, sum(_pss_kb(p) for p in _tree(os.getpid()))
        cpu = os.times()
        row = {"phase": self.current, "seconds": now - self.t0, "rss_end_mb": _rss_mb(),
               "tree_peak_mb": max(peak, self.peak_kb) / 1024,
               "cpu_self": cpu.user + cpu.system - self.cpu0[0], "cpu_children": cpu.children_user
               + cpu.children_system - self.cpu0[1]}
        self.cpu0 = (cpu.user + cpu.system, cpu.children_user + cpu.children_system)
        if self.trace and tracemalloc.is_tracing():
            current, traced_peak = tracemalloc.get_traced_memory()
            row["traced_mb"], row["traced_peak_mb"] = current / 2**20, traced_peak / 2**20
            snap = tracemalloc.take_snapshot().filter_traces(
                (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap>")))
            row["top"] = [(str(s.traceback[0]), s.size / 2**20, s.count) for s in snap.statistics("lineno")[:self.top]]
            tracemalloc.reset_peak()
        self.rows.append(row)
        self.current, self.t0 = name, time.perf_counter()


def _wrap(module, attr: str, phases: Phases, name: str, after: str) -> None:
    """Mark phase ``name`` while ``module.attr`` runs, ``after`` once it returns. A name the
    workbench no longer has is skipped: the profile then shows fewer phases, not an error."""
    fn = getattr(module, attr, None)
    if fn is None:
        print(f"profile_report: {module.__name__}.{attr} not found, phase {name!r} not marked", file=sys.stderr)
        return

    def wrapped(*args, **kwargs):
        phases.mark(name)
        try:
            return fn(*args, **kwargs)
        finally:
            phases.mark(after)

    setattr(module, attr, wrapped)


def deep_size(obj, seen: set[int]) -> int:
    """Bytes of ``obj`` and what it holds, skipping objects already in ``seen``."""
    todo, total = [obj], 0
    while todo:
        o = todo.pop()
        if id(o) in seen or o is None or isinstance(o, (bool, int, float)) and -5 <= o <= 256:
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        if isinstance(o, (tuple, list, set, frozenset)):
            todo.extend(o)
        elif isinstance(o, dict):
            todo.extend(o.keys())
            todo.extend(o.values())
        elif hasattr(o, "__slots__") and not isinstance(o, str):
            todo.extend(getattr(o, name) for name in o.__slots__ if hasattr(o, name))
        elif hasattr(o, "__dict__"):
            todo.extend(vars(o).values())
    return total


def field_sizes(records: list) -> list[tuple[str, float, int]]:
    """(field, MB, records where it is set) for the records' fields, largest first. Fields
    are measured in declaration order with one shared ``seen``, so an object reachable from
    two fields counts for the first; the record objects themselves count as "(record)"."""
    import dataclasses

    if not records:
        return []
    seen: set[int] = set()
    out = [("(record objects)", sum(sys.getsizeof(r) for r in records) / 2**20, len(records))]
    for r in records:
        seen.add(id(r))
    for f in dataclasses.fields(records[0]):
        size = sum(deep_size(getattr(r, f.name), seen) for r in records)
        used = sum(1 for r in records if getattr(r, f.name) not in (None, "", (), False))
        out.append((f.name, size / 2**20, used))
    return sorted(out, key=lambda t: -t[1])


def child(argv: list[str], out: Path, trace: bool, top: int, fields: bool = False, profile: bool = True) -> int:
    """In the child: run the CLI with phase marks and cProfile; write the findings to ``out``."""
    import tracemalloc

    if trace:
        tracemalloc.start(1)
    phases = Phases(trace, top)
    import workbench.mail.loader as loader
    import workbench.pipeline as pipeline
    import workbench.report as report
    import workbench.report.memo as memo
    from workbench import cli

    _wrap(pipeline, "load_context", phases, "MAINTAINERS + mailmap", "between")
    _wrap(loader, "load_records", phases, "records (notmuch, cache, parse)", "between")
    sizes: list = []
    if fields:
        inner = loader.load_records

        def measured(*args, **kwargs):
            loaded = inner(*args, **kwargs)
            sizes.extend(field_sizes(loaded.records))
            return loaded

        loader.load_records = measured
    _wrap(pipeline, "analyse", phases, "analysis (group + checks)", "between")
    # run_report renders through render_pieces (the JSON report in pieces) where it has it
    _wrap(report, "render_pieces" if hasattr(report, "render_pieces") else "render", phases, "render JSON",
          "between")
    if hasattr(memo, "ReportMemo"):
        _wrap(memo.ReportMemo, "store", phases, "keep the report (memo)", "print + exit")
    prof = cProfile.Profile()
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        if profile:
            prof.enable()
        status = cli.run(argv)
        if profile:
            prof.disable()
    phases.mark("end")
    phases.stop.set()
    text = io.StringIO()
    if profile:
        stats = pstats.Stats(prof, stream=text)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
    out.write_text(json.dumps({"status": status, "phases": phases.rows, "profile": text.getvalue(), "fields": sizes,
                               "output_bytes": len(sink.getvalue())}))
    return status


def _short_profile(text: str, repo: Path) -> str:
    """pstats output with the repo and interpreter prefixes cut, so lines fit a report."""
    out = []
    for line in text.splitlines():
        line = line.replace(str(repo) + "/", "")
        for prefix in (sys.prefix, sys.base_prefix):
            line = line.replace(prefix + "/lib/python" + sys.version[:4].rstrip(".") + "/", "")
        if line.strip():
            out.append(line)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Profile one cold --report --format json of a benchmark store.")
    p.add_argument("store", nargs="?", help="a benchmark store: 10k, rs-10k, real-40k, … (see benchmarks/synth.py)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the stores are cached")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--all", action="store_true", help="pass --all (superseded and out-of-scope series too)")
    p.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations per phase (slower)")
    p.add_argument("--fields", action="store_true", help="also measure the bytes each record field holds")
    p.add_argument("--top", type=int, default=25, help="profile entries / allocation sites shown")
    p.add_argument("--no-profile", action="store_true",
                   help="phases only, without cProfile (whose overhead inflates Python-heavy phases 2-4x): "
                        "real wall and CPU per phase (the CPU of this process includes the 50 ms memory "
                        "sampler's thread, which also makes the parse pool fork from a forkserver, as in the TUI)")
    p.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child is not None:
        return child(args.child, args.child_out, args.tracemalloc, args.top, args.fields, not args.no_profile)
    if not args.store:
        p.error("which store? e.g. 10k, rs-10k, real-40k")

    store = ensure_store(args.out, parse_spec(args.store, args.seed),
                         log=lambda s: print(s, file=sys.stderr, flush=True))
    maintainers = SHARED_MAINTAINERS if SHARED_MAINTAINERS.exists() else store.maintainers
    work = Path(tempfile.mkdtemp(prefix="wb-profile-"))
    try:
        report = report_argv(store, maintainers, None, work / "cache", None, args.all)[3:]  # after "python -m workbench"
        found = work / "profile.json"
        cmd = [sys.executable, "-m", "benchmarks.profile_report", "--top", str(args.top), "--child-out", str(found)]
        if args.tracemalloc:
            cmd.append("--tracemalloc")
        if args.fields:
            cmd.append("--fields")
        if args.no_profile:
            cmd.append("--no-profile")
        (work / "home").mkdir()
        run = run_child(cmd + ["--child", *report], env=child_env(work / "home", work / "pycache"))
        if run.status != 0 or not found.exists():
            print(f"profiled run failed: exit {run.status}\n{run.note}", file=sys.stderr)
            return 1
        data = json.loads(found.read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"cold --report --format json{' --all' if args.all else ''} of {args.store}: {store.messages} messages, "
          f"{store.matched} matched; {run.wall:.1f}s wall{'' if args.no_profile else ' under cProfile'}"
          f"{' and tracemalloc' if args.tracemalloc else ''}, {run.cpu:.1f}s CPU (with workers), "
          f"peak tree PSS {run.tree_mb:.0f} MB, main process peak RSS {run.rss_mb:.0f} MB, "
          f"{data['output_bytes'] / 1e6:.1f} MB of JSON\n")
    head = f"{'phase':<34} {'s':>7} {'cpu s':>7} {'workers':>7} {'RSS end MB':>10} {'tree peak MB':>12}"
    if args.tracemalloc:
        head += f" {'py live MB':>10} {'py peak MB':>10}"
    print(head)
    print("-" * len(head))
    for row in data["phases"]:
        if row["phase"] == "between" and row["seconds"] < 0.05:
            continue
        line = (f"{row['phase']:<34} {row['seconds']:>7.2f} {row.get('cpu_self', 0):>7.2f} "
                f"{row.get('cpu_children', 0):>7.2f} {row['rss_end_mb']:>10.0f} {row['tree_peak_mb']:>12.0f}")
        if "traced_mb" in row:
            line += f" {row['traced_mb']:>10.0f} {row['traced_peak_mb']:>10.0f}"
        print(line)
    if args.tracemalloc:
        for row in data["phases"]:
            if row.get("top") and row["phase"] != "between":
                print(f"\nlive Python allocations at the end of {row['phase']!r} (top {args.top} source lines):")
                for where, mb, count in row["top"]:
                    print(f"  {mb:8.1f} MB {count:>9} blocks  {where.replace(str(REPO) + '/', '')}")
    if data.get("fields"):
        total = sum(mb for _, mb, _ in data["fields"])
        print(f"\nwhat the {store.matched} loaded records hold, by field ({total:.1f} MB in all; objects "
              "shared between records counted once):")
        for name, mb, used in data["fields"]:
            print(f"  {name:<18} {mb:8.1f} MB  set in {used} records")
    print("\n" + _short_profile(data["profile"], REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
