"""The digest as text, Markdown, HTML or JSON.

Text is what cron mails and what a chat gets: one line per item, never wrapped or cut (a cron
mail is read at any width). Stored text reaches the terminal, the chat and the mail only through
`printable` (and HTML escaping for HTML); JSON keeps the exact values.
"""

from __future__ import annotations

import html
import json
import re

from pipecli.core.text import printable
from pipecli.digest.sections import Digest, Group, Line, Section, as_data, weekday

FORMATS = ("text", "md", "html", "json")
BOLD, RESET = "\x1b[1m", "\x1b[0m"


def heading(d: Digest) -> str:
    return f"Digest for {printable(d.scope)} · {d.day:%A} {d.day.isoformat()} · {d.zone}"


def subject(d: Digest) -> str:
    """The e-mail subject / chat title: whose, which day, how many items."""
    return f"Digest for {printable(d.scope)}, {weekday(d.day)}: {d.count} to look at"


def _group_title(g: Group) -> str:
    counts = ", ".join(f"{s.title.lower()} {len(s.lines)}" for s in g.sections)
    return f"{printable(g.owner or '')}: {g.count} ({counts})"


def text(d: Digest, bold: bool = False) -> str:
    """Plain text; `bold` (a terminal that takes colour) makes the headings bold."""
    b, r = (BOLD, RESET) if bold else ("", "")
    out = [f"{b}{heading(d)}{r}"]
    for g in d.groups:
        if g.owner is not None:
            out += ["", f"{b}== {_group_title(g)}{r}"]
        for s in g.sections:
            out += ["", f"{b}{s.title} ({len(s.lines)}){r}"]
            out += [f"  {_text_line(ln)}" for ln in s.lines]
            out += [f"  {s.footer}"] if s.footer else []
    return "\n".join(out) + "\n"


def _text_line(ln: Line) -> str:
    return f"{ln.label}  {printable(ln.item.title)} — {printable(ln.detail)} · {ln.command}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def _md(value: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", printable(value))


def markdown(d: Digest) -> str:
    out = [f"# {_md(heading(d))}"]
    for g in d.groups:
        if g.owner is not None:
            out += ["", f"## {_md(_group_title(g))}"]
        level = "###" if g.owner is not None else "##"
        for s in g.sections:
            out += ["", f"{level} {s.title} ({len(s.lines)})", ""]
            out += [
                f"- **{ln.label}** {_md(ln.item.title)} — {_md(ln.detail)} · `{ln.command}`"
                for ln in s.lines
            ]
            out += ["", f"*{_md(s.footer)}*"] if s.footer else []
    return "\n".join(out) + "\n"


def _h(value: str) -> str:
    return html.escape(printable(value))


def _html_section(s: Section, level: int) -> list[str]:
    out = [f"<h{level}>{_h(s.title)} ({len(s.lines)})</h{level}>", "<ul>"]
    out += [
        f"<li><b>{_h(ln.label)}</b> {_h(ln.item.title)} — {_h(ln.detail)} · "
        f"<code>{_h(ln.command)}</code></li>"
        for ln in s.lines
    ]
    out.append("</ul>")
    return out + ([f"<p><i>{_h(s.footer)}</i></p>"] if s.footer else [])


def html_page(d: Digest) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{_h(subject(d))}</title></head>",
        '<body style="font-family: sans-serif">',
        f"<h1>{_h(heading(d))}</h1>",
    ]
    for g in d.groups:
        if g.owner is not None:
            out.append(f"<h2>{_h(_group_title(g))}</h2>")
        for s in g.sections:
            out += _html_section(s, 3 if g.owner is not None else 2)
    return "\n".join([*out, "</body></html>"]) + "\n"


def as_json(d: Digest) -> str:
    return json.dumps(as_data(d), ensure_ascii=False, indent=2) + "\n"


def render(d: Digest, fmt: str, bold: bool = False) -> str:
    if fmt == "json":
        return as_json(d)
    if fmt == "md":
        return markdown(d)
    if fmt == "html":
        return html_page(d)
    return text(d, bold)
