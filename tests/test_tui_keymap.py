"""Keymap files: loading, extending, and the start-up errors for unknown ids and clashes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from workbench.errors import ConfigError
from workbench.tui import keymap as K
from workbench.tui.app import binding_scopes


def _ids() -> set[str]:
    return {b.id for scope in binding_scopes() for b in scope.bindings if b.id}


@pytest.mark.parametrize("name", ["default", "vim", "emacs"])
def test_shipped_keymaps_load_and_validate(name: str) -> None:
    keymap, files = K.load_keymap(name)
    K.validate(keymap, binding_scopes())
    assert files[0].name == "default.toml" and files[-1].name == f"{name}.toml"


def test_default_keymap_names_every_binding_and_matches_the_code() -> None:
    """default.toml is the reference a user copies from: it must list every id, with
    the keys the code declares (else the file documents keys that do not exist)."""
    data = tomllib.loads((K.KEYMAP_DIR / "default.toml").read_text())["bindings"]
    assert set(data) == _ids()
    declared: dict[str, set[str]] = {}
    for scope in binding_scopes():
        for b in scope.bindings:
            declared.setdefault(b.id, set()).update(K.normalize_keys(b.key))
    for binding_id, keys in data.items():
        assert set(K.normalize_keys(keys)) == declared[binding_id], binding_id


def test_vim_keymap_maps_jk_and_gG() -> None:
    keymap, _ = K.load_keymap("vim")
    assert K.normalize_keys(keymap["list.down"])[0] == "j"
    assert "G" in K.normalize_keys(keymap["scroll.bottom"])
    assert keymap["list.filter"] == "slash"  # inherited from default


def test_emacs_keymap_moves_the_palette_off_ctrl_p() -> None:
    keymap, _ = K.load_keymap("emacs")
    assert "ctrl+p" in K.normalize_keys(keymap["list.up"])
    assert "ctrl+p" not in K.normalize_keys(keymap["app.commands"])


def test_user_file_overrides_single_bindings_of_what_it_extends(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('extends = "vim"\n[bindings]\n"list.filter" = "f"\n')
    keymap, files = K.load_keymap(str(user))
    assert [f.name for f in files] == ["default.toml", "vim.toml", "mine.toml"]
    assert keymap["list.filter"] == "f"
    assert keymap["list.down"].startswith("j")  # vim's binding kept
    K.validate(keymap, binding_scopes())


def test_user_file_without_extends_builds_on_default(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('[bindings]\n"app.quit" = ["ctrl+x", "Q"]\n')
    keymap, files = K.load_keymap(str(user))
    assert [f.name for f in files] == ["default.toml", "mine.toml"]
    assert keymap["app.quit"] == "ctrl+x,Q"


def test_unknown_binding_id_is_a_clear_error(tmp_path: Path) -> None:
    user = tmp_path / "typo.toml"
    user.write_text('[bindings]\n"list.filtr" = "f"\n')
    keymap, _ = K.load_keymap(str(user))
    with pytest.raises(ConfigError, match=r"unknown binding id\(s\): list\.filtr"):
        K.validate(keymap, binding_scopes(), origin=str(user))


def test_clash_on_one_screen_is_a_clear_error(tmp_path: Path) -> None:
    user = tmp_path / "clash.toml"
    user.write_text('[bindings]\n"list.sort" = "a"\n')  # "a" is list.all
    keymap, _ = K.load_keymap(str(user))
    with pytest.raises(ConfigError, match=r"key 'a' is bound to both .*list\.(all|sort).*series list"):
        K.validate(keymap, binding_scopes())


def test_screen_key_hiding_an_app_key_is_a_clash(tmp_path: Path) -> None:
    user = tmp_path / "clash.toml"
    user.write_text('[bindings]\n"series.thread" = "q"\n')
    keymap, _ = K.load_keymap(str(user))
    with pytest.raises(ConfigError, match=r"'q'.*app\.quit.*series\.thread|'q'.*series\.thread.*app\.quit"):
        K.validate(keymap, binding_scopes())


def test_same_key_on_different_screens_is_fine(tmp_path: Path) -> None:
    keymap, _ = K.load_keymap("default")
    assert keymap["hunks.next-hunk"] == keymap["thread.next"] == "n"
    K.validate(keymap, binding_scopes())


@pytest.mark.parametrize("text, message", [
    ("[bindings\n", "not valid TOML"),
    ('colour = "red"\n', "unknown top-level key"),
    ('[bindings]\n"app.quit" = 3\n', "must be a key"),
    ('extends = "nonesuch"\n', "unknown keymap 'nonesuch'"),
])
def test_bad_keymap_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        K.load_keymap(str(path))


def test_missing_keymap_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--keymap"):
        K.load_keymap(str(tmp_path / "absent.toml"))
    with pytest.raises(ConfigError, match="named keymaps: default, emacs, vim"):
        K.load_keymap("nano")


def test_extends_loop_is_reported(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(f'extends = "{b}"\n')
    b.write_text(f'extends = "{a}"\n')
    with pytest.raises(ConfigError, match="loops"):
        K.load_keymap(str(a))


def test_single_characters_get_the_names_textual_gives_their_keys() -> None:
    """Own code for Textual's private ``_character_to_key``: a key typed as one character
    in a keymap file is compared under the name Textual's key events carry."""
    import string

    from textual.keys import KEY_NAME_REPLACEMENTS, key_to_character

    assert K.normalize_keys("?,/,+,-,_,@,\\,a,G,1,ctrl+p") == [
        "question_mark", "slash", "plus", "minus", "underscore", "at", "backslash", "a", "G", "1", "ctrl+p"]
    replaced = set(KEY_NAME_REPLACEMENTS.values())
    for ch in string.ascii_letters + string.digits + string.punctuation:
        if ch == ",":  # the separator between keys
            continue
        (name,) = K.normalize_keys(ch)
        if name not in replaced:  # Textual maps the others back through its own table
            assert key_to_character(name) == ch, (ch, name)
