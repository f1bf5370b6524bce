"""Shared fixtures: where the real corpus is, and real notmuch stores built from mail."""

from __future__ import annotations

import csv
import fcntl
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from vfio_workbench_demo.mailwriter import build_store

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VFIO_WORKBENCH_SHARED", REPO.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} is missing (../shared beside the checkout)")
    return path


def lore_thread(*, roots: Iterable[str] = (), subjects: Iterable[str] = ()) -> list[Path]:
    """The real corpus files of whole threads, named by their root's message-id or
    subject (INDEX.tsv's thread_root / thread_root_subject), in INDEX order."""
    corpus = shared_path("corpus", "lore-vfio")
    ids = {f"<{r}>" for r in roots}
    titles = set(subjects)
    with (corpus / "INDEX.tsv").open(newline="", encoding="utf-8") as fh:
        rows = csv.DictReader(fh, delimiter="\t")
        files = [corpus / r["file"] for r in rows if r["thread_root"] in ids or r["thread_root_subject"] in titles]
    assert files, f"no corpus thread for {sorted(ids | titles)}"
    return files


@pytest.fixture
def shared() -> Path:
    return shared_path()


@pytest.fixture
def lore(shared: Path) -> Path:
    return shared / "corpus" / "lore-vfio"


@pytest.fixture
def data_dir(shared: Path) -> Path:
    return shared / "data"


def _isolate(mp: pytest.MonkeyPatch, home: Path) -> Path:
    mp.setenv("HOME", str(home))
    mp.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    mp.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    mp.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    # the text report fits the terminal: the same width under xdist workers (no tty) as in a shell
    mp.setenv("COLUMNS", "120")
    mp.setenv("LINES", "40")
    for var in ("NOTMUCH_CONFIG", "NOTMUCH_PROFILE", "NOTMUCH_DATABASE", "MAILDIR",
                "VFIO_WORKBENCH_CONFIG", "VFIO_WORKBENCH_CACHE", "EDITOR", "VISUAL"):
        mp.delenv(var, raising=False)
    return home


@pytest.fixture(scope="session", autouse=True)
def isolated_session_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The same isolation for session- and module-scoped fixtures, which pytest sets up
    before any test's own home: a module's reference report once read the real user's
    triage state (whose digest is part of the kept report's key)."""
    with pytest.MonkeyPatch.context() as mp:
        yield _isolate(mp, tmp_path_factory.mktemp("session-home"))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's notmuch config, workbench config or cache."""
    return _isolate(monkeypatch, tmp_path_factory.mktemp("home"))


StoreFactory = Callable[[Iterable[bytes | Path]], Path]


@pytest.fixture
def make_store(tmp_path: Path) -> StoreFactory:
    """Build a real notmuch database from message bytes or files; returns its root."""
    made = 0

    def build(messages: Iterable[bytes | Path]) -> Path:
        nonlocal made
        made += 1
        blobs = [m.read_bytes() if isinstance(m, Path) else m for m in messages]
        return build_store(tmp_path / f"store{made}", blobs)

    return build


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """``name``'s directory, built by ``build`` once per test run, whichever pytest-xdist
    worker asks first (the others wait on a lock, then read what it built).

    Each xdist worker has its own base temp directory below the run's; session fixtures
    are per worker, so a read-only store indexed by each would cost every worker the
    same indexing. A build that failed or was interrupted leaves no ``.done`` mark and is
    built again from nothing.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    root, done = base / f"shared-{name}", base / f"shared-{name}.done"
    with open(base / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            build(root)
            done.touch()
    return root


@pytest.fixture(scope="session")
def lore_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real notmuch store of all 2,031 lore-vfio messages, built once per test run
    (indexing takes ~20 s; tests must only read it)."""
    corpus = shared_path("corpus", "lore-vfio")

    def build(root: Path) -> None:
        build_store(root / "mail", [f.read_bytes() for f in sorted(corpus.glob("*/*.eml"))])

    return once_per_run(tmp_path_factory, "lore", build) / "mail"


@pytest.fixture(scope="session")
def lore_cache(lore_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One record cache for the lore store, shared by the tests that judge the real corpus
    but do not test loading or the cache: the first parses the 2,031 messages, the others
    load them through the cache (what a second run of the tool does; test_cache.py shows
    warm == cold). Tests of loading and of the cache keep their own cache directory."""
    return tmp_path_factory.mktemp("lore-cache")


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory):
    """The bundled demo store (vfio_workbench_demo), built once per test run; read only."""
    from vfio_workbench_demo import ensure_demo_store

    return ensure_demo_store(once_per_run(tmp_path_factory, "demo", ensure_demo_store))


@pytest.fixture
def demo_settings(demo_store, tmp_path: Path):
    """Settings pointing at the demo store with a fresh cache directory."""
    from workbench.config import Settings

    return Settings(db_path=demo_store.root, maintainers=demo_store.maintainers,
                    mailmap=demo_store.mailmap, me=demo_store.me, cache_dir=tmp_path / "cache")


@pytest.fixture
def demo_copy(demo_store, tmp_path: Path):
    """Settings on a private copy of the demo store, for tests that write to it (saved
    drafts, tags): the session's shared demo store stays untouched."""
    import shutil

    from workbench.config import Settings

    root = tmp_path / "mail"
    shutil.copytree(demo_store.root, root, symlinks=True)
    return Settings(db_path=root, maintainers=demo_store.maintainers, mailmap=demo_store.mailmap,
                    me=demo_store.me, cache_dir=tmp_path / "cache")


@pytest.fixture(scope="session")
def _demo_workbench_once(demo_store, tmp_path_factory: pytest.TempPathFactory):
    """The demo store read through notmuch and judged once per test session."""
    from workbench.config import Settings
    from workbench.pipeline import build_workbench

    settings = Settings(db_path=demo_store.root, maintainers=demo_store.maintainers,
                        mailmap=demo_store.mailmap, me=demo_store.me,
                        cache_dir=tmp_path_factory.mktemp("demo-workbench") / "cache")
    return build_workbench(settings)


@pytest.fixture
def demo_workbench(_demo_workbench_once):
    """The demo workbench (what ``build_workbench(demo_settings)`` returns), a private copy:
    a test or an app may change what it is given, the session's stays as built."""
    import copy

    return copy.deepcopy(_demo_workbench_once)


@pytest.fixture
def demo_loader(_demo_workbench_once):
    """A ``loader=`` for WorkbenchApp that hands over the prebuilt demo workbench (a fresh
    copy per load, as a real load makes new objects) instead of reading the store through
    notmuch again: for Pilot tests of the screens, not of loading (those keep the real
    loader). It reports progress like a load that found everything at once."""
    import copy

    demo_maintainers = _demo_workbench_once.context.maintainers.origin

    def load(settings, progress=None, session=None):
        # only for settings on the demo store (or a copy of it): anything else is a test bug
        assert str(settings.maintainers_path()) == demo_maintainers, settings
        wb = copy.deepcopy(_demo_workbench_once)
        if progress is not None:
            progress(len(wb.records), len(wb.records))
        return wb

    return load
