"""The CLI's entry points into the TUI: headless screenshots and start-up errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.config import Settings
from workbench.errors import ConfigError
from workbench.pipeline import build_workbench
from workbench.tui.launch import run_app, run_screenshot


def svg_text(path: Path) -> str:
    """The visible text of a Textual SVG (each cell run is a <text> element)."""
    raw = path.read_text(encoding="utf-8")
    return re.sub(r"<[^>]+>", "", raw).replace("&#160;", " ").replace("&amp;", "&")


def test_screenshot_of_the_series_list_after_loading(demo_settings: Settings, tmp_path: Path) -> None:
    wb = build_workbench(demo_settings)
    out = tmp_path / "list.svg"
    assert run_screenshot(demo_settings, path=out, size=(160, 48)) == 0
    text = svg_text(out)
    assert out.read_text().startswith("<svg")
    for judged in wb.visible()[:5]:
        assert judged.series.title[:40] in text
    assert "loading mail" not in text


def test_screenshot_after_pressing_keys(demo_settings: Settings, tmp_path: Path) -> None:
    first = build_workbench(demo_settings).visible()[0]
    out = tmp_path / "series.svg"
    assert run_screenshot(demo_settings, path=out, size=(140, 40), press=["enter"]) == 0
    text = svg_text(out)
    assert "acceptance" in text and "parent-approval" in text and first.series.title[:40] in text


def test_screenshot_with_keymap_and_help(demo_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "help.svg"
    assert run_screenshot(demo_settings, path=out, press=["question_mark"], keymap="vim") == 0
    text = svg_text(out)
    assert "list.down" in text and "keys — series list" in text


def test_screenshot_errors_are_clear(demo_settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        run_screenshot(demo_settings, path=tmp_path / "no" / "dir" / "x.svg")
    with pytest.raises(ConfigError, match="unknown keymap 'nano'"):
        run_screenshot(demo_settings, path=tmp_path / "x.svg", keymap="nano")
    with pytest.raises(ConfigError, match="unknown keymap"):
        run_app(demo_settings, keymap="nano")  # raised before any screen is drawn


def test_screenshot_of_a_broken_setup_shows_the_error_and_exits_2(tmp_path: Path, capsys) -> None:
    settings = Settings(db_path=tmp_path, maintainers=tmp_path / "MAINTAINERS", cache_dir=tmp_path / "c")
    out = tmp_path / "err.svg"
    assert run_screenshot(settings, path=out) == 2
    assert "MAINTAINERS" in svg_text(out)
    assert "MAINTAINERS" in capsys.readouterr().err


def test_cli_screenshot_end_to_end(demo_store, tmp_path: Path, capsys) -> None:
    out = tmp_path / "cli.svg"
    code = main(["--db", str(demo_store.root), "--maintainers", str(demo_store.maintainers),
                 "--mailmap", str(demo_store.mailmap), "--cache-dir", str(tmp_path / "cache"),
                 "--screenshot", str(out), "--size", "120x30", "--press", "a"])
    assert code == 0, capsys.readouterr().err
    assert "all series" in svg_text(out)


def test_cli_bad_keymap_exits_2_with_a_message(demo_store, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[bindings]\n"list.nope" = "x"\n')
    code = main(["--db", str(demo_store.root), "--maintainers", str(demo_store.maintainers),
                 "--cache-dir", str(tmp_path / "cache"), "--screenshot", str(tmp_path / "x.svg"),
                 "--keymap", str(bad)])
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown binding id(s): list.nope" in err and "Traceback" not in err


def test_screenshots_named_by_make_and_the_readme_exist() -> None:
    """screenshots/make.sh writes one SVG per shot; the README must only point at SVGs
    that are there (and are real Textual SVGs, not placeholders)."""
    import importlib.util

    repo = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("make_shots", repo / "screenshots" / "make.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    names = {name for name, _pick, _keys in make.SHOTS}
    assert {"series-list", "series-view", "hunk-view", "thread-view", "versions", "help", "draft"} <= names
    for name in names:
        assert (repo / "screenshots" / f"{name}.svg").read_text(encoding="utf-8").startswith("<svg"), name
    readme = (repo / "README.md").read_text(encoding="utf-8")
    for ref in re.findall(r"screenshots/([\w.-]+\.svg)", readme):
        assert (repo / "screenshots" / ref).is_file(), f"README shows screenshots/{ref}, which is missing"
