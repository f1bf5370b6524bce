"""--report on real notmuch stores: the demo store and the real lore-vfio corpus."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.config import Settings
from workbench.model import CHECK_IDS
from workbench.pipeline import build_workbench
from workbench.report import render

PY = sys.executable
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$")


def report_json(*args: str) -> tuple[int, dict, str]:
    proc = subprocess.run([PY, "-m", "workbench", "--report", "--format", "json", *args],
                          capture_output=True, text=True, timeout=300)
    data = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return proc.returncode, data, proc.stderr


def demo_args(demo_store, tmp_path: Path) -> list[str]:
    return ["--db", str(demo_store.root), "--maintainers", str(demo_store.maintainers),
            "--mailmap", str(demo_store.mailmap), "--cache-dir", str(tmp_path / "cache"),
            "--me", demo_store.me.display()]


def check_series_shape(series: dict) -> None:
    assert "<" not in series["id"] and ">" not in series["id"]
    assert isinstance(series["title"], str) and series["title"]
    assert isinstance(series["version"], int) and series["version"] >= 1
    assert isinstance(series["rfc"], bool)
    assert set(series["author"]) == {"name", "email"}
    assert series["date"] is None or ISO.match(series["date"]), series["date"]
    assert series["cover"] is None or "<" not in series["cover"]
    assert series["present"] == sorted(p["number"] for p in series["patches"]) or series["present"] == sorted(
        {p["number"] for p in series["patches"]})
    assert series["complete"] == (set(range(1, series["expected"] + 1)) <= set(series["present"]))
    assert [c["id"] for c in series["checks"]] == list(CHECK_IDS)
    for check in series["checks"]:
        assert check["status"] in {"pass", "missing", "attention", "n/a"}
        assert isinstance(check["summary"], str) and check["summary"]
        for person in check["missing"]:
            assert "@" in person["email"]
    for patch in series["patches"]:
        assert {"number", "msgid", "subject", "files", "trailers"} <= set(patch)
        for t in patch["trailers"]:
            assert {"name", "person", "email", "source", "origin", "suspect"} <= set(t)
            assert t["origin"] in {"body", "reply", "cover-reply"}


def test_report_json_on_demo_store(demo_store, tmp_path: Path) -> None:
    code, data, err = report_json(*demo_args(demo_store, tmp_path))
    assert code == 0, err
    assert data["schema"] == 1
    assert len(data["series"]) >= 12
    for series in data["series"]:
        check_series_shape(series)
        assert series["in_scope"] and series["superseded_by"] is None
    dates = [s["date"] for s in data["series"]]
    assert dates == sorted(dates, reverse=True), "newest first"
    drivers = {d for s in data["series"] for d in s["drivers"]}
    assert len(drivers) >= 5


def test_all_adds_superseded_and_out_of_scope(demo_store, tmp_path: Path) -> None:
    _, current, _ = report_json(*demo_args(demo_store, tmp_path))
    _, every, _ = report_json(*demo_args(demo_store, tmp_path), "--all")
    assert len(every["series"]) > len(current["series"])
    extra = [s for s in every["series"] if s["id"] not in {c["id"] for c in current["series"]}]
    assert any(s["superseded_by"] for s in extra)
    assert any(not s["in_scope"] for s in extra)
    for s in extra:
        if s["superseded_by"]:
            assert s["superseded_by"] in {e["id"] for e in every["series"]}


def test_fail_on_missing_exits_3_when_something_is_missing(demo_store, tmp_path: Path) -> None:
    proc = subprocess.run([PY, "-m", "workbench", "--report", "--fail-on-missing", *demo_args(demo_store, tmp_path)],
                          capture_output=True, text=True, timeout=300)
    _, data, _ = report_json(*demo_args(demo_store, tmp_path))
    has_missing = any(c["status"] == "missing" for s in data["series"] for c in s["checks"])
    assert has_missing, "the demo is designed to have missing checks"
    assert proc.returncode == 3


def test_text_and_markdown_list_every_series(demo_settings: Settings) -> None:
    wb = build_workbench(demo_settings)
    text = render(wb, "text")
    md = render(wb, "markdown")
    visible = wb.visible()
    body_lines = [line for line in text.splitlines() if re.match(r"^[✓✗!·?] ", line)]
    assert len(body_lines) == len(visible)
    for judged in visible:
        assert judged.series.title[:30] in text or judged.series.title[:30].replace("|", "\\|") in md
        assert "### " in md
    assert md.count("\n### ") == len(visible)


def test_report_does_not_import_textual() -> None:
    code = "import sys, workbench.report, workbench.cli; print('textual' in sys.modules)"
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_report_on_real_lore_corpus(lore_store: Path, data_dir: Path, tmp_path: Path) -> None:
    # every message (--query '*'), so that out-of-scope threads are judged too
    code, data, err = report_json("--db", str(lore_store), "--maintainers", str(data_dir / "MAINTAINERS"),
                                  "--mailmap", str(data_dir / "mailmap"), "--cache-dir", str(tmp_path / "c"),
                                  "--query", "*", "--all")
    assert code == 0, err
    series = data["series"]
    for s in series:
        check_series_shape(s)
    titles = {s["title"] for s in series if s["in_scope"]}
    # the variant-driver series of the corpus are in scope …
    assert any("vfio/hisilicon: add ACC live migration driver" in t for t in titles)
    assert any("mlx5 live migration" in t for t in titles)
    assert any("vfio driver over virtio devices" in t for t in titles)
    # a cross-cutting series is in scope when it touches a variant driver (the DMA API
    # series changes drivers/vfio/pci/mlx5/ in its last patches) …
    dma = [s for s in series if "two step DMA mapping API" in s["title"] and s["expected"] >= 17]
    assert dma and any(s["in_scope"] and "mlx5" in s["drivers"] for s in dma)
    # … and a qat parent-driver-only series (drivers/crypto/intel/qat/) is not
    qat = [s for s in series if "bound the live migration import parser" in s["title"]]
    assert qat and not any(s["in_scope"] for s in qat)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_hostile_subject_is_inert(make_store, tmp_path: Path, fmt: str) -> None:
    evil = "vfio/mlx5: \x1b]52;c;ZXZpbA==\x07 [link=http://x]y[/link] | `pwn` \x1b[31mred"
    mail = (
        "From: Mallory <m@example.org>\nTo: kvm@vger.kernel.org\n"
        f"Subject: [PATCH 1/1] {evil}\nDate: Mon, 3 Mar 2025 10:00:00 +0000\n"
        "Message-ID: <evil-1@example.org>\n\nSigned-off-by: Mallory <m@example.org>\n---\n"
        "diff --git a/drivers/vfio/pci/mlx5/main.c b/drivers/vfio/pci/mlx5/main.c\n"
        "--- a/drivers/vfio/pci/mlx5/main.c\n+++ b/drivers/vfio/pci/mlx5/main.c\n"
        "@@ -1,1 +1,2 @@\n a\n+b\n"
    ).encode()
    root = make_store([mail])
    maintainers = tmp_path / "MAINTAINERS"
    maintainers.write_text("VFIO DRIVER\nM:\tAlex <alex@example.org>\nL:\tkvm@vger.kernel.org\nF:\tdrivers/vfio/\n\n"
                           "VFIO PCI DEVICE SPECIFIC DRIVERS\nR:\tJason <jgg@example.org>\n"
                           "P:\tDocumentation/driver-api/vfio-pci-device-specific-driver-acceptance.rst\n"
                           "F:\tdrivers/vfio/pci/*/\n")
    wb = build_workbench(Settings(db_path=root, maintainers=maintainers, cache_dir=tmp_path / "c"))
    out = render(wb, fmt)
    assert "\x1b" not in out and "\x07" not in out
    if fmt == "markdown":
        assert "\\[link=http://x\\]" in out and "\\|" in out and "\\`pwn\\`" in out
