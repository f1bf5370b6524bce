"""Typed settings, from (lowest to highest precedence) defaults, the TOML config file,
the environment and the command line.

The config file is ``$VFIO_WORKBENCH_CONFIG``, else
``$XDG_CONFIG_HOME/vfio-workbench/config.toml`` (``~/.config/...``). An unknown key is
an error, not silently ignored: a typo in a maintainer's config should not quietly fall
back to a default that then gives wrong answers.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from workbench.errors import ConfigError
from workbench.model import Person

# Whole threads in which some message mentions vfio in its subject, or some message's text
# names a path under drivers/vfio/pci (a phrase query: notmuch indexes body positions).
# The thread part catches the patches of a series whose own subject names only the parent
# driver ("hisi_acc_qm: Move VF PCI device IDs…", "crypto: qat - …") and every reply; the
# phrase part catches series whose every subject says "hisi_acc_vfio_pci:", which Xapian
# indexes as one term that subject:vfio does not match (real hisi v10–v12 postings).
DEFAULT_QUERY = 'thread:{subject:vfio} or thread:{"drivers/vfio/pci"}'


def _file_in(path: Path, name: str) -> Path:
    """``--maintainers ~/src/linux`` means the tree's file: the path every reader (the
    loaders, the kept report's key) then uses. A directory without it stays as given, so
    the loader can say so."""
    path = Path(path).expanduser()
    return path / name if path.is_dir() and (path / name).is_file() else path


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


def default_config_path() -> Path:
    env = os.environ.get("VFIO_WORKBENCH_CONFIG")
    if env:
        return Path(env)
    return _xdg("XDG_CONFIG_HOME", ".config") / "vfio-workbench" / "config.toml"


def default_cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache") / "vfio-workbench"


def default_state_file() -> Path:
    """My triage decisions: state, not cache (deleting the cache must not lose them)."""
    return _xdg("XDG_STATE_HOME", ".local/state") / "vfio-workbench" / "state.sqlite3"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run needs to know; built once by the CLI, read by everything else."""

    db_path: Path | None = None  # None: found by libnotmuch exactly as the notmuch CLI does
    notmuch_config: Path | None = None  # None: NOTMUCH_CONFIG / ~/.notmuch-config / XDG
    query: str | None = None  # None: DEFAULT_QUERY
    since: str | None = None  # notmuch date expression, e.g. "2024-01-01" or "6months"
    maintainers: Path | None = None
    mailmap: Path | None = None
    linux_tree: Path | None = None  # a kernel checkout: MAINTAINERS and .mailmap from it
    me: Person | None = None  # None: notmuch's user.name / user.primary_email
    cache_dir: Path = field(default_factory=default_cache_dir)
    state_file: Path = field(default_factory=default_state_file)
    use_cache: bool = True
    keymap: str = "default"
    drafts_folder: str = "Drafts"
    templates_dir: Path | None = None
    branch: str = ""  # where thanks drafts say a series was applied ("vfio next branch for v6.19")
    show_all: bool = False  # include superseded and out-of-scope series
    mark_read: bool = False  # opening a series in the TUI removes notmuch's 'unread' from its mail

    def effective_query(self) -> str:
        query = self.query or DEFAULT_QUERY
        if self.since:
            query = f"({query}) and date:{self.since}.."
        return query

    def maintainers_path(self) -> Path | None:
        if self.maintainers:
            return _file_in(self.maintainers, "MAINTAINERS")
        if self.linux_tree:
            return self.linux_tree / "MAINTAINERS"
        return None

    def mailmap_path(self) -> Path | None:
        if self.mailmap:
            return _file_in(self.mailmap, ".mailmap")
        if self.linux_tree:
            return self.linux_tree / ".mailmap"
        return None

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with every non-None value of ``changes`` applied."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_PATH_KEYS = {"db_path", "notmuch_config", "maintainers", "mailmap", "linux_tree", "cache_dir", "templates_dir",
              "state_file"}
_STR_KEYS = {"query", "since", "keymap", "drafts_folder", "branch"}
_BOOL_KEYS = {"use_cache", "show_all", "mark_read"}


def _from_mapping(data: dict[str, Any], origin: str) -> dict[str, Any]:
    known = {f.name for f in fields(Settings)}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "me":
            if not isinstance(value, dict) or not isinstance(value.get("email"), str):
                raise ConfigError(f"{origin}: 'me' must be a table with 'name' and 'email'")
            out["me"] = Person(str(value.get("name", "")), value["email"].strip().lower())
        elif key not in known:
            raise ConfigError(f"{origin}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        elif key in _PATH_KEYS:
            if not isinstance(value, str):
                raise ConfigError(f"{origin}: {key!r} must be a path string")
            out[key] = Path(value).expanduser()
        elif key in _STR_KEYS:
            if not isinstance(value, str):
                raise ConfigError(f"{origin}: {key!r} must be a string")
            out[key] = value
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise ConfigError(f"{origin}: {key!r} must be true or false")
            out[key] = value
    return out


def load_settings(config_path: Path | None = None) -> Settings:
    """Settings from the config file (if it exists) and the environment.

    A config file given explicitly must exist; the default one may be absent.
    """
    explicit = config_path is not None or "VFIO_WORKBENCH_CONFIG" in os.environ
    path = config_path or default_config_path()
    values: dict[str, Any] = {}
    if path.exists():
        try:
            with path.open("rb") as fh:
                values = _from_mapping(tomllib.load(fh), str(path))
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{path}: not valid TOML: {err}") from None
        except OSError as err:
            raise ConfigError(f"{path}: cannot read config file: {err.strerror}") from None
    elif explicit:
        raise ConfigError(f"config file {path} does not exist (--config / VFIO_WORKBENCH_CONFIG)")
    if os.environ.get("VFIO_WORKBENCH_CACHE"):
        values["cache_dir"] = Path(os.environ["VFIO_WORKBENCH_CACHE"])
    return Settings(**values)
