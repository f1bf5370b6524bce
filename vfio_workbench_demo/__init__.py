"""The bundled demo store: a notmuch database of mail this project writes itself.

``ensure_demo_store`` builds it once per generator version under the cache directory and
reuses it afterwards. The corpus is its own package beside ``workbench`` (installed with
it, so ``--demo`` works from a wheel) and outside the product's fingerprint: editing demo
prose must not discard a user's kept reports or cached records. The build happens in a temporary directory that is renamed into
place only when complete, so an interrupted build is never mistaken for a store. The
stamp holds a digest of the demo's own source as well as its version, so editing a
series spec rebuilds the store instead of showing stale mail.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from vfio_workbench_demo.people import ALEX
from workbench.errors import StoreError
from workbench.model import Person

GENERATOR_VERSION = 1
"""Bump when the demo changes in a way the source digest would not catch."""

_STAMP = "DEMO-STAMP"
_MAIL_FOLDER = "INBOX"


@dataclass(frozen=True, slots=True)
class DemoStore:
    root: Path  # notmuch database and maildir root
    maintainers: Path
    mailmap: Path
    me: Person


def _source_digest() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(str(GENERATOR_VERSION).encode())
    for path in sorted(here.rglob("*.py")):
        digest.update(path.relative_to(here).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _store(target: Path) -> DemoStore:
    return DemoStore(root=target / "mail", maintainers=target / "MAINTAINERS",
                     mailmap=target / "mailmap", me=ALEX)


def demo_messages() -> list[bytes]:
    """Every demo mail as file bytes, in posting order (also used by the tests)."""
    from vfio_workbench_demo.render import render
    from vfio_workbench_demo.series_specs import build_corpus

    return [render(mail) for mail in build_corpus().mails]


def _build(into: Path) -> None:
    from vfio_workbench_demo.maintainers_text import MAILMAP, MAINTAINERS
    from vfio_workbench_demo.mailwriter import create_database, index_files, place
    from workbench.mail.maildir import ensure_maildir

    into.mkdir(parents=True)
    (into / "MAINTAINERS").write_text(MAINTAINERS, encoding="utf-8")
    (into / "mailmap").write_text(MAILMAP, encoding="utf-8")
    root = into / "mail"
    create_database(root)
    folder = ensure_maildir(root / _MAIL_FOLDER)
    ensure_maildir(root / "Drafts")
    paths = []
    for n, data in enumerate(demo_messages(), start=1):
        # Fixed names (not time-based): two builds give the same tree.
        name = f"{n:04d}.{hashlib.sha1(data).hexdigest()[:10]}.vfio-workbench-demo:2,S"
        paths.append(place(folder, name, data))
    index_files(root, paths, tags=("inbox",))


def ensure_demo_store(cache_dir: Path, *, rebuild: bool = False) -> DemoStore:
    """The demo store under ``cache_dir``, built when absent, stale or ``rebuild``."""
    cache_dir = Path(cache_dir)
    target = cache_dir / f"demo-{GENERATOR_VERSION}"
    stamp = _source_digest()
    stamp_file = target / _STAMP
    if (not rebuild and stamp_file.is_file() and (target / "mail" / ".notmuch").is_dir()
            and stamp_file.read_text(encoding="ascii").strip() == stamp):
        return _store(target)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / f".demo-{GENERATOR_VERSION}.building-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            _build(tmp)
            (tmp / _STAMP).write_text(stamp + "\n", encoding="ascii")
            old = None
            if target.exists():
                old = cache_dir / f".demo-{GENERATOR_VERSION}.old-{os.getpid()}"
                shutil.rmtree(old, ignore_errors=True)
                os.rename(target, old)
            os.rename(tmp, target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as err:
        raise StoreError(f"cannot build the demo store in {cache_dir}: {err.strerror or err} "
                         "(set XDG_CACHE_HOME or VFIO_WORKBENCH_CACHE to a writable directory)") from None
    return _store(target)


__all__ = ["DemoStore", "GENERATOR_VERSION", "demo_messages", "ensure_demo_store"]
