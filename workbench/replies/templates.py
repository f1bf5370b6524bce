"""Draft bodies from ``string.Template`` files.

The shipped templates live in ``workbench/replies/templates/<kind>.txt``; a file of the
same name in ``settings.templates_dir`` replaces one. ``string.Template`` only
substitutes ``${name}``: a template cannot read files, call code or reach attributes,
so a user's template is as safe as the text it contains. Every variable is known in
advance (``VARIABLES``, documented in docs/templates.md); a template naming any other
is refused with the file and the name, rather than sending a mail with a hole in it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from string import Template

from workbench.errors import TemplateError

VARIABLES: dict[str, str] = {
    "author_name": "the series author's name",
    "author_first": "the author's first name, for a greeting",
    "author_email": "the series author's address",
    "series_title": "the series title without [PATCH ...] prefixes",
    "series_subject": "the subject of the message replied to, without Re:",
    "series_id": "the series id (message-id of its cover letter or first patch)",
    "series_link": "https://lore.kernel.org/r/<series id>",
    "version": "the version, e.g. v3 (RFC v2 for an RFC)",
    "patch_count": "how many patches the series has, e.g. 5 patches",
    "patches": "the patches in question, one per line: [n/N] title",
    "patch_numbers": "the patches in question, short: 2/5, 3/5",
    "files": "the files in question, one per line",
    "hunks": "per patch of the section, its files with +/- counts and hunk headers (parent-ack)",
    "section": "the MAINTAINERS section asked (parent-ack, review)",
    "missing_people": "the names of the people asked",
    "questions": "the unanswered documentation questions, one per line (docs)",
    "answered": "the documentation questions already answered, one per line (docs)",
    "missing_patches": "the patch numbers that never arrived, e.g. 3/4 (incomplete)",
    "present_patches": "the patch numbers that did arrive (incomplete)",
    "attribution": "On <date>, <sender> wrote:",
    "quote": "the message replied to, quoted with '> ' (reply)",
    "quote_short": "its first lines, quoted, then '> [...]' (thanks)",
    "trailer": "my trailer line, e.g. Reviewed-by: Me <me@example.org> (reply), or empty",
    "my_name": "my name (notmuch user.name or --me)",
    "my_first": "my first name, for signing off",
    "my_email": "my address",
    "today": "today's date, YYYY-MM-DD",
    "branch": "where I apply series (setting 'branch', e.g. 'vfio next branch for v6.19'), or empty",
    "applied_to": "' to <branch>' when 'branch' is set, else empty (thanks: 'Applied${applied_to}, thanks!')",
}


def _package_text(kind: str) -> tuple[str, str]:
    ref = resources.files("workbench.replies").joinpath("templates", f"{kind}.txt")
    try:
        return ref.read_text(encoding="utf-8"), f"(built-in) templates/{kind}.txt"
    except (FileNotFoundError, OSError) as err:
        raise TemplateError(f"no built-in template for draft kind {kind!r}: {err}") from None


def load_template(kind: str, templates_dir: Path | None = None) -> tuple[str, str]:
    """(text, where it came from). ``kind`` is one of the fixed kind names, never user
    input, so the file name cannot leave the template directory."""
    if "/" in kind or "\\" in kind or kind.startswith("."):
        raise TemplateError(f"not a draft kind: {kind!r}")
    if templates_dir is not None:
        path = Path(templates_dir).expanduser() / f"{kind}.txt"
        if path.exists():
            try:
                return path.read_text(encoding="utf-8"), str(path)
            except (OSError, UnicodeDecodeError) as err:
                raise TemplateError(f"cannot read template {path}: {err}") from None
    return _package_text(kind)


def check_template(text: str, origin: str) -> Template:
    template = Template(text)
    if not template.is_valid():
        line = _bad_placeholder_line(template)
        raise TemplateError(
            f"template {origin}: line {line}: a '$' that is not ${{name}} (write $$ for a dollar sign)")
    unknown = [name for name in template.get_identifiers() if name not in VARIABLES]
    if unknown:
        raise TemplateError(
            f"template {origin}: unknown variable ${{{unknown[0]}}}"
            + (f" (and {', '.join(unknown[1:])})" if len(unknown) > 1 else "")
            + f"; known variables: {', '.join(sorted(VARIABLES))}")
    return template


def _bad_placeholder_line(template: Template) -> int:
    for match in template.pattern.finditer(template.template):
        if match.group("invalid") is not None:
            return template.template.count("\n", 0, match.start()) + 1
    return 0


def render(kind: str, values: dict[str, str], templates_dir: Path | None = None) -> str:
    text, origin = load_template(kind, templates_dir)
    template = check_template(text, origin)
    full = {name: values.get(name, "") for name in VARIABLES}
    return template.substitute(full)
