"""Synthetic notmuch stores in the shape of real kernel list mail, for the benchmarks.

Why synthetic: the benchmark must show how the workbench scales from 1k to 100k
messages, and that its cost follows the messages the query *matches*, not the size of
the store. No public corpus of that size ships with the project, so this module writes
one, deterministically from a seed, with what makes real list mail expensive to read:

- patches from a few KB to a few hundred KB (log-normal sizes, real unified diffs that
  unidiff accepts), cover letters, several versions per series, some v2s posted in reply
  to v1, b4 change-ids;
- long threads of replies that quote their parent and carry trailers (some quoted, some
  given on the cover letter, some by a person other than the sender, list-rewritten
  senders);
- kilobytes of Received/DKIM/ARC headers like the real vger mail;
- a few base64 bodies and patches sent as text/x-patch attachments;
- unrelated list traffic (netdev, rdma, crypto, pci, drm, kvm, iommu) whose subjects never
  say "vfio" and whose text names no drivers/vfio/pci path, so the default query
  (``workbench.config.DEFAULT_QUERY``) does not match it.

The vfio part of a store depends only on the seed and its own message count, so the
store ``10k-dense`` (10,000 vfio messages) and ``100k-sparse`` (the same 10,000 plus
90,000 unrelated) hold the very same matching mail: comparing them isolates the cost of
store size.

Stores are cached under ``--out``: a finished store carries ``synth.json`` and is reused;
a half-written one (no manifest) is removed and rebuilt.

Use as a library (``ensure_store(out, "10k")``) or a command::

    .venv/bin/python -m benchmarks.synth 1k 10k          # stores under /tmp/vfio-workbench-bench
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `workbench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.mail_shape import REAL_CORPUS, corpus_facts, corpus_files, real_shape  # noqa: E402
from benchmarks.synth_mail import generate, scaled_real, write_maintainers  # noqa: E402
from vfio_workbench_demo.mailwriter import create_database, index_files, place  # noqa: E402
from workbench.config import DEFAULT_QUERY  # noqa: E402
from workbench.mail.maildir import ensure_maildir  # noqa: E402

GENERATOR_VERSION = 3  # bump when the generated mail changes: old caches are then ignored
REAL_STYLE_VERSION = 3  # … the real-style mail (its shape also keys the cache, through the corpus)
SCALED_VERSION = 1  # … the way the real corpus is copied
INDEX_BATCH = 5000  # messages per notmuch transaction (one atomic() for 100k grows huge)
SHARED_MAINTAINERS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "MAINTAINERS"
# Where stores are cached unless --out says otherwise; shared by report_bench and tui_bench.
DEFAULT_OUT = Path(os.environ.get("VFIO_WORKBENCH_BENCH_STORES", "/tmp/vfio-workbench-bench"))


# --------------------------------------------------------------------------- specs

class Style(StrEnum):
    """What the mail of a store is."""

    SYNTH = "synth"  # the hand-tuned synthetic generator (v2)
    REAL_STYLE = "realstyle"  # the same generator, sizes/recipients/depths drawn from the real corpus
    SCALED_REAL = "real"  # the real corpus's matched threads, copied with fresh message-ids per copy
    REAL_CORPUS = "corpus"  # the real corpus as it is, once (also where "matched" is learnt)


STYLE_PREFIX = {Style.REAL_STYLE: "rs-", Style.SCALED_REAL: "real-"}


@dataclass(frozen=True, slots=True)
class StoreSpec:
    """How many messages of each kind; the name is the cache key."""

    vfio: int  # messages in threads the default query matches
    other: int  # unrelated list traffic
    seed: int = 1
    style: Style = Style.SYNTH

    def __post_init__(self) -> None:
        object.__setattr__(self, "style", Style(self.style))  # from a manifest: a plain str

    @property
    def total(self) -> int:
        return self.vfio + self.other

    @property
    def name(self) -> str:
        if self.style is Style.REAL_STYLE:
            return f"realstyle-r{REAL_STYLE_VERSION}-{corpus_key()}-s{self.seed}-v{self.vfio}-o{self.other}"
        if self.style is Style.SCALED_REAL:
            return f"scaled-real-r{SCALED_VERSION}-{corpus_key()}-n{self.vfio}"
        if self.style is Style.REAL_CORPUS:
            return f"real-corpus-{corpus_key()}"
        return f"synth-g{GENERATOR_VERSION}-s{self.seed}-v{self.vfio}-o{self.other}"


_corpus_key: str | None = None


def corpus_key() -> str:
    """A digest of the real corpus's file names and sizes: stores made from it are rebuilt
    when it changes."""
    global _corpus_key
    if _corpus_key is None:
        import hashlib
        h = hashlib.sha256()
        for p in corpus_files(REAL_CORPUS):
            h.update(f"{p.relative_to(REAL_CORPUS)}\0{p.stat().st_size}\n".encode())
        _corpus_key = h.hexdigest()[:8]
    return _corpus_key


PRESETS: dict[str, StoreSpec] = {
    # mostly vfio series, plenty of unrelated traffic
    "1k": StoreSpec(vfio=600, other=400),
    "10k": StoreSpec(vfio=6000, other=4000),
    "100k": StoreSpec(vfio=60000, other=40000),
    # same 10,000 matching messages, in a store of 10k and in one of 100k (10% matching)
    "10k-dense": StoreSpec(vfio=10000, other=0),
    "100k-sparse": StoreSpec(vfio=10000, other=90000),
}


@dataclass(frozen=True, slots=True)
class SynthStore:
    """A finished store: what a benchmark needs to run the workbench on it."""

    root: Path  # maildir root holding .notmuch (pass as --db)
    maintainers: Path  # a MAINTAINERS naming the sections the series touch
    mailmap: Path
    messages: int
    matched: int  # messages matched by the default query (notmuch count)
    bytes: int  # size of all message files
    spec: StoreSpec
    build_seconds: float  # generation + indexing, when it was built


def _count(text: str) -> int:
    """``40k`` → 40000, ``2031`` → 2031."""
    return int(float(text[:-1]) * 1000) if text.lower().endswith("k") else int(text)


def parse_spec(text: str, seed: int = 1) -> StoreSpec:
    """A preset name, or VFIO+OTHER (e.g. ``3000+27000``); ``rs-`` before either: the same
    counts of real-style mail; ``real-N`` (``real-40k``): N messages of the scaled real corpus."""
    if text == "corpus":
        return StoreSpec(len(corpus_files(REAL_CORPUS)), 0, seed, Style.REAL_CORPUS)
    style = Style.SYNTH
    for st, prefix in STYLE_PREFIX.items():
        if text.startswith(prefix):
            style, text = st, text[len(prefix):]
    try:
        if style is Style.SCALED_REAL:
            return StoreSpec(_count(text), 0, seed, style)
        if text in PRESETS:
            base = PRESETS[text]
            return StoreSpec(base.vfio, base.other, seed, style)
        vfio, other = (int(x) for x in text.split("+"))
    except ValueError:
        raise SystemExit(f"synth: unknown store {text!r}: one of {', '.join(PRESETS)} or VFIO+OTHER, "
                         "optionally after rs- (real-style); or real-N (the real corpus scaled to N)") from None
    return StoreSpec(vfio, other, seed, style)


def matched_corpus(out: Path, log: Callable[[str], None]) -> list[Path]:
    """The real corpus's files that the default query matches (2,020 of 2,031: two qat
    parent-driver threads never say vfio), learnt from notmuch on the ``corpus`` store, so
    that every message of a scaled store is matched, as the issue's 40k store was."""
    files = corpus_files(REAL_CORPUS)
    base = ensure_store(out, StoreSpec(len(files), 0, 1, Style.REAL_CORPUS), log=log)
    found = subprocess.run(notmuch_argv("search", "--output=files", "--", DEFAULT_QUERY),
                           env=notmuch_env(base.root), capture_output=True, text=True, check=True)
    index = {int(Path(line).name.split(".", 1)[0]) for line in found.stdout.splitlines()}  # {written:07d}.…
    return [f for i, f in enumerate(files) if i in index]


