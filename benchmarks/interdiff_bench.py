"""How long the interdiff of every version pair in the real corpus takes.

    .venv/bin/python -m benchmarks.interdiff_bench [--shared ../shared]

Builds a notmuch store of the whole lore-vfio corpus in a temporary directory, then, for
every series with a previous version, pairs the patches and computes each pair's
interdiff (``workbench.versions``), the patch files already read once (the TUI has read
them when the series view opened). Prints the total and the five slowest version pairs:
what the interdiff screen waits for when it opens.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from workbench.config import Settings
from vfio_workbench_demo.mailwriter import build_store
from workbench.mail.message_text import read_message_text
from workbench.pipeline import build_workbench
from workbench.versions.interdiff import interdiff
from workbench.versions.pairing import pair_patches, previous_version

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="interdiff-bench-"))
    files = sorted((args.shared / "corpus" / "lore-vfio").glob("*/*.eml"))
    root = build_store(tmp / "mail", [f.read_bytes() for f in files])
    data = args.shared / "data"
    settings = Settings(db_path=root, maintainers=data / "MAINTAINERS", mailmap=data / "mailmap",
                        cache_dir=tmp / "cache", query="*")
    wb = build_workbench(settings)
    timings: list[tuple[float, int, str]] = []
    for judged in wb.judged:
        older = previous_version(judged, wb)
        if older is None:
            continue
        pairs = pair_patches(older.series, judged.series)
        for pair in pairs:
            for patch in (pair.old, pair.new):
                if patch is not None:
                    read_message_text(patch.path)
        start = time.perf_counter()
        for pair in pairs:
            interdiff(pair.old, pair.new)
        timings.append((time.perf_counter() - start, len(pairs), f"v{judged.series.version} {judged.series.title[:60]}"))
    timings.sort(reverse=True)
    print(f"{len(timings)} version pairs, {sum(t for t, _n, _s in timings):.2f} s in all")
    for seconds, n, name in timings[:5]:
        print(f"  {seconds:.3f} s  {n:3} patches  {name}")


if __name__ == "__main__":
    main()
