"""How fast is ``vfio-workbench --report --format json``, against what reading the mail costs?

For each benchmark store (benchmarks/synth.py: synthetic ``10k``, real-style ``rs-10k``,
the real corpus scaled ``real-40k``, the corpus itself ``corpus``) this measures, in one run:

- the *read floor*: ``notmuch search --output=files <query>`` plus reading every listed
  file's bytes — no tool that looks at the matched mail can do less;
- the report with an empty workbench cache (*cold*) and again with the cache it just
  filled (*warm*), each a fresh ``python -m workbench`` process: wall time, CPU time and
  peak RSS (the largest process's VmHWM, sampled: ``wait4``'s ru_maxrss would include
  this process's own size when it forked the child) and peak summed PSS of the tree;
- the same floor and cold report after dropping the page cache, when this process may
  (root: ``echo 3 > /proc/sys/vm/drop_caches``), since a maintainer's first run of the day
  meets a cold disk.

Targets (issue 2, tightened by issue 13): cold ≤ 6× floor, warm ≤ 1× floor, peak
memory of the process tree < 500 MB at 100k, and cost that follows the messages matched,
not the store size — shown by the stores ``10k-dense`` and ``100k-sparse``, which hold
the very same 10,000 matching messages. The verdicts are printed, never asserted.

It also prints the shape of each store's mail (header sizes, recipients, References
depth, patch sizes, …: ``benchmarks.mail_shape``) beside the real corpus's, so a reader
sees how real the mail measured is.

    .venv/bin/python -m benchmarks.report_bench                      # 1k 10k 10k-dense 100k-sparse 100k
    .venv/bin/python -m benchmarks.report_bench 1k 10k --repeat 3
    .venv/bin/python -m benchmarks.report_bench 10k rs-10k real-10k --all --no-cold-page-cache
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.mail_shape import REAL_CORPUS, comparison_table, distributions, mail_facts  # noqa: E402
from benchmarks.synth import (  # noqa: E402
    DEFAULT_OUT, SHARED_MAINTAINERS, SynthStore, ensure_store, notmuch_argv, notmuch_env, parse_spec,
)
from workbench.config import DEFAULT_QUERY  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_STORES = ("1k", "10k", "10k-dense", "100k-sparse", "100k")
# who runs the report: fixed, so the run never consults the benchmarking user's notmuch identity
VFIO_MAINTAINER = "Alex Williamson <alex.williamson@redhat.com>"
TARGET_COLD, TARGET_WARM, TARGET_RSS_MB = 6.0, 1.0, 500.0  # issue 13 (cold was 8× in issue 2)
SHAPE_SAMPLE = 4000  # messages of a store measured for the shape table (the first ones written)


@dataclass(slots=True)
class Run:
    """One child process: what it cost."""

    wall: float
    cpu: float  # user + sys of the child
    rss_mb: float  # peak resident set of the child
    status: int
    note: str = ""
    tree_mb: float = 0.0  # peak summed PSS of the process and its workers (sampled every 50 ms)


@dataclass(slots=True)
class Floor:
    wall: float
    search: float  # the notmuch search part
    files: int
    bytes: int


@dataclass(slots=True)
class StoreResult:
    name: str
    messages: int
    matched: int
    matched_bytes: int
    floor: list[Floor] = field(default_factory=list)
    cold: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    # warm record cache, but no kept report: MAINTAINERS changed (a copy with one more
    # line), so grouping, checks and rendering all run again on cached records
    rewarm: list[Run] = field(default_factory=list)
    floor_coldpc: Floor | None = None  # after dropping the page cache
    cold_coldpc: Run | None = None
    series: int = 0  # series in the JSON report (sanity)
    digest: str = ""  # sha256 of the report's series list: equal mail must give equal reports
    shape: object = None  # mail_shape.Distributions of the store's first messages (not in --json-out)


# --------------------------------------------------------------------------- measuring

def _tree(pid: int) -> list[int]:
    """pid and its descendants (the loader parses in a pool of worker processes)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared by forked workers are counted once in a sum."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _hwm_kb(pid: int) -> int:
    """A process's own peak RSS since its exec (VmHWM belongs to its address space)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process tree, since wait4's ru_maxrss is the peak of
    the largest single process, not of the parent and its pool workers together; and the
    largest process's VmHWM, since ru_maxrss also counts what the benchmark process itself
    held when it forked the child (the exec'ed child inherits that high-water mark: after
    a large report was read here, every later child would seem to use as much)."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.hwm_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            tree = _tree(self.pid)
            total = sum(_pss_kb(p) for p in tree)
            self.peak_kb = max(self.peak_kb, total)
            self.hwm_kb = max([self.hwm_kb, *(_hwm_kb(p) for p in tree)])
            self.stop.wait(self.interval)


def run_child(argv: list[str], *, env: dict[str, str] | None = None, stdout=subprocess.DEVNULL,
              timeout: float = 3600) -> Run:
    """Run one process, reaping it with wait4 so its own peak RSS and CPU (its reaped
    workers included) are known; a sampler adds the peak of the whole tree."""
    err = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=err, env=env, cwd=REPO)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    sampler = TreeSampler(proc.pid)
    sampler.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
        sampler.stop.set()
        sampler.join()
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    note = err.read().decode("utf-8", "replace").strip()
    err.close()
    if proc.returncode < 0:
        note = f"killed after {timeout:.0f}s" if wall >= timeout else f"signal {-proc.returncode}"
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_mb=sampler.hwm_kb / 1024,
               status=proc.returncode, note=note[-2000:], tree_mb=sampler.peak_kb / 1024)


def measure_floor(store: SynthStore, query: str) -> Floor:
    """notmuch lists the query's files; we read every byte of them."""
    t0 = time.perf_counter()
    out = subprocess.run(notmuch_argv("search", "--output=files", "--", query), env=notmuch_env(store.root),
                         capture_output=True, check=True)
    t_search = time.perf_counter() - t0
    total = files = 0
    for line in out.stdout.splitlines():
        with open(line, "rb") as fh:
            total += len(fh.read())
        files += 1
    return Floor(wall=time.perf_counter() - t0, search=t_search, files=files, bytes=total)