def store_messages(spec: StoreSpec, out: Path, log: Callable[[str], None]):
    """(folder, bytes) of every message of the store ``spec`` describes."""
    if spec.style is Style.REAL_CORPUS:
        return scaled_real(corpus_files(REAL_CORPUS), spec.vfio)
    if spec.style is Style.SCALED_REAL:
        return scaled_real(matched_corpus(out, log), spec.vfio)
    shape = real_shape(corpus_facts(REAL_CORPUS)) if spec.style is Style.REAL_STYLE else None
    return generate(spec.vfio, spec.other, spec.seed, shape)


# --------------------------------------------------------------------------- stores

def notmuch_env(root: Path) -> dict[str, str]:
    """Environment for the notmuch CLI on one store; use with ``notmuch --config=`` so the
    user's own configuration (and its database) is never read."""
    env = {k: v for k, v in os.environ.items() if k not in ("NOTMUCH_CONFIG", "NOTMUCH_PROFILE")}
    env["NOTMUCH_DATABASE"] = str(root)
    return env


def notmuch_argv(*args: str) -> list[str]:
    return ["notmuch", "--config=", *args]


def notmuch_count(root: Path, query: str) -> int:
    out = subprocess.run(notmuch_argv("count", "--", query), env=notmuch_env(root),
                         capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def _load_manifest(root: Path) -> SynthStore | None:
    try:
        data = json.loads((root / "synth.json").read_text())
        return SynthStore(root=root, maintainers=Path(data["maintainers"]), mailmap=Path(data["mailmap"]),
                          messages=data["messages"], matched=data["matched"], bytes=data["bytes"],
                          spec=StoreSpec(**data["spec"]), build_seconds=data["build_seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure_store(out: Path, spec: StoreSpec | str, *, log: Callable[[str], None] | None = None,
                 writer: str = "direct") -> SynthStore:
    """The store for ``spec`` under ``out``, built on first use and reused afterwards.

    ``writer="deliver"`` writes each file through ``vfio_workbench_demo.mailwriter.deliver``
    (tmp/, fsync, rename); the default writes straight into cur/ without fsync — the
    store is a reproducible cache, and an fsync per file costs minutes at 100k.
    """
    if isinstance(spec, str):
        spec = parse_spec(spec)
    log = log or (lambda s: None)
    out = Path(out).resolve()
    root = out / spec.name
    done = _load_manifest(root)
    if done is not None:
        return done
    out.mkdir(parents=True, exist_ok=True)
    with open(out / f"{spec.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process building the same store: wait for it
        done = _load_manifest(root)
        if done is not None:
            return done
        return _build(root, spec, log, writer)


def _prefix_store(root: Path, spec: StoreSpec) -> SynthStore | None:
    """The largest finished scaled-real store smaller than ``spec``: copies of the corpus
    go in a fixed order, so its messages (file names included) are the first ones of
    ``spec``'s. Only scaled-real stores have that property."""
    if spec.style is not Style.SCALED_REAL:
        return None
    best: SynthStore | None = None
    for other in root.parent.glob(f"{spec.name.rsplit('-n', 1)[0]}-n*"):
        found = _load_manifest(other) if other.is_dir() else None
        if (found is not None and found.spec.style is spec.style and found.messages == found.spec.vfio
                and found.spec.vfio < spec.vfio and (best is None or found.messages > best.messages)):
            best = found
    return best


def _build(root: Path, spec: StoreSpec, log: Callable[[str], None], writer: str) -> SynthStore:
    if root.exists():  # a build that did not finish
        log(f"removing unfinished {root}")
        shutil.rmtree(root)
    t0 = time.perf_counter()
    base = _prefix_store(root, spec)
    batch: list[Path] = []
    total_bytes = written = 0
    if base is not None:
        # a scaled store's first N messages are those of the finished N-message store:
        # copy it (its index too) and index only the rest (100k from 40k: 60% of the work)
        log(f"{spec.name}: starting from {base.root.name} ({base.messages} messages)")
        shutil.copytree(base.root, root, symlinks=True)
        (root / "synth.json").unlink()
        written, total_bytes = base.messages, base.bytes
    else:
        root.mkdir(parents=True)
        create_database(root)
        write_maintainers(root / "MAINTAINERS")
        (root / "mailmap").write_text("# synthetic stores need no identity fixes\n")
    t_write = t_index = 0.0
    folders: set[str] = set()
    if writer == "deliver":
        from vfio_workbench_demo.mailwriter import deliver
    tw = time.perf_counter()
    skip = written
    for folder, data in store_messages(spec, root.parent, log):
        if skip:
            skip -= 1
            continue
        if folder not in folders:
            ensure_maildir(root / folder)
            folders.add(folder)
        if writer == "deliver":
            path = deliver(root / folder, data)
        else:
            path = place(root / folder, f"{written:07d}.{spec.style.value}{spec.seed}:2,S", data)
        written += 1
        total_bytes += len(data)
        batch.append(path)
        if len(batch) >= INDEX_BATCH:
            t_write += time.perf_counter() - tw
            ti = time.perf_counter()
            index_files(root, batch, tags=("inbox",))
            t_index += time.perf_counter() - ti
            log(f"{spec.name}: {written}/{spec.total} messages ({total_bytes / 1e6:.0f} MB), "
                f"write {t_write:.0f}s, index {t_index:.0f}s")
            batch = []
            tw = time.perf_counter()
    t_write += time.perf_counter() - tw
    if batch:
        ti = time.perf_counter()
        index_files(root, batch, tags=("inbox",))
        t_index += time.perf_counter() - ti
    matched = notmuch_count(root, DEFAULT_QUERY)
    seconds = time.perf_counter() - t0
    store = SynthStore(root=root, maintainers=root / "MAINTAINERS", mailmap=root / "mailmap", messages=written,
                       matched=matched, bytes=total_bytes, spec=spec, build_seconds=round(seconds, 1))
    manifest = {**asdict(store), "root": str(root), "maintainers": str(store.maintainers),
                "mailmap": str(store.mailmap), "generate_write_seconds": round(t_write, 1),
                "index_seconds": round(t_index, 1), "writer": writer}
    (root / "synth.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(f"{spec.name}: built in {seconds:.0f}s (generate+write {t_write:.0f}s, index {t_index:.0f}s), "
        f"{written} messages, {total_bytes / 1e6:.0f} MB, {matched} match {DEFAULT_QUERY}")
    return store


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build (or reuse) synthetic notmuch stores for the benchmarks.")
    p.add_argument("stores", nargs="*", default=["1k", "10k"],
                   help=f"presets ({', '.join(PRESETS)}) or VFIO+OTHER message counts; default: 1k 10k")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help=f"cache directory: stores are built here and reused (default {DEFAULT_OUT}, "
                        "or $VFIO_WORKBENCH_BENCH_STORES)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--writer", choices=("direct", "deliver"), default="direct",
                   help="direct: write into cur/ (fast); deliver: vfio_workbench_demo.mailwriter.deliver (fsync per file)")
    p.add_argument("--json", action="store_true", help="print one JSON line per store instead of text")
    args = p.parse_args(argv)
    for name in args.stores:
        store = ensure_store(args.out, parse_spec(name, args.seed), writer=args.writer,
                             log=lambda s: print(s, file=sys.stderr, flush=True))
        if args.json:
            print(json.dumps({"name": name, "db": str(store.root), "maintainers": str(store.maintainers),
                              "mailmap": str(store.mailmap), "messages": store.messages,
                              "matched": store.matched, "bytes": store.bytes}))
        else:
            print(f"{name}\t{store.root}\t{store.messages} messages\t{store.matched} matched\t"
                  f"{store.bytes / 1e6:.0f} MB\tMAINTAINERS {store.maintainers}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
