"""Cache records and kept reports of the wrong shape are a miss, never a traceback.

A real notmuch store of real threads; the report is made once with ``--no-cache`` (the
reference), once to fill the record cache, then one real stored record is rewritten the
way a damaged or hand-edited file could hold it (an int where a string was, a list
where a tuple was, a date of 1e20, nested garbage, a torn blob …). The next run, through
the real loader, must print exactly the reference report and leave a sound record
behind (the message was parsed again). The same for the kept report's description.
"""

from __future__ import annotations

import json
import marshal
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import lore_thread, shared_path
from workbench.cli import main
from workbench.mail.cache import BadRecord, Decoder

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

THREADS = ("[PATCH v3 0/6] vfio/hisilicon: add acc live migration driver",
           "[PATCH 00/10] crypto: qat - enable SRIOV VF live migration for")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vfio_workbench_demo.mailwriter import build_store

    files = lore_thread(subjects=THREADS)
    assert len(files) > 40
    return build_store(tmp_path_factory.mktemp("shapes") / "mail", [f.read_bytes() for f in files])


def report(store: Path, cache: Path | None, capsys: pytest.CaptureFixture[str], query: str = "*") -> str:
    data = shared_path("data")
    args = ["--report", "--format", "json", "--all", "--db", str(store), "--query", query,
            "--maintainers", str(data / "MAINTAINERS"), "--mailmap", str(data / "mailmap")]
    code = main(args + (["--cache-dir", str(cache)] if cache else ["--no-cache"]))
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.err == ""  # these real threads read cleanly: nothing (no made-up problem) on stderr
    return out.out


@pytest.fixture(scope="module")
def reference(store: Path) -> str:
    data = shared_path("data")
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["--report", "--format", "json", "--all", "--db", str(store), "--query", "*", "--no-cache",
                     "--maintainers", str(data / "MAINTAINERS"), "--mailmap", str(data / "mailmap")]) == 0
    out = buf.getvalue()
    assert len(json.loads(out)["series"]) >= 2
    return out


