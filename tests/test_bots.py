"""CI robots' reports: who is a robot, what a report says, and the signal on the real
virtio chain (the kernel test robot's build warning on V2 5/9; V1's reports cleared by V2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import lore_thread, shared_path
from workbench.cli import main
from workbench.model import Person
from workbench.series.bots import bot_name, read_report

VIRTIO_V1 = "[PATCH V1 vfio 0/9] Introduce a vfio driver over virtio devices"
VIRTIO_V2 = "[PATCH V2 vfio 0/9] Introduce a vfio driver over virtio devices"
# the robot's replies are filed under the patch they answer in the corpus index
V1_6 = "[PATCH V1 vfio 6/9] virtio-pci: Introduce APIs to execute legacy IO admin commands"
V2_5 = "[PATCH V2 vfio 5/9] virtio-pci: Initialize the supported admin commands"
V2_ID = "20231029155952.67686-1-yishaih@nvidia.com"
V1_ID = "20231017134217.82497-1-yishaih@nvidia.com"
LKP_V2 = "202311030838.GjyaBTjM-lkp@intel.com"


@pytest.mark.parametrize(("email", "bot"), [
    ("lkp@intel.com", "kernel test robot"),
    ("LKP@intel.com", "kernel test robot"),
    ("syzbot+0123abcd@syzkaller.appspotmail.com", "syzbot"),
    ("patchwork-bot+netdevbpf@kernel.org", "patchwork-bot"),
    ("alex@shazbot.org", None),  # a person whose domain ends in "bot"
    ("lkp@intel.com.evil.example", None),
    ("syzbot+x@syzkaller.appspotmail.com.evil.example", None),
])
def test_robots_are_known_by_exact_address(email: str, bot: str | None) -> None:
    assert bot_name(Person("kernel test robot", email)) == bot


def test_a_robot_name_on_a_human_address_is_no_robot() -> None:
    assert bot_name(Person("kernel test robot", "mallory@evil.example")) is None


def test_reads_the_real_reports() -> None:
    corpus = shared_path("corpus", "lore-vfio", "variant")
    from workbench.mail.reading import read_text

    found = {p.name: read_report("kernel test robot", read_text(str(p)).text) for p in sorted(corpus.glob("*-lkp@intel.com.eml"))}
    assert len(found) == 5
    v2 = found[f"{LKP_V2}.eml"]
    assert (v2.kind, v2.config) == ("build warnings", "i386-randconfig-061-20231102")
    assert v2.link == f"https://lore.kernel.org/oe-kbuild-all/{LKP_V2}/"
    errors = found["202309241353.ykr3cC2K-lkp@intel.com.eml"]
    assert (errors.kind, errors.config) == ("build errors", "i386-randconfig-012-20230924")


def test_no_failure_no_report() -> None:
    ok = read_report("syzbot", "Hello,\n\nsyzbot has tested the proposed patch and the reproducer did not trigger any issue:\n")
    assert ok.kind == ""
    assert read_report("syzbot", "syzbot found the following issue on:\n").kind == "crash"
    assert read_report("kernel test robot", "Hi,\n\nI love your patch! Yet something to improve:\n").kind == "build errors"


def _report(store: Path, fmt: str, *more: str, capsys) -> str:
    code = main(["--report", "--format", fmt, "--all", "--db", str(store), "--no-cache",
                 "--maintainers", str(shared_path("data", "MAINTAINERS")),
                 "--mailmap", str(shared_path("data", "mailmap")), *more])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _series(out: str, sid: str) -> dict:
    return next(s for s in json.loads(out)["series"] if s["id"] == sid)


def test_virtio_v2_build_warning_is_attention_and_v1_reports_are_cleared(make_store, capsys) -> None:
    store = make_store(lore_thread(subjects=[VIRTIO_V1, VIRTIO_V2, V1_6, V2_5]))
    v2 = _series(_report(store, "json", capsys=capsys), V2_ID)
    standing = [s for s in v2["signals"] if s["status"] == "attention"]
    assert len(standing) == 1
    sig = standing[0]
    assert (sig["bot"], sig["report"], sig["config"], sig["patch"]) == (
        "kernel test robot", "build warnings", "i386-randconfig-061-20231102", 5)
    assert sig["msgid"] == LKP_V2 and sig["lore"] == f"https://lore.kernel.org/r/{LKP_V2}"
    assert sig["series_id"] == V2_ID and sig["version"] == 2
    assert "ci-robots" not in [c["id"] for c in v2["checks"]]  # beside the checks, not one of them
    cleared = [s for s in v2["signals"] if s["status"] == "pass"]
    assert {(s["version"], s["patch"], s["cleared_by_version"]) for s in cleared} == {(1, 6, 2)}
    assert all("reported on v1, v2 posted since" in s["text"] for s in cleared)
    v1 = _series(_report(store, "json", capsys=capsys), V1_ID)
    assert {s["status"] for s in v1["signals"]} == {"pass"}  # superseded by V2, which fixed 6/9

    text = _report(store, "text", capsys=capsys)
    assert "1 CI robot report to look at" in text
    assert f"build warnings on v2 5/9 (virtio-pci: Initialize the supported admin commands), " \
           f"config i386-randconfig-061-20231102 https://lore.kernel.org/r/{LKP_V2}" in text
    markdown = _report(store, "markdown", capsys=capsys)
    assert "- **ci-robots** ! attention: 1 CI robot report to look at (not approvals)" in markdown
    assert f"in `{LKP_V2}`" in markdown


def test_without_a_later_version_v1_reports_stand(make_store, capsys) -> None:
    """V1 alone: its two 6/9 build warnings are attention (nothing was posted since)."""
    store = make_store(lore_thread(subjects=[VIRTIO_V1, V1_6]))
    v1 = _series(_report(store, "json", capsys=capsys), V1_ID)
    assert [(s["status"], s["patch"]) for s in v1["signals"]] == [("attention", 6), ("attention", 6)]
    assert {s["config"] for s in v1["signals"]} == {"alpha-allyesconfig", "x86_64-rhel-8.3-rust"}


def test_tui_panel_row_and_patch_mark(make_store) -> None:
    from workbench.config import Settings
    from workbench.pipeline import build_workbench
    from workbench.tui import render

    store = make_store(lore_thread(subjects=[VIRTIO_V1, VIRTIO_V2, V1_6, V2_5]))
    wb = build_workbench(Settings(db_path=store, maintainers=shared_path("data", "MAINTAINERS"),
                                  mailmap=shared_path("data", "mailmap"), use_cache=False))
    judged = wb.find(V2_ID)
    rows = render.panel_rows(judged)
    assert [r.id for r in rows[:-1]] == [c.id for c in judged.checks] and rows[-1].id == "ci-robots"
    assert rows[-1].status == "attention"
    assert render.robot_patches(judged) == {5}
    assert "kernel test robot: build warnings on v2 5/9" in render.acceptance(rows).plain
