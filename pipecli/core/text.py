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
    pattern = _UNSAFE_KEEP_LINES if multiline else _UNSAFE
    found = pattern.search(value.replace("\r\n", "\n") if multiline else value)
    if found is not None and found.group() not in BIDI:
        raise Invalid(field, None, f"must not contain the character {describe(found.group())}")
    if len(value) > max_len:
        raise Invalid(field, None, f"is {len(value):,} characters long; at most {max_len:,}")
    return value
