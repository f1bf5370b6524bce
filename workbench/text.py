"""Making hostile mail text inert for a terminal.

Subjects, names and bodies come from strangers. Before any of it reaches a terminal (the
TUI or the text report) terminal control sequences (CSI, OSC such as OSC 52 clipboard
writes or title changes, DCS…), C0/C1 control characters, bidi overrides and zero-width
characters are removed. Rich/Textual markup is *not* escaped here: the TUI renders mail
text through ``rich.text.Text`` objects, which never interpret markup.
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC (ESC ] ... BEL or ST),
# and two-character escapes. C1 equivalents (0x9b CSI, 0x9d OSC ...) are covered too.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]               # CSI
  | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])         # OSC, DCS, SOS, PM, APC ...
        .*?(?:\x07|\x1b\\|\x9c|$)                   # ... up to BEL or ST (or end)
  | \x1b[@-Z\\-_]                                   # other two-character escapes
  | \x1b                                            # a lone ESC
    """,
    re.VERBOSE | re.DOTALL,
)

# C0 controls except TAB and LF, DEL, C1 controls; bidi embeddings/overrides/isolates;
# zero-width and invisible formatting characters; the BOM.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]"
)


def sanitize(text: str, *, keep_newlines: bool = True) -> str:
    """Return ``text`` with escape sequences and invisible/control characters removed.

    Tabs become spaces so a terminal cell count matches the string; with
    ``keep_newlines=False`` line breaks become spaces (for one-line fields).
    """
    if not text or (text.isascii() and text.isprintable()):
        # printable ASCII holds no ESC, no C0/C1 control, no tab or line break and none
        # of the invisible characters above: nothing to remove (most names and subjects)
        return text
    text = _ESCAPES.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    if not keep_newlines:
        text = text.replace("\n", " ")
    return _INVISIBLE.sub("", text)


def one_line(text: str, width: int | None = None) -> str:
    """A sanitized single line, optionally cut to ``width`` with an ellipsis."""
    line = " ".join(sanitize(text, keep_newlines=False).split())
    if width is not None and len(line) > width:
        return line[: max(0, width - 1)] + "…"
    return line


def echo(value: object) -> str:
    """A value from the command line, a config file or the environment (a query, a date,
    a path, a series id), or an error message quoting one, made safe to print: the same
    cleaning as mail text, because ``--query $'\\e]52;c;…\\a'`` or a path named with an
    escape sequence is as hostile as any subject. Line breaks stay (messages may have
    several lines); undecodable bytes that Python kept as surrogates (a non-UTF-8 path)
    become ``?``, which any stream can encode."""
    text = sanitize(str(value))
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text
