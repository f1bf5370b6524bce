"""A patch path of 8 KB, or thousands of directories deep, through the whole pipeline.

Before segment-wise globs, ``drivers/pci/a/a/…/x.c`` of 8 KB kept ``--report`` busy for
about four minutes in MAINTAINERS matching alone (backtracking ``.*`` regexes). The store
is real: a real variant-driver thread from ../shared plus the hostile patch mails; the
path must still be owned (PCI SUBSYSTEM must approve it), and every format must finish.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conftest import StoreFactory, lore_thread, shared_path
from workbench.cli import main

DEEP = "drivers/pci/" + "a/" * 4090 + "x.c"  # 8,195 characters, 4,092 directories
FLAT = "drivers/pci/" + "b" * 8180 + ".c"


def patch_mail(msgid: str, paths: list[str]) -> bytes:
    body = "Commit message.\n\nSigned-off-by: Yishai Hadas <yishaih@nvidia.com>\n---\n"
    for p in paths:
        body += (f"diff --git a/{p} b/{p}\nindex 1111111..2222222 100644\n--- a/{p}\n+++ b/{p}\n"
                 "@@ -1,1 +1,2 @@\n int a;\n+int b;\n")
    return ("From: Yishai Hadas <yishaih@nvidia.com>\nTo: kvm@vger.kernel.org\n"
            f"Subject: [PATCH] vfio/mlx5: {msgid}\nDate: Mon, 3 Feb 2025 10:00:00 +0000\n"
            f"Message-Id: <{msgid}@hostile.example>\n\n{body}").encode()


def real_thread(subject: str) -> list[Path]:
    return lore_thread(subjects=[subject])


@pytest.fixture
def store(make_store: StoreFactory) -> Path:
    thread = real_thread("[PATCH v3 0/6] vfio/hisilicon: add acc live migration driver")
    hostile = [patch_mail("deep", ["drivers/vfio/pci/mlx5/main.c", DEEP]),
               patch_mail("flat", ["drivers/vfio/pci/mlx5/main.c", FLAT])]
    return make_store(hostile + thread)


def report(store: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, float]:
    data = shared_path("data")
    t0 = time.perf_counter()
    code = main(["--report", "--format", fmt, "--all", "--db", str(store), "--query", "*", "--no-cache",
                 "--maintainers", str(data / "MAINTAINERS"), "--mailmap", str(data / "mailmap")])
    took = time.perf_counter() - t0
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out, took


def test_long_paths_through_the_report(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, took = report(store, "json", capsys)
    assert took < 30, f"--report took {took:.1f}s"
    series = {s["id"]: s for s in json.loads(out)["series"]}
    for name, path in (("deep", DEEP), ("flat", FLAT)):
        found = series[f"{name}@hostile.example"]
        assert found["patches"][0]["files"] == ["drivers/vfio/pci/mlx5/main.c", path]
        parent = next(c for c in found["checks"] if c["id"] == "parent-approval")
        assert parent["status"] == "missing"
        pci = next(p for p in parent["parts"] if p["name"] == "PCI SUBSYSTEM")
        assert pci["files"] == [path]
        assert "bhelgaas@google.com" in {m["email"] for m in pci["missing"]}
    # the real thread is judged as before, beside them
    assert any("hisilicon" in s["title"] for s in series.values())
    for fmt in ("text", "markdown"):
        out, took = report(store, fmt, capsys)
        assert took < 30, f"--format {fmt} took {took:.1f}s"
        assert "vfio/mlx5: deep" in out and "vfio/mlx5: flat" in out
    assert "PCI SUBSYSTEM" in out  # markdown names who is missing
