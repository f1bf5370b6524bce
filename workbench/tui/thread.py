"""The lines of the thread view: a series' messages in thread order (see
``workbench.views.thread``), with the trailers each one gave, above its text.

The maintainer reads a thread to see *who said what where*: which reply carried the
Acked-by, and whether that trailer names someone other than the sender (a trailer pasted
on someone's behalf, or one b4 would have misattributed). So every message lists the
trailers that came from it, suspect ones flagged, above its text.
"""

from __future__ import annotations

from rich.text import Text

from workbench.patchmail.diff import split_patch
from workbench.text import one_line, sanitize
from workbench.tui.body import read_body
from workbench.views.thread import ThreadMessage

_TRAILER_STYLE = {"Acked-by": "bold green", "Reviewed-by": "bold green", "Tested-by": "green",
                  "Signed-off-by": "cyan", "Nacked-by": "bold red"}
_MAX_BODY_LINES = 400


def _body_lines(node: ThreadMessage, indent: str) -> list[Text]:
    body = read_body(node.path)
    if node.kind == "patch":
        body, diff = split_patch(body)
        if diff:
            body = body.rstrip("\n") + f"\n[diff: {diff.count(chr(10))} lines — see the hunk view]"
    lines = sanitize(body).rstrip("\n").split("\n")
    out: list[Text] = []
    for raw in lines[:_MAX_BODY_LINES]:
        style = "dim" if raw.lstrip().startswith(">") else ""
        out.append(Text(indent + "  " + raw, style=style))
    if len(lines) > _MAX_BODY_LINES:
        out.append(Text(indent + f"  … {len(lines) - _MAX_BODY_LINES} more lines", style="dim italic"))
    return out


def thread_lines(messages: list[ThreadMessage], *, bodies: bool = True) -> tuple[list[Text], list[int]]:
    """The lines of the thread view and the index of each message's first line."""
    lines: list[Text] = []
    starts: list[int] = []
    for node in messages:
        indent = "  " * min(node.depth, 12)
        starts.append(len(lines))
        head = Text(indent)
        head.append({"cover": "◆ ", "patch": "● ", "reply": "↳ "}[node.kind], style="bold")
        head.append(one_line(node.subject), style="bold")
        lines.append(head)
        who = Text(indent + "  ")
        who.append(one_line(node.author.display()), style="cyan")
        who.append("  " + (node.date.strftime("%Y-%m-%d %H:%M") if node.date else "undated"), style="dim")
        who.append(f"  <{one_line(node.msgid, 70)}>", style="dim")
        lines.append(who)
        for t in node.trailers:
            line = Text(indent + "  ")
            line.append(f"{t.name}: ", style=_TRAILER_STYLE.get(t.name, "bold"))
            line.append(one_line(t.person.display()))
            if t.suspect:
                line.append(f"  ⚠ suspect: sent by {one_line(t.sender.display())}", style="bold yellow")
            lines.append(line)
        if bodies:
            lines.extend(_body_lines(node, indent))
        lines.append(Text(""))
    return lines, starts
