"""How long MAINTAINERS matching takes on hostile patch paths, and on a 20,000-file patch.

    .venv/bin/python -m benchmarks.hostile_paths [--maintainers ../shared/data/MAINTAINERS]

Prints one line per case: the path's length and the seconds ``Maintainers.sections_for``
took for it (a fresh ``Maintainers`` each time, so nothing is cached). The paths are the
ones issue 8 names: ``drivers/pci/a/a/…/x.c`` of 8 KB and 64 KB, a flat 8 KB file name,
a 64 KB path of ``vdso/`` segments for the ``N: ^.*/vdso/…`` regex; then 20,000 distinct
``drivers/pci/dN/fN.c`` paths in one go (what a 20,000-file patch asks).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from workbench.kernel.maintainers import Maintainers

REPO = Path(__file__).resolve().parent.parent


def cases() -> list[tuple[str, str]]:
    def deep(n: int) -> str:
        return "drivers/pci/" + "a/" * ((n - 16) // 2) + "x.c"

    return [("deep 1 KB", deep(1024)), ("deep 4 KB", deep(4096)), ("deep 8 KB", deep(8192)),
            ("deep 64 KB", deep(65536)), ("flat 8 KB", "drivers/pci/" + "b" * 8180 + ".c"),
            ("vdso 64 KB", "arch/x86/" + "vdso/" * 13000 + "getrandom.c")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maintainers", type=Path, default=REPO.parent / "shared" / "data" / "MAINTAINERS")
    args = parser.parse_args()
    text = args.maintainers.read_text(errors="replace")
    for name, path in cases():
        made = Maintainers.parse(text, str(args.maintainers))
        t0 = time.perf_counter()
        found = made.sections_for(path)
        print(f"{name:12} {len(path):6} chars  {time.perf_counter() - t0:8.3f} s  "
              f"{', '.join(m.section.name for m in found)}")
    made = Maintainers.parse(text, str(args.maintainers))
    paths = [f"drivers/pci/d{i // 100}/f{i}.c" for i in range(20_000)]
    t0 = time.perf_counter()
    for path in paths:
        made.sections_for(path)
    print(f"{'20,000 paths':12} {'':6}        {time.perf_counter() - t0:8.3f} s")


if __name__ == "__main__":
    main()
