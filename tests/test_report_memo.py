"""The kept report (workbench.report.memo): used only while every input is the same.

Whether a run used the kept report is observed from outside, not by patching code: the
record cache (``cache_dir/mail``) is deleted after the first run; a run that computes
the report loads records and so writes that cache again, a run that prints the kept
report does not.
"""

from __future__ import annotations

from pathlib import Path

import notmuch2
import pytest

from vfio_workbench_demo.mailwriter import deliver, index_files
from workbench.config import Settings
from workbench.model import Person
from workbench.report import run_report

MAINTAINERS = """\
VFIO DRIVER
M:\tAlex Williamson <alex@example.org>
L:\tkvm@vger.kernel.org
F:\tdrivers/vfio/

VFIO PCI DEVICE SPECIFIC DRIVERS
R:\tJason Gunthorpe <jgg@example.org>
P:\tDocumentation/driver-api/vfio-pci-device-specific-driver-acceptance.rst
F:\tdrivers/vfio/pci/*/
"""


def patch(msgid: str, subject: str, body_extra: str = "") -> bytes:
    return (
        "From: Yishai Hadas <yishaih@example.com>\nTo: kvm@vger.kernel.org\n"
        f"Subject: [PATCH 1/1] {subject}\nDate: Mon, 3 Mar 2025 10:00:00 +0000\n"
        f"Message-ID: <{msgid}>\n\n{body_extra}Signed-off-by: Yishai Hadas <yishaih@example.com>\n---\n"
        "diff --git a/drivers/vfio/pci/mlx5/main.c b/drivers/vfio/pci/mlx5/main.c\n"
        "--- a/drivers/vfio/pci/mlx5/main.c\n+++ b/drivers/vfio/pci/mlx5/main.c\n"
        "@@ -1,1 +1,2 @@\n a\n+b\n"
    ).encode()


@pytest.fixture
def setup(make_store, tmp_path: Path):
    root = make_store([patch("one@x", "vfio/mlx5: first"),
                       b"From: a@x\nSubject: unrelated netdev chatter\nMessage-ID: <other@x>\n\nhi\n"])
    maintainers = tmp_path / "MAINTAINERS"
    maintainers.write_text(MAINTAINERS)
    settings = Settings(db_path=root, maintainers=maintainers, cache_dir=tmp_path / "cache",
                        me=Person("Alex Williamson", "alex@example.org"))
    return root, settings


def report(settings: Settings, capsys, fmt: str = "json", **kw) -> tuple[int, str]:
    code = run_report(settings, fmt=fmt, **kw)
    return code, capsys.readouterr().out


def records_cache(settings: Settings) -> Path:
    return Path(settings.cache_dir) / "mail"


def forget_records(settings: Settings) -> None:
    for f in records_cache(settings).glob("*"):
        f.unlink()


def computed(settings: Settings) -> bool:
    """Did the last run load records (and so compute the report)?"""
    return any(records_cache(settings).glob("*.sqlite"))


def tag(root: Path, msgid: str, add: str) -> None:
    with notmuch2.Database(root, mode=notmuch2.Database.MODE.READ_WRITE, config=notmuch2.Database.CONFIG.EMPTY) as db:
        db.find(msgid).tags.add(add)


def test_same_inputs_print_the_kept_report(setup, capsys) -> None:
    _root, settings = setup
    _, first = report(settings, capsys)
    forget_records(settings)
    _, second = report(settings, capsys)
    assert second == first and "vfio/mlx5: first" in second
    assert not computed(settings)


def test_new_matching_mail_is_seen(setup, capsys) -> None:
    root, settings = setup
    report(settings, capsys)
    forget_records(settings)
    index_files(root, [deliver(root / "INBOX", patch("two@x", "vfio/mlx5: second"))])
    _, out = report(settings, capsys)
    assert "vfio/mlx5: second" in out and computed(settings)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_tags_elsewhere_keep_it_tags_on_a_match_do_not(setup, capsys, fmt: str) -> None:
    from dataclasses import replace

    root, settings = setup
    _, first = report(settings, capsys, fmt)
    forget_records(settings)
    tag(root, "other@x", "seen-elsewhere")  # the revision moves, the query's messages do not
    _, kept = report(settings, capsys, fmt)
    assert not computed(settings) and kept != first  # the header names the new revision …
    assert kept == report(replace(settings, use_cache=False), capsys, fmt)[1]  # … as a fresh run does
    tag(root, "one@x", "read-it")  # a matched message changed: look again
    _, again = report(settings, capsys, fmt)
    assert computed(settings) and again == report(replace(settings, use_cache=False), capsys, fmt)[1]


def test_changed_maintainers_or_format_recompute(setup, capsys) -> None:
    _root, settings = setup
    report(settings, capsys)
    forget_records(settings)
    _, text = report(settings, capsys, fmt="text")
    assert computed(settings) and "vfio/mlx5: first" in text
    forget_records(settings)
    Path(settings.maintainers).write_text(MAINTAINERS.replace("R:\tJason", "R:\tKevin Tian <kevin@example.org>\nR:\tJason"))
    _, out = report(settings, capsys)
    assert computed(settings) and "kevin@example.org" in out


def test_a_torn_kept_report_is_never_printed(setup, capsys) -> None:
    _root, settings = setup
    _, first = report(settings, capsys)
    (kept,) = (Path(settings.cache_dir) / "reports").glob("*.out")
    kept.write_bytes(kept.read_bytes()[: len(first) // 2])  # a crash mid-write, or a stray edit
    forget_records(settings)
    _, again = report(settings, capsys)
    assert again == first and computed(settings)


def test_exit_status_survives_the_kept_report(setup, capsys) -> None:
    _root, settings = setup
    code, _ = report(settings, capsys, fail_on_missing=True)
    assert code == 3  # no listed reviewer has reviewed the mlx5 patch
    forget_records(settings)
    code, _ = report(settings, capsys, fail_on_missing=True)
    assert code == 3 and not computed(settings)


def test_no_cache_means_no_kept_report(setup, capsys) -> None:
    from dataclasses import replace

    _root, settings = setup
    report(replace(settings, use_cache=False), capsys)
    assert not (Path(settings.cache_dir) / "reports").exists()


def test_the_demo_corpus_is_outside_the_fingerprint() -> None:
    """Editing demo prose must not discard kept reports: the fingerprint hashes the
    ``workbench`` package, and the demo corpus is a package of its own."""
    import vfio_workbench_demo
    from workbench.report import memo

    root = Path(memo.__file__).resolve().parent.parent
    assert root.name == "workbench"
    assert not Path(vfio_workbench_demo.__file__).resolve().is_relative_to(root)
    assert not any(root.rglob("series_specs.py"))