def report_argv(store: SynthStore, maintainers: Path, mailmap: Path | None, cache: Path, query: str | None,
                show_all: bool = False) -> list[str]:
    argv = [sys.executable, "-m", "workbench", "--report", "--format", "json", "--db", str(store.root),
            "--maintainers", str(maintainers), "--cache-dir", str(cache), "--me", VFIO_MAINTAINER]
    if show_all:
        argv.append("--all")
    if mailmap is not None:
        argv += ["--mailmap", str(mailmap)]
    if query:
        argv += ["--query", query]
    return argv


def child_env(home: Path, pycache: Path | None = None) -> dict[str, str]:
    """The report must not read the benchmarking user's config or notmuch set-up. It runs
    with compiled bytecode, as an installed package does (pip compiles it; a shell with
    PYTHONDONTWRITEBYTECODE would otherwise recompile every module on every run)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VFIO_WORKBENCH_CONFIG", "VFIO_WORKBENCH_CACHE", "NOTMUCH_CONFIG", "NOTMUCH_PROFILE",
                        "PYTHONDONTWRITEBYTECODE")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"))
    if pycache is not None:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def drop_page_cache() -> bool:
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as fh:
            fh.write("3\n")
        return True
    except OSError:
        return False


def run_report(argv: list[str], env: dict[str, str], timeout: float,
               out_json: Path | None = None) -> tuple[Run, int, str]:
    """The report as a child; returns the run, how many series its JSON held and a digest
    of them."""
    with tempfile.NamedTemporaryFile(prefix="wb-report-", suffix=".json", delete=False) as fh:
        path = Path(fh.name)
        run = run_child(argv, env=env, stdout=fh, timeout=timeout)
    series, digest = -1, ""
    if run.status == 0:
        try:
            data = json.loads(path.read_text())
            series = len(data.get("series", []))
            digest = hashlib.sha256(json.dumps(data.get("series"), sort_keys=True).encode()).hexdigest()
        except (OSError, ValueError) as err:
            run.note = f"output is not JSON: {err}"
            run.status = -100
    if out_json is not None and run.status == 0:
        shutil.copyfile(path, out_json)
    path.unlink(missing_ok=True)
    return run, series, digest


def bench_store(name: str, args: argparse.Namespace, work: Path, log) -> StoreResult:
    store = ensure_store(args.out, parse_spec(name, args.seed), log=log)
    maintainers = args.maintainers or (SHARED_MAINTAINERS if SHARED_MAINTAINERS.exists() else store.maintainers)
    mailmap = args.mailmap
    query = args.query or DEFAULT_QUERY
    res = StoreResult(name=name, messages=store.messages, matched=store.matched, matched_bytes=0)
    home = work / f"home-{name}"
    home.mkdir(parents=True, exist_ok=True)
    env = child_env(home, args.pycache)
    log(f"[{name}] {store.messages} messages, {store.matched} matched; MAINTAINERS {maintainers}")

    if args.cold_page_cache and drop_page_cache():
        res.floor_coldpc = measure_floor(store, query)
        log(f"[{name}] floor, page cache dropped: {res.floor_coldpc.wall:.2f}s")
        cache = work / f"cache-{name}-coldpc"
        drop_page_cache()
        res.cold_coldpc, _, _ = run_report(report_argv(store, maintainers, mailmap, cache, args.query, args.all), env, args.timeout)
        log(f"[{name}] report cold, page cache dropped: {_fmt_run(res.cold_coldpc)}")
        shutil.rmtree(cache, ignore_errors=True)

    measure_floor(store, query)  # warm the page cache
    for i in range(args.repeat):
        f = measure_floor(store, query)
        res.floor.append(f)
        res.matched_bytes = f.bytes
        log(f"[{name}] floor {i + 1}: {f.wall:.2f}s (search {f.search:.2f}s, {f.files} files, {f.bytes / 1e6:.0f} MB)")

    cache = work / f"cache-{name}"
    for i in range(args.repeat):
        shutil.rmtree(cache, ignore_errors=True)  # empty cache every time
        out_json = work / f"report-{name}.json" if i == 0 else None
        run, series, digest = run_report(report_argv(store, maintainers, mailmap, cache, args.query, args.all), env,
                                         args.timeout, out_json)
        res.cold.append(run)
        res.series, res.digest = series, digest
        log(f"[{name}] report cold {i + 1}: {_fmt_run(run)}, {series} series")
        if run.status != 0:
            break
    if res.cold and res.cold[-1].status == 0:
        for i in range(args.repeat):  # the cache the last cold run filled
            run, _, digest = run_report(report_argv(store, maintainers, mailmap, cache, args.query, args.all), env, args.timeout)
            res.warm.append(run)
            if run.status == 0 and digest != res.digest:
                run.note = "warm report differs from the cold one"
                log(f"[{name}] WARNING: the warm report differs from the cold report")
            log(f"[{name}] report warm {i + 1}: {_fmt_run(run)}")
            if run.status != 0:
                break
        touched = work / f"MAINTAINERS-{name}"
        for i in range(args.repeat):  # records from the cache, the report computed again
            # new content every run: the run before kept its report for its own file
            touched.write_bytes(Path(maintainers).read_bytes() + b"\n" * (i + 1))
            run, _, digest = run_report(report_argv(store, touched, mailmap, cache, args.query, args.all), env, args.timeout)
            res.rewarm.append(run)
            if run.status == 0 and digest != res.digest:
                run.note = "re-warm report differs from the cold one"
            log(f"[{name}] report warm records, new MAINTAINERS {i + 1}: {_fmt_run(run)}")
            if run.status != 0:
                break
    shutil.rmtree(cache, ignore_errors=True)
    if args.shape:
        res.shape = store_shape(store)
    return res


def store_shape(store: SynthStore, limit: int = SHAPE_SAMPLE):
    """The shape of a store's mail: its first ``limit`` messages in the order written
    (file names are the write counter), so that threads are whole and reply depths real."""
    files = sorted((p for p in store.root.glob("*/cur/*") if p.is_file()), key=lambda p: p.name)[:limit]
    return distributions([mail_facts(p.read_bytes()) for p in files])

def _fmt_run(run: Run) -> str:
    text = (f"{run.wall:.2f}s wall, {run.cpu:.2f}s cpu, {run.rss_mb:.0f} MB peak RSS, "
            f"{run.tree_mb:.0f} MB peak PSS of the process tree")
    if run.status != 0:
        first = run.note.strip().splitlines()[-1] if run.note.strip() else ""
        text += f", EXIT {run.status}: {first[:200]}"
    return text


# --------------------------------------------------------------------------- the table

def _best(runs: list[Run]) -> Run | None:
    ok = [r for r in runs if r.status == 0]
    return min(ok, key=lambda r: r.wall) if ok else None


def _spread(values: list[float]) -> str:
    if len(values) < 2:
        return ""
    return f"±{(max(values) - min(values)) / 2:.2f}"


def _mem(run: Run) -> float:
    """Peak memory of a run: the process tree's summed PSS, or the largest single
    process's RSS when that is higher (a peak shorter than the sampling interval)."""
    return max(run.rss_mb, run.tree_mb)


