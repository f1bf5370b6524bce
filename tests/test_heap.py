"""The report's freeze of its records (``workbench.heap``): scoped to a ``held`` block,
and never lifting a freeze it did not make (the TUI's, ``workbench.tui.memory``); the
collector off inside the block, and on again after it only if it was on."""

from __future__ import annotations

import gc

import pytest

from workbench import heap


@pytest.fixture(autouse=True)
def thawed():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_freeze_outside_a_held_block_does_nothing() -> None:
    kept = [object() for _ in range(10)]  # noqa: F841 — alive while freezing
    heap.freeze()
    assert gc.get_freeze_count() == 0


def test_a_held_block_freezes_and_lifts_its_freeze_at_its_end() -> None:
    with heap.held():
        kept = [[i] for i in range(100)]
        heap.freeze()
        assert gc.get_freeze_count() >= len(kept)
        with heap.held():  # nested: the outer block lifts it
            heap.freeze()
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_the_collector_is_off_inside_a_held_block_and_as_it_was_after() -> None:
    assert gc.isenabled()
    with heap.held():
        assert not gc.isenabled()
        with heap.held():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not turn it on under the outer one
    assert gc.isenabled()
    gc.disable()  # someone turned it off before: it stays off
    try:
        with heap.held():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_freeze_made_before_the_block_stays() -> None:
    gc.freeze()  # as the TUI does after its load
    before = gc.get_freeze_count()
    assert before > 0
    with heap.held():
        heap.freeze()
    assert gc.get_freeze_count() >= before


def test_a_report_run_freezes_while_it_works_and_leaves_nothing_frozen(make_store, tmp_path, capsys,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.config import Settings
    from workbench.report import run_report
    from workbench.report import json_format

    root = make_store([(
        b"From: Yishai Hadas <yishaih@example.com>\nTo: kvm@vger.kernel.org\n"
        b"Subject: [PATCH 1/1] vfio/mlx5: one\nDate: Mon, 3 Mar 2025 10:00:00 +0000\n"
        b"Message-ID: <one@x>\n\nSigned-off-by: Yishai Hadas <yishaih@example.com>\n---\n"
        b"diff --git a/drivers/vfio/pci/mlx5/main.c b/drivers/vfio/pci/mlx5/main.c\n"
        b"--- a/drivers/vfio/pci/mlx5/main.c\n+++ b/drivers/vfio/pci/mlx5/main.c\n"
        b"@@ -1,1 +1,2 @@\n a\n+b\n")])
    maintainers = tmp_path / "MAINTAINERS"
    maintainers.write_text("VFIO DRIVER\nM:\tAlex <alex@example.org>\nL:\tkvm@vger.kernel.org\nF:\tdrivers/vfio/\n")
    seen: list[int] = []
    real = json_format.json_pieces

    def pieces(*args, **kw):
        seen.append(gc.get_freeze_count())  # rendering: records and analysis are frozen
        assert not gc.isenabled()
        return real(*args, **kw)

    monkeypatch.setattr("workbench.report.json_pieces", pieces)
    run_report(Settings(db_path=root, maintainers=maintainers, cache_dir=tmp_path / "cache"), fmt="json")
    assert "vfio/mlx5: one" in capsys.readouterr().out
    assert seen and seen[0] > 0
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
