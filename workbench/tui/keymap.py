"""Keymap files: binding id → keys, checked before the app starts.

Textual's own ``App.set_keymap`` silently ignores an id it does not know and, on a clash,
quietly drops one of the two bindings. A maintainer who mistypes an id in their file
would then lose a key without being told, so every keymap is validated here against the
bindings the app really declares, and a mistake is a ``ConfigError`` at start-up.

File format (TOML)::

    extends = "vim"            # optional: start from another keymap (default: "default")
    [bindings]
    "list.filter" = "slash"    # a key, or "k1,k2", or ["k1", "k2"]

A named keymap lives in the repository's ``keymaps/`` directory (a wheel carries it as
``workbench/keymaps``, see setup.py); any other value is a path.
A user file therefore overrides single bindings of the keymap it extends.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding
from textual.keys import ASCII_KEY_NAMES, KEY_NAME_REPLACEMENTS

import workbench
from workbench.errors import ConfigError


def _keymap_dir() -> Path:
    """The copy inside the package (``workbench/keymaps``, put there by the wheel build)
    when installed; else the checkout's ``keymaps/`` beside the package (an editable
    install, where the build copies nothing). The packaged copy goes first: in an
    installed wheel ``package.parent`` is site-packages, where a ``keymaps/`` belongs to
    nobody."""
    package = Path(workbench.__file__).resolve().parent
    for candidate in (package / "keymaps", package.parent / "keymaps"):
        if (candidate / "default.toml").is_file():
            return candidate
    return package.parent / "keymaps"


KEYMAP_DIR = _keymap_dir()
DEFAULT = "default"
_MAX_EXTENDS = 8


@dataclass(frozen=True, slots=True)
class Scope:
    """The bindings live together on one screen: the app's, the screen's and each
    focusable widget's. Two ids on one key clash when they sit on the same node, or when
    a screen binding would hide an app binding; a focused widget taking a key from its
    screen is by design (j scrolls the diff when the diff has focus)."""

    name: str
    app: tuple[Binding, ...]
    screen: tuple[Binding, ...]
    widgets: tuple[tuple[Binding, ...], ...] = ()

    @property
    def bindings(self) -> tuple[Binding, ...]:
        return self.app + self.screen + tuple(b for layer in self.widgets for b in layer)


def named_keymaps() -> list[str]:
    return sorted(p.stem for p in KEYMAP_DIR.glob("*.toml"))


def normalize_keys(keys: str) -> list[str]:
    """"?,ctrl+p" → ["question_mark", "ctrl+p"]: the form Textual compares keys in."""
    out = []
    for key in keys.split(","):
        key = key.strip()
        if not key:
            continue
        out.append(_key_name(key) if len(key) == 1 else key)
    return out


def _key_name(character: str) -> str:
    """The name Textual gives the key that types ``character``: letters and digits as
    they are, others by their Unicode name ("?" → "question_mark", "/" → "slash")."""
    if character.isalnum():
        key = character
    else:
        try:
            key = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
        except ValueError:  # a control character has no name
            key = ASCII_KEY_NAMES.get(character, character)
    return KEY_NAME_REPLACEMENTS.get(key, key)


def _resolve(name_or_path: str) -> Path:
    if "/" not in name_or_path and not name_or_path.endswith(".toml"):
        path = KEYMAP_DIR / f"{name_or_path}.toml"
        if not path.is_file():
            known = ", ".join(named_keymaps()) or "none installed"
            raise ConfigError(f"unknown keymap {name_or_path!r} (named keymaps: {known}; or give a path to a TOML file)")
        return path
    path = Path(name_or_path).expanduser()
    if not path.is_file():
        raise ConfigError(f"keymap file {path} does not exist (--keymap NAME|PATH, or 'keymap' in the config file)")
    return path


def _read(path: Path) -> tuple[str | None, dict[str, str]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"keymap {path}: not valid TOML: {err}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"keymap {path}: cannot read: {err}") from None
    unknown = set(data) - {"extends", "bindings"}
    if unknown:
        raise ConfigError(f"keymap {path}: unknown top-level key(s) {', '.join(sorted(unknown))} "
                          "(expected 'extends' and a [bindings] table)")
    extends = data.get("extends")
    if extends is not None and not isinstance(extends, str):
        raise ConfigError(f"keymap {path}: 'extends' must be the name or path of another keymap")
    table = data.get("bindings", {})
    if not isinstance(table, dict):
        raise ConfigError(f"keymap {path}: 'bindings' must be a table of binding id = keys")
    out: dict[str, str] = {}
    for binding_id, keys in table.items():
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)
        if not isinstance(keys, str) or not normalize_keys(keys):
            raise ConfigError(f"keymap {path}: {binding_id!r} must be a key, \"k1,k2\" or a list of keys")
        out[binding_id] = ",".join(normalize_keys(keys))
    return extends, out


def load_keymap(name_or_path: str | None) -> tuple[dict[str, str], list[Path]]:
    """The merged keymap and the files it came from (base first).

    A file without ``extends`` builds on ``default`` so a user file need only name the
    bindings it changes; ``default`` itself is the root.
    """
    chain: list[Path] = []
    path = _resolve(name_or_path or DEFAULT)
    while True:
        if path in chain:
            raise ConfigError(f"keymap {path}: 'extends' loops back on itself")
        if len(chain) >= _MAX_EXTENDS:
            raise ConfigError(f"keymap {path}: too many levels of 'extends'")
        chain.append(path)
        extends, _ = _read(path)
        default_path = KEYMAP_DIR / f"{DEFAULT}.toml"
        if extends is None and path.resolve() != default_path.resolve():
            extends = DEFAULT
        if extends is None:
            break
        path = _resolve(extends)
    chain.reverse()
    merged: dict[str, str] = {}
    for file in chain:
        merged.update(_read(file)[1])
    return merged, chain


def validate(keymap: Mapping[str, str], scopes: Iterable[Scope], origin: str = "keymap") -> None:
    """Raise ConfigError for ids no binding has, and for two ids on one key in a scope."""
    scopes = list(scopes)
    known = {b.id for scope in scopes for b in scope.bindings if b.id}
    unknown = sorted(set(keymap) - known)
    if unknown:
        raise ConfigError(f"{origin}: unknown binding id(s): {', '.join(unknown)} "
                          f"(known ids: {', '.join(sorted(known))})")
    problems: list[str] = []
    for scope in scopes:
        for layer in (scope.app + scope.screen, *scope.widgets):
            seen: dict[str, str] = {}
            for key, binding_id in effective_keys(keymap, layer):
                other = seen.get(key)
                if other is not None and other != binding_id:
                    problems.append(f"key {key!r} is bound to both {other!r} and {binding_id!r} ({scope.name})")
                seen.setdefault(key, binding_id)
    if problems:
        raise ConfigError(f"{origin}: key clash: " + "; ".join(dict.fromkeys(problems)))


def effective_keys(keymap: Mapping[str, str], bindings: Iterable[Binding]) -> list[tuple[str, str]]:
    """(key, id) for every id'd binding after the keymap is applied."""
    out: list[tuple[str, str]] = []
    for b in bindings:
        if not b.id:
            continue
        keys = keymap.get(b.id, b.key)
        out.extend((key, b.id) for key in normalize_keys(keys))
    return out
