"""The command line: clear one-line errors with exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import main

PY = sys.executable


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PY, "-m", "workbench", *args], capture_output=True, text=True, timeout=120, env=env)


def test_unknown_option_is_a_usage_error() -> None:
    proc = run_cli("--report", "--frobnicate")
    assert proc.returncode == 2
    assert "unrecognized arguments: --frobnicate" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_database_names_the_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    maintainers = tmp_path / "MAINTAINERS"
    maintainers.write_text("VFIO DRIVER\nM:\tA B <a@b.org>\nF:\tdrivers/vfio/\n")
    missing = tmp_path / "no-such-db"
    code = main(["--report", "--db", str(missing), "--maintainers", str(maintainers)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(missing) in err
    assert "Traceback" not in err


def test_missing_maintainers_names_the_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--report", "--db", str(tmp_path), "--maintainers", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert code == 2
    assert "--maintainers" in err


def test_no_maintainers_at_all_says_which_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--report", "--db", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "--maintainers PATH" in err and "--linux-tree PATH" in err


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--draft", "review"], "--draft needs --series"),
        (["--series", "x@y"], "go with --draft"),
        (["--draft", "review", "--series", "a@b", "--section", "X"], "--section goes with --draft parent-ack"),
        (["--draft", "thanks", "--series", "a@b", "--trailer", "Acked-by"], "go with --draft reply"),
        (["--draft", "review", "--series", "a@b", "--reply-to", "3"], "go with --draft reply"),
        (["--report", "--screenshot", "x.svg"], "choose one of"),
        (["--fail-on-missing"], "--fail-on-missing goes with --report"),
        (["--me", "nobody"], "--me"),
    ],
)
def test_bad_combinations(args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert needle in capsys.readouterr().err


def test_bad_config_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("maintainer = '/typo'\n")
    assert main(["--config", str(config), "--report"]) == 2
    err = capsys.readouterr().err
    assert "unknown setting 'maintainer'" in err