def table(results: list[StoreResult], *, repeat: int, startup: Run | None = None,
          load: tuple[float, float] | None = None, show_all: bool = False) -> str:
    lines = [f"vfio-workbench --report --format json{' --all' if show_all else ''}, best of {repeat} (± half the "
             f"spread of the runs), page cache warm, query {DEFAULT_QUERY}",
             "floor = notmuch search --output=files + reading those files; cpu = user+sys of the report and its "
             "workers; mem = peak PSS of the process tree; warm = unchanged store and inputs (the kept report); "
             "rewarm = record cache warm but MAINTAINERS changed (grouping, checks, rendering run again)", ""]
    head = (f"{'store':<12} {'msgs':>7} {'matched':>7} {'MB':>5} {'floor s':>7} {'cold s':>12} {'x':>5} "
            f"{'cpu s':>6} {'warm s':>11} {'x':>5} {'rewarm s':>11} {'x':>5} {'mem cold':>8} {'mem warm':>8} "
            f"{'series':>6} {'us/msg':>6}")
    lines += [head, "-" * len(head)]
    for r in results:
        floor = min((f.wall for f in r.floor), default=float("nan"))
        cold, warm = _best(r.cold), _best(r.warm)

        def cell(run: Run | None, runs: list[Run], width: int, floor: float = floor) -> tuple[str, str, str]:
            if run is None:
                return "FAILED".rjust(width), "-", "-"
            spread = _spread([x.wall for x in runs if x.status == 0])
            return f"{run.wall:.2f}{spread:>6}".rjust(width), f"{run.wall / floor:.1f}", f"{_mem(run):.0f} MB"

        c_s, c_x, c_mem = cell(cold, r.cold, 12)
        w_s, w_x, w_mem = cell(warm, r.warm, 11)
        r_s, r_x, _r_mem = cell(_best(r.rewarm), r.rewarm, 11)
        cpu = f"{cold.cpu:.1f}" if cold else "-"
        per = f"{cold.wall / r.matched * 1e6:.0f}" if cold and r.matched else "-"
        lines.append(f"{r.name:<12} {r.messages:>7} {r.matched:>7} {r.matched_bytes / 1e6:>5.0f} {floor:>7.2f} "
                     f"{c_s} {c_x:>5} {cpu:>6} {w_s} {w_x:>5} {r_s} {r_x:>5} {c_mem:>8} {w_mem:>8} "
                     f"{r.series:>6} {per:>6}")
        for run in r.cold + r.warm + r.rewarm:
            if run.status == 0 and "differs" in run.note:
                lines.append(f"{'':<12} WARNING: {run.note}")
            elif run.status != 0:
                last = run.note.strip().splitlines()[-1] if run.note.strip() else ""
                lines.append(f"{'':<12} failed run: exit {run.status}: {last[:150]}")
    if startup is not None:
        lines += ["", f"python -m workbench --version (interpreter + CLI start-up): {startup.wall:.2f}s"]
    if load is not None:
        lines.append(f"1-minute load average at start / end: {load[0]:.1f} / {load[1]:.1f} "
                     f"on {os.cpu_count()} CPUs (other work on the machine inflates wall times)")
    cold_pc = [r for r in results if r.floor_coldpc is not None]
    if cold_pc:
        lines += ["", "page cache dropped before each run (the first run of the day):", ""]
        lines.append(f"{'store':<12} {'floor s':>8} {'cold s':>8} {'x floor':>7} {'mem':>8}")
        for r in cold_pc:
            run = r.cold_coldpc
            if run is not None and run.status == 0:
                lines.append(f"{r.name:<12} {r.floor_coldpc.wall:>8.2f} {run.wall:>8.2f} "
                             f"{run.wall / r.floor_coldpc.wall:>7.1f} {_mem(run):>5.0f} MB")
            else:
                lines.append(f"{r.name:<12} {r.floor_coldpc.wall:>8.2f} {'FAILED':>8}")
    by = {r.name: r for r in results}
    if "10k-dense" in by and "100k-sparse" in by:
        d, s = by["10k-dense"], by["100k-sparse"]
        lines += ["", f"the same {d.matched} matching messages in a store of {d.messages} and one of "
                      f"{s.messages} ({100 * s.matched / s.messages:.0f}% matching):"]
        for label, get in (("floor", lambda r: min((f.wall for f in r.floor), default=None)),
                           ("notmuch search", lambda r: min((f.search for f in r.floor), default=None)),
                           ("report cold", lambda r: _best(r.cold).wall if _best(r.cold) else None),
                           ("report warm", lambda r: _best(r.warm).wall if _best(r.warm) else None)):
            a, b = get(d), get(s)
            if a and b:
                lines.append(f"  {label:<15} {a:7.2f}s -> {b:7.2f}s  ({b / a:.2f}x for "
                             f"{s.messages / d.messages:.0f}x the store)")
        if d.digest and s.digest:
            lines.append("  the two reports' series are " + ("identical" if d.digest == s.digest else "DIFFERENT")
                         + " (unrelated mail must not change the answer)")
    lines += ["", _verdicts(results)]
    shaped = [r for r in results if r.shape is not None]
    if shaped:
        from benchmarks.mail_shape import corpus_facts
        columns = []
        if REAL_CORPUS.exists():
            columns.append((f"real {REAL_CORPUS.name}", distributions(corpus_facts(REAL_CORPUS))))
        columns += [(f"{r.name} (first {r.shape.messages})", r.shape) for r in shaped]
        lines += ["", "the mail of each store against real list mail (median / p90 / max):", "",
                  comparison_table(columns)]
    return "\n".join(lines)


