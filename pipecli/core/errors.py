"""The PipeError family: every failure a user can cause, each with its documented exit code.

Services raise these; front ends turn them into one line on stderr and the exit code.
The codes are part of the CLI contract and listed in the README.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INVALID = 2
EXIT_NOT_FOUND = 3
EXIT_CONFLICT = 4
EXIT_ATTENTION = 5
EXIT_DB_UNAVAILABLE = 10


class PipeError(Exception):
    """Base of all errors meant for the user; `str(err)` is the one-line message."""

    exit_code = EXIT_ERROR


class Invalid(PipeError):
    """Bad input: names the field and the value that was refused."""

    exit_code = EXIT_INVALID

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        shown = f" {_short(value)}" if value is not None and value != "" else ""
        super().__init__(f"{field}:{shown} {reason}")


SHOWN_MAX = 120  # characters of a refused value repeated in a message


def _short(value: object) -> str:
    """`value` as a message shows it: its repr, cut to SHOWN_MAX with its length noted."""
    if isinstance(value, str) and len(value) > SHOWN_MAX:
        return f"{value[: SHOWN_MAX - 20]!r}… ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= SHOWN_MAX + 20 else text[:SHOWN_MAX] + "…"


class NotFound(PipeError):
    """A record named by id or name does not exist (or is archived where that matters)."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, kind: str, ref: object, hint: str = "") -> None:
        self.kind = kind
        self.ref = ref
        super().__init__(f"{kind} {_short(ref)} not found" + (f"; {hint}" if hint else ""))


class Conflict(PipeError):
    """The request contradicts what is stored (duplicate, already converted, ambiguous name)."""

    exit_code = EXIT_CONFLICT


class DatabaseUnavailable(PipeError):
    """The database cannot be opened or reached."""

    exit_code = EXIT_DB_UNAVAILABLE
