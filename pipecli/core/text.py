"""Text that crosses a boundary: what is accepted into the store, and what may reach a terminal.

Two rules, one module, so every front end (CLI tables, the board, the digest) and every input
path (options, imports, forms) applies the same ones:

- `check_text(field, value, ...)` refuses NUL and other C0/C1 control characters (tab and line
  breaks only where a field is multi-line, like notes) and text longer than the field's limit,
  with a message naming the field and the character. SQLite and PostgreSQL then store the same.
- `printable(text)` makes whatever is already stored (older data, rows written by other tools)
  inert for a terminal: control characters become visible escapes (ESC shows as `␛`, other C0
  as their Control Pictures, C1 and DEL as `\\x9b`-style escapes) and bidirectional overrides as
  `<U+202E>`, so stored text can neither run terminal commands nor reorder what is shown.
  JSON and CSV keep the exact stored value; only terminal views use this.
"""

from __future__ import annotations

import re

from pipecli.core.errors import Invalid

NAME_MAX = 500
TAG_MAX = 64
NOTE_MAX = 100_000
EMAIL_MAX = 254

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)])
_UNSAFE = re.compile(f"[{re.escape(_CONTROL + BIDI)}]")
_UNSAFE_KEEP_LINES = re.compile(
    f"[{re.escape(_CONTROL.replace(chr(9), '').replace(chr(10), '') + BIDI)}]"
)
# what input may not hold: control characters (bidi marks are legitimate in right-to-left
# text; they are neutralised on output instead)
_REFUSED = re.compile(f"[{re.escape(_CONTROL)}]")
_REFUSED_KEEP_LINES = re.compile(
    f"[{re.escape(_CONTROL.replace(chr(9), '').replace(chr(10), ''))}]"
)

# Fields holding several lines (tab and newline allowed), and limits other than NAME_MAX.
MULTILINE = frozenset({"notes", "note", "body", "lost_note", "description", "reason_note"})
LIMITS: dict[str, int] = {
    "tag": TAG_MAX,
    "tags": TAG_MAX,
    "email": EMAIL_MAX,
    "id": 100,
    "external_id": 100,
    "currency": 3,
}


def _shown(char: str) -> str:
    code = ord(char)
    if code == 0x1B:
        return "␛"
    if code < 0x20:
        return chr(0x2400 + code)  # Control Pictures: ␀ ␁ ... ␟
    if 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    return f"<U+{code:04X}>"


def printable(text: str, keep_lines: bool = False) -> str:
    """`text` with every control and bidi-override character replaced by a visible escape;
    tab and newline survive when `keep_lines` (multi-line views)."""
    if text.isprintable():  # no control (Cc) or bidi (Cf) character: nothing to replace
        return text
    pattern = _UNSAFE_KEEP_LINES if keep_lines else _UNSAFE
    return pattern.sub(lambda m: _shown(m.group()), text)


def describe(char: str) -> str:
    """How an offending character is named in an error: U+001B (ESC)..."""
    names = {0: "NUL", 7: "BEL", 8: "BS", 9: "TAB", 10: "LF", 13: "CR", 0x1B: "ESC", 0x7F: "DEL"}
    code = ord(char)
    name = names.get(code) or ("C1 control" if 0x80 <= code <= 0x9F else "")
    if not name:
        name = "bidi override" if char in BIDI else "control character"
    return f"U+{code:04X} ({name})"


def check_text(field: str, value: str, max_len: int = NAME_MAX, multiline: bool = False) -> str:
    """`value` unchanged if it may be stored in `field`; Invalid naming the field otherwise."""
    pattern = _REFUSED_KEEP_LINES if multiline else _REFUSED
    found = pattern.search(value.replace("\r\n", "\n") if multiline else value)
    if found is not None:
        where = f" at position {found.start() + 1}" if len(value) > 1 else ""
        raise Invalid(
            field, None, f"must not contain the character {describe(found.group())}{where}"
        )
    if len(value) > max_len:
        raise Invalid(field, None, f"is {len(value):,} characters long; at most {max_len:,}")
    return value


def check_field(field: str, value: str) -> str:
    """`check_text` with the field's own rules: notes (and other MULTILINE fields) may hold
    tab and newline and NOTE_MAX characters; tags TAG_MAX, e-mail EMAIL_MAX, the rest
    (names, titles, companies, sources...) NAME_MAX, all without control characters."""
    if field in MULTILINE:
        return check_text(field, value, NOTE_MAX, multiline=True)
    return check_text(field, value, LIMITS.get(field, NAME_MAX))


def check_optional(field: str, value: str | None) -> str | None:
    """`check_field` for a value that may be None (not given)."""
    return None if value is None else check_field(field, value)


def check_values(values: dict[str, object]) -> None:
    """Every text value of a row about to be stored (column -> value), by `check_field`: the
    guard for writers that take whole rows (bulk inserts, `import all`)."""
    for name, value in values.items():
        if isinstance(value, str):
            check_field(name, value)