def _verdicts(results: list[StoreResult]) -> str:
    out = [f"targets: cold <= {TARGET_COLD:g}x floor, warm <= {TARGET_WARM:g}x floor, "
           f"peak memory < {TARGET_RSS_MB:g} MB at 100k"]
    for r in results:
        floor = min((f.wall for f in r.floor), default=0)
        cold, warm = _best(r.cold), _best(r.warm)
        marks = []
        if cold and floor:
            marks.append(f"cold {'ok' if cold.wall <= TARGET_COLD * floor else 'MISSED'} ({cold.wall / floor:.1f}x)")
        if warm and floor:
            marks.append(f"warm {'ok' if warm.wall <= TARGET_WARM * floor else 'MISSED'} ({warm.wall / floor:.1f}x)")
        peak = max((_mem(x) for x in r.cold + r.warm if x.status == 0), default=0)
        if peak:
            marks.append(f"memory {'ok' if peak < TARGET_RSS_MB else 'MISSED'} ({peak:.0f} MB)")
        out.append(f"  {r.name:<12} " + ", ".join(marks or ["no successful run"]))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Benchmark `vfio-workbench --report --format json` on synthetic stores.")
    p.add_argument("stores", nargs="*", default=list(DEFAULT_STORES),
                   help=f"synth presets or VFIO+OTHER counts, rs-<that> for real-style mail, real-N for the "
                        f"real corpus scaled to N messages, corpus for the corpus itself "
                        f"(default: {' '.join(DEFAULT_STORES)})")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where the stores are cached (default {DEFAULT_OUT})")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=2, help="runs of each measurement; the best is shown")
    p.add_argument("--maintainers", type=Path, help="MAINTAINERS (default: ../shared/data/MAINTAINERS, else the store's)")
    p.add_argument("--mailmap", type=Path, help="a .mailmap to pass on")
    p.add_argument("--query", help=f"query instead of the workbench default ({DEFAULT_QUERY})")
    p.add_argument("--all", action="store_true",
                   help="report with --all (superseded versions and out-of-scope series too), as issue 13 measures")
    p.add_argument("--no-shape", dest="shape", action="store_false",
                   help="skip the table of each store's mail shape against the real corpus")
    p.add_argument("--no-cold-page-cache", dest="cold_page_cache", action="store_false",
                   help="skip the runs after dropping the page cache")
    p.add_argument("--timeout", type=float, default=3600, help="seconds before a report run is killed")
    p.add_argument("--json-out", type=Path, help="also write every measurement as JSON here")
    p.add_argument("--keep", type=Path, help="keep the work directory (reports, caches) here")
    args = p.parse_args(argv)

    def log(text: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)

    work = args.keep or Path(tempfile.mkdtemp(prefix="wb-report-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    load_start = os.getloadavg()[0]
    args.pycache = work / "pycache"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "workbench")],
                   env=child_env(work, args.pycache), check=False, stdout=subprocess.DEVNULL)
    startup = run_child([sys.executable, "-m", "workbench", "--version"], env=child_env(work, args.pycache))
    try:
        for name in args.stores:
            results.append(bench_store(name, args, work, log))
            if args.json_out:  # after each store, so a long run leaves partial figures
                args.json_out.write_text(json.dumps({
                    "query": args.query or DEFAULT_QUERY, "repeat": args.repeat,
                    "load": os.getloadavg(), "startup": asdict(startup),
                    "results": [{k: v for k, v in asdict(r).items() if k != "shape"} for r in results]},
                    indent=1))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(results, repeat=args.repeat, startup=startup, load=(load_start, os.getloadavg()[0]),
                show_all=args.all))
    return 0 if all(_best(r.cold) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
