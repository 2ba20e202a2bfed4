"""Entry point of the `pipe` console script and `python -m pipecli`.

`pipe --version` is answered before anything else is imported; every other run goes to the
Typer app. An unexpected failure becomes one line on stderr (PIPE_DEBUG=1 shows the traceback).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from pipecli import __version__

        print(f"pipe {__version__}")
        return
    from pipecli.cli import run

    try:
        run(args)
    except Exception as exc:  # the last guard: no traceback reaches a user
        if os.environ.get("PIPE_DEBUG"):
            raise
        first = (str(exc).strip().splitlines() or [""])[0]
        sys.stderr.write(f"pipe: internal error: {type(exc).__name__}: {first}\n")
        sys.stderr.write("pipe: run again with PIPE_DEBUG=1 for details\n")
        sys.exit(1)
