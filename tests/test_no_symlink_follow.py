"""Every file the workbench writes is created without following a symlink planted at its
name: a draft in the maildir's tmp/ (and cur/), a ``--out`` .eml, the record cache's
SQLite files, the kept report and its temporary file.

An attacker who can write into a shared directory plants ``name -> victim`` and waits
for the tool to write "its" file. Each test plants the link where the real code will
write, runs the real code on a real notmuch store, and checks that the victim is
untouched and the tool still did its job.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import StoreFactory, lore_thread, shared_path
from workbench.cli import main
from workbench.mail import drafts

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

PRECIOUS = b"precious: must never be overwritten\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vfio_workbench_demo.mailwriter import build_store

    files = lore_thread(subjects=["[PATCH v3 0/6] vfio/hisilicon: add acc live migration driver"])
    return build_store(tmp_path_factory.mktemp("links") / "mail", [f.read_bytes() for f in files])


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim"
    path.write_bytes(PRECIOUS)
    return path


def args(store: Path, *more: str) -> list[str]:
    data = shared_path("data")
    return ["--db", str(store), "--query", "*", "--maintainers", str(data / "MAINTAINERS"),
            "--mailmap", str(data / "mailmap"), *more]


def report(store: Path, cache: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(args(store, "--report", "--format", "json", "--all", "--cache-dir", str(cache)))
    out = capsys.readouterr()
    assert code in (0, 3), out.err
    return out.out


# --- drafts ------------------------------------------------------------------------------


def test_draft_tmp_name_taken_by_a_symlink(make_store: StoreFactory, victim: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    mail = sorted(shared_path("corpus", "lore-vfio", "variant").glob("*.eml"))[0]
    root = make_store([mail])
    folder = root / "Drafts"
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    dangling = tmp_path / "would-be-created"
    (folder / "tmp" / "guessed-1").symlink_to(victim)
    (folder / "tmp" / "guessed-2").symlink_to(dangling)
    (folder / "cur" / "guessed-3:2,DS").symlink_to(victim)  # at the final name too
    names = iter(["guessed-1", "guessed-2", "guessed-3"])  # the attacker guessed the names
    monkeypatch.setattr(drafts, "unique_name", lambda: next(names))
    data = mail.read_bytes()
    path = drafts.write_draft_file(folder, data)
    assert path == folder / "cur" / "guessed-3:2,DS"
    assert not path.is_symlink() and path.read_bytes() == data
    assert victim.read_bytes() == PRECIOUS
    assert not dangling.exists()
    assert (folder / "tmp" / "guessed-1").is_symlink()  # the planted links are left, not followed
    assert not (folder / "tmp" / "guessed-3").exists()


def test_out_file_name_taken_by_a_symlink(store: Path, victim: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args(store, "--report", "--format", "json", "--all", "--no-cache")) in (0, 3)
    series_id = json.loads(capsys.readouterr().out)["series"][0]["id"]
    first = tmp_path / "first"
    assert main(args(store, "--no-cache", "--me", "Alex Williamson <alex.williamson@redhat.com>", "--draft", "reply", "--series", series_id, "--out", str(first))) == 0
    capsys.readouterr()
    (written,) = first.iterdir()
    target = tmp_path / "out"
    target.mkdir()
    (target / written.name).symlink_to(victim)
    code = main(args(store, "--no-cache", "--me", "Alex Williamson <alex.williamson@redhat.com>", "--draft", "reply", "--series", series_id, "--out", str(target)))
    out = capsys.readouterr().out
    assert code == 0
    assert victim.read_bytes() == PRECIOUS
    made = [p for p in target.iterdir() if not p.is_symlink()]
    assert len(made) == 1 and made[0].name != written.name  # the next free name
    assert made[0].read_bytes().startswith(b"From: Alex Williamson")
    assert str(made[0]) in out


# --- the record cache ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "-wal", "-journal"])
def test_cache_file_name_taken_by_a_symlink(suffix: str, store: Path, victim: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "cache"
    reference = report(store, cache, capsys)
    (name,) = (cache / "mail").glob("*.sqlite")
    for old in (cache / "mail").iterdir():
        old.unlink()
    for old in (cache / "reports").iterdir():
        old.unlink()
    empty = tmp_path / "empty-victim"
    empty.write_bytes(b"")  # SQLite would happily make a database of an empty file
    dangling = tmp_path / "dangling-victim"
    Path(f"{name}{suffix}").symlink_to(empty)
    if suffix:
        Path(name).symlink_to(dangling)  # and one at the main name, pointing nowhere yet
    assert report(store, cache, capsys) == reference
    assert empty.read_bytes() == b""
    assert not dangling.exists()
    assert name.is_file() and not name.is_symlink()
    assert report(store, cache, capsys) == reference  # and the cache it made works


# --- the kept report -----------------------------------------------------------------------


def test_kept_report_temporary_and_final_names_taken(store: Path, victim: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The kept report was written to ``.<key>.out.<pid>.tmp``: a name anyone can
    predict. A link there must not receive the report, nor a link at the final name."""
    cache = tmp_path / "cache"
    reference = report(store, cache, capsys)
    (meta,) = (cache / "reports").glob("*.json")
    out = meta.with_suffix(".out")
    meta.unlink()
    out.unlink()
    other = tmp_path / "other-victim"
    other.write_bytes(PRECIOUS)
    for final, target in ((out, victim), (meta, other)):
        Path(final.parent, f".{final.name}.{os.getpid()}.tmp").symlink_to(target)
    assert report(store, cache, capsys) == reference  # computed and kept anew
    assert victim.read_bytes() == PRECIOUS and other.read_bytes() == PRECIOUS
    assert out.is_file() and not out.is_symlink() and out.read_text() == reference

    out.unlink()
    out.symlink_to(victim)  # a link at the final name: read, found wrong, replaced
    assert report(store, cache, capsys) == reference
    assert victim.read_bytes() == PRECIOUS
    assert not out.is_symlink() and out.read_text() == reference


def test_screenshot_replaces_a_planted_link_instead_of_writing_through_it(tmp_path: Path) -> None:
    """--screenshot writes through a fresh temporary file renamed over the target."""
    from workbench.tui.launch import write_new

    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    shot = tmp_path / "shot.svg"
    shot.symlink_to(victim)
    write_new(shot, "<svg/>")
    assert victim.read_text() == "precious"
    assert not shot.is_symlink() and shot.read_text() == "<svg/>"