@pytest.fixture(scope="module")
def filled(store: Path, reference: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache the report filled (records and the kept report), which printed the reference.
    Each test damages its own copy of it: filling it is the same run every time."""
    data = shared_path("data")
    cache = tmp_path_factory.mktemp("filled") / "cache"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["--report", "--format", "json", "--all", "--db", str(store), "--query", "*",
                     "--cache-dir", str(cache), "--maintainers", str(data / "MAINTAINERS"),
                     "--mailmap", str(data / "mailmap")]) == 0
    assert buf.getvalue() == reference
    return cache


def filled_copy(filled: Path, tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    shutil.copytree(filled, cache)
    return cache


def cache_db(cache: Path) -> Path:
    (found,) = (cache / "mail").glob("*.sqlite")
    return found


def patch_row(cache: Path) -> tuple[str, tuple]:
    """A real stored patch record: one with files, trailers, references and a date."""
    with sqlite3.connect(cache_db(cache)) as conn:
        for msgid, blob in conn.execute("SELECT msgid, blob FROM records ORDER BY msgid"):
            t = marshal.loads(blob)
            if t[0] != "!fail" and t[11] and t[10] and t[7] and t[5]:
                return msgid, t
    raise AssertionError("no patch record in the cache")


def put(cache: Path, msgid: str, blob: bytes | object) -> None:
    with sqlite3.connect(cache_db(cache)) as conn:
        conn.execute("UPDATE records SET blob = ? WHERE msgid = ?", (blob, msgid))


def swap(t: tuple, index: int, value: object) -> bytes:
    return marshal.dumps(t[:index] + (value,) + t[index + 1:])


DAMAGE: dict[str, Callable[[tuple], object]] = {
    "int-for-subject": lambda t: swap(t, 2, 5),
    "int-for-msgid": lambda t: swap(t, 0, 12345),
    "list-for-references": lambda t: swap(t, 7, list(t[7])),
    "list-for-files": lambda t: swap(t, 11, [list(f) for f in t[11]]),
    "date-1e20": lambda t: swap(t, 5, (1e20, 0)),
    "date-nan": lambda t: swap(t, 5, (float("nan"), 0)),
    "zone-1e9": lambda t: swap(t, 5, (t[5][0], 10**9)),
    "date-string": lambda t: swap(t, 5, "yesterday"),
    "nested-garbage": lambda t: swap(t, 10, ((("Acked-by", ("x", ["y", {"z": 1}])),),)),
    "file-count-str": lambda t: swap(t, 11, tuple((f[0], f[1], f[2], "3", f[4]) for f in t[11])),
    "bool-for-int": lambda t: swap(t, 11, tuple((f[0], f[1], f[2], True, f[4]) for f in t[11])),
    "signal-kind-unknown": lambda t: swap(t, 12, (("not-a-kind", "a.c", "x", "+x", "@@"),)),
    "person-triple": lambda t: swap(t, 3, ("a", "b", "c")),
    "people-no-separator": lambda t: swap(t, 9, "no separator here"),
    "short-tuple": lambda t: marshal.dumps(t[:9]),
    "relayed-a-string": lambda t: swap(t, 17, "someone"),
    "from-list-an-int": lambda t: swap(t, 18, 1),
    "not-a-tuple": lambda t: marshal.dumps({"msgid": t[0]}),
    "failure-of-ints": lambda t: marshal.dumps(("!fail", 1, 2, 3)),
    "truncated": lambda t: marshal.dumps(t)[: len(marshal.dumps(t)) // 2],
    "garbage-bytes": lambda t: b"\x00\xff" * 40,
    "text-not-blob": lambda t: "a string where the blob was",
    "integer-not-blob": lambda t: 42,
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_record_of_wrong_shape_is_a_miss(damage: str, store: Path, reference: str, filled: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    cache = filled_copy(filled, tmp_path)
    assert report(store, cache, capsys) == reference  # the copy answers as the cache it copies
    msgid, record = patch_row(cache)
    put(cache, msgid, DAMAGE[damage](record))
    shutil.rmtree(cache / "reports")  # the kept report would answer without reading records
    assert report(store, cache, capsys) == reference
    # the message was parsed again: a sound record of it is stored now
    with sqlite3.connect(cache_db(cache)) as conn:
        (blob,) = conn.execute("SELECT blob FROM records WHERE msgid = ?", (msgid,)).fetchone()
    assert Decoder().decode(blob).msgid == msgid
    if damage in ("int-for-subject", "date-1e20", "truncated"):  # a few: the warm run after it
        shutil.rmtree(cache / "reports")
        assert report(store, cache, capsys) == reference


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_decoder_rejects_each_shape(damage: str) -> None:
    record = ("m@x", "/p", "[PATCH] s", ("A", "a@x"), ("A", "a@x"), (1.7e9, 3600), "p@x", ("r@x",),
              "A\x1fa@x", "", (("Acked-by", "B", "b@x"),), (("a.c", None, "modified", 1, 2),),
              (("extension", "a.c", "x", "+x", "@@"),), "", None, (), "", None, False)
    Decoder().decode(marshal.dumps(record))  # the undamaged record decodes
    blob = DAMAGE[damage](record)
    with pytest.raises(BadRecord):
        Decoder().decode(blob)  # type: ignore[arg-type]


def test_decoder_shares_people_across_lists_and_still_rejects_a_bad_entry() -> None:
    """A Cc list seen for the first time is mostly of people decoded before: they come back
    as the same Person objects; an entry without its separator next to known people is
    still a damaged record."""
    def record(msgid: str, cc: str) -> bytes:
        return marshal.dumps((msgid, "/p", "[PATCH] s", ("A", "a@x"), ("A", "a@x"), None, None, (),
                              "A\x1fa@x", cc, (), (), (), "", None, (), "", None, False))

    decoder = Decoder()
    first = decoder.decode(record("1@x", "B\x1fb@x\x1eC\x1fc@x"))
    second = decoder.decode(record("2@x", "C\x1fc@x\x1eD\x1fd@x\x1eB\x1fb@x"))
    assert [(p.name, p.email) for p in second.cc] == [("C", "c@x"), ("D", "d@x"), ("B", "b@x")]
    assert second.cc[0] is first.cc[1] and second.cc[2] is first.cc[0]
    assert second.to[0] is first.author
    with pytest.raises(BadRecord):
        decoder.decode(record("3@x", "B\x1fb@x\x1eno separator\x1eC\x1fc@x"))


# --- the kept report -------------------------------------------------------------------


def kept_meta(cache: Path) -> Path:
    (found,) = (cache / "reports").glob("*.json")
    return found


META_DAMAGE: dict[str, Callable[[dict], object]] = {
    "a-list": lambda m: [m],
    "a-number": lambda m: 7,
    "rev-1e20": lambda m: {**m, "rev": 1e20},
    "rev-infinity": lambda m: {**m, "rev": float("inf")},
    "rev-string": lambda m: {**m, "rev": "latest"},
    "size-string": lambda m: {**m, "size": str(m["size"])},
    "problems-a-string": lambda m: {**m, "problems": "oops"},
    "problems-nested": lambda m: {**m, "problems": [[1, [2], {"x": 3}]]},
    "rev-at-elsewhere": lambda m: {**m, "rev_at": 3},
    "rev-at-huge": lambda m: {**m, "rev_at": 10**12},
    "has-missing-string": lambda m: {**m, "has_missing": "no"},
    "uuid-nested": lambda m: {**m, "uuid": {"a": [1]}},
}


@pytest.mark.parametrize("damage", list(META_DAMAGE), ids=list(META_DAMAGE))
def test_kept_report_of_wrong_shape_is_a_miss(damage: str, store: Path, reference: str, filled: Path,
                                             tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = filled_copy(filled, tmp_path)
    meta_path = kept_meta(cache)
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps(META_DAMAGE[damage](meta)))
    assert report(store, cache, capsys) == reference
    assert report(store, cache, capsys) == reference  # kept again, and sound


def test_kept_report_truncated(store: Path, reference: str, filled: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    cache = filled_copy(filled, tmp_path)
    meta_path = kept_meta(cache)
    meta_path.write_bytes(meta_path.read_bytes()[:20])
    assert report(store, cache, capsys) == reference
    out_path = kept_meta(cache).with_suffix(".out")
    out_path.write_bytes(out_path.read_bytes()[:100])
    assert report(store, cache, capsys) == reference


def test_kept_report_whose_revision_offset_does_not_fit(store: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Mail outside the query changed the revision: the kept report is reused with the
    new revision written into its header at ``rev_at``. An offset that does not point at
    the old revision must not rewrite some other part of the report."""
    import notmuch2

    copy = tmp_path / "mail"
    shutil.copytree(store, copy, symlinks=True)
    cache = tmp_path / "cache"
    query = "subject:hisilicon"
    first = report(copy, cache, capsys, query)
    meta_path = kept_meta(cache)
    meta = json.loads(meta_path.read_text())
    assert first[meta["rev_at"]:].startswith(str(meta["rev"]))
    meta_path.write_text(json.dumps({**meta, "rev_at": 3}))
    with notmuch2.Database(copy, mode=notmuch2.Database.MODE.READ_WRITE, config=notmuch2.Database.CONFIG.EMPTY) as db:
        outside = next(iter(db.messages("subject:qat")))
        outside.tags.add("elsewhere")
    expected = report(copy, None, capsys, query)
    assert expected != first  # the revision moved
    assert report(copy, cache, capsys, query) == expected


def test_the_code_fingerprint_covers_the_parsing_code() -> None:
    """Records are stale when the code that made them changes: every glob of the
    fingerprint must name real modules, including the patch-mail primitives."""
    from workbench.mail import cache

    root = Path(cache.__file__).resolve().parent.parent
    covered = {p.relative_to(root).as_posix() for g in cache._SOURCES for p in root.glob(g)}
    for module in ("mail/parse.py", "patchmail/diff.py", "patchmail/trailers.py", "patchmail/persons.py", "model.py"):
        assert module in covered
