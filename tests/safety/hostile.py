"""Hostile text for terminal-safety tests, shared by every front end's tests (CLI, board, digest).

    from tests.safety.hostile import EVIL, assert_inert, plant

- `EVIL`: one string holding ESC, BEL, a CSI (clear screen), an OSC (set the window title), a C1
  CSI, DEL, a backspace, a carriage return and bidi overrides/isolates: everything that must never
  reach a terminal as it is. `EVIL_PARTS` names each piece.
- `plant(db_url, table, row_id, column=value, ...)`: stores such text straight into the database,
  bypassing pipecli's input checks — what older data or another tool writing to a shared
  PostgreSQL could hold. Views must make it inert anyway.
- `assert_inert(text, where)`: fails if any C0/C1 control character (other than newline and tab)
  or bidi override/isolate is in `text` (what a command printed, what a board rendered).
  Run the front end with colour off (NO_COLOR, or output not a terminal) so that its own styling
  adds no escapes.
"""

from __future__ import annotations

import re
from typing import Any

EVIL_PARTS = {
    "ESC": "\x1b",
    "BEL": "\x07",
    "CSI clear screen": "\x1b[2J",
    "OSC window title": "\x1b]0;pwned\x07",
    "C1 CSI": "\x9b31m",
    "C1 OSC": "\x9d0;x\x9c",
    "DEL": "\x7f",
    "BS": "\x08",
    "CR": "\r",
    "RLO": "\u202e",
    "LRE": "\u202a",
    "RLI": "\u2067",
    "PDI": "\u2069",
}
EVIL = "Evil " + " ".join(EVIL_PARTS.values()) + " end"

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_inert(text: str, where: str = "") -> None:
    """No control character (but newline and tab) and no bidi override in `text`."""
    m = FORBIDDEN.search(text)
    if m is not None:
        around = text[max(0, m.start() - 30) : m.start() + 30]
        raise AssertionError(f"{where}: {m.group()!r} reached the terminal: {around!r}")


def plant(db_url: str, table: str, row_id: int, **values: Any) -> None:
    """Write `values` into row `row_id` of `table` as they are, with no check at all."""
    from sqlalchemy import create_engine, update

    from pipecli.core.models import metadata

    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            tbl = metadata.tables[table]
            conn.execute(update(tbl).where(tbl.c.id == row_id).values(**values))
    finally:
        engine.dispose()
