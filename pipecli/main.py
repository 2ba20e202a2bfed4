"""Entry point of the `pipe` console script and `python -m pipecli`.

`pipe --version` is answered before anything else is imported; every other run goes to the
Typer app. An unexpected failure becomes one line on stderr (PIPE_DEBUG=1 shows the traceback).

Start-up is most of the time a short command takes, so the entry point does two things a
long-running program would not:
- the cyclic garbage collector is paused while modules load: importing SQLAlchemy, SQLModel and
  the models allocates hundreds of thousands of objects that live as long as the process, and
  scanning them over and over is wasted work. `cli.run` freezes them and turns the
  collector back on as soon as the command is resolved, before it does any real work;
- the process leaves with `os._exit` once the command is done, its store disposed (committed,
  connections closed) and its output flushed: tearing down a few thousand modules one by one
  would only delay the shell prompt. Nothing pipecli needs runs at interpreter exit.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any, NoReturn


def main(argv: list[str] | None = None) -> NoReturn:
    """The console script: run one command, then leave at once with its exit status.

    A closed stdout (`pipe list deals --csv | head`) stops the command at its next write and
    ends it with status 141, what a shell reports for other Unix tools killed by SIGPIPE, for
    every output format. (SIGPIPE itself stays ignored, as Python sets it: restoring its
    default would also kill pipe when a database or mail connection drops mid-write.)"""
    # started with stdout closed (`>&-`): the command still runs, its output goes nowhere
    sys.stdout = _Output(sys.stdout or open(os.devnull, "w"))  # noqa: SIM115
    sys.stderr = sys.stderr or open(os.devnull, "w")  # noqa: SIM115  (`2>&-`: the same)
    gc.disable()
    _leave(execute(sys.argv[1:] if argv is None else argv))


def execute(args: list[str]) -> object:
    """Run one command line and return its exit status (what `sys.exit` would take)."""
    if args in (["--version"], ["-V"]):
        from pipecli import __version__

        print(f"pipe {__version__}")
        return 0
    from pipecli.cli import run

    try:
        run(args)
    except SystemExit as exc:
        return exc.code
    except Exception as exc:  # the last guard: no traceback reaches a user
        if os.environ.get("PIPE_DEBUG"):
            raise
        first = (str(exc).strip().splitlines() or [""])[0]
        sys.stderr.write(f"pipe: internal error: {type(exc).__name__}: {first}\n")
        sys.stderr.write("pipe: run again with PIPE_DEBUG=1 for details\n")
        return 1
    return 0


def _leave(code: object) -> NoReturn:
    """Flush what was written and end the process with `code`, as `sys.exit(code)` would."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("text"): the text goes to stderr, status 1
        sys.stderr.write(f"{code}\n")
        status = 1
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with that stream closed (`2>&-`)
            continue
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away
            _Output.broken = True
        except (OSError, ValueError):  # the disk is full, the stream was closed...
            status = status or 120  # what Python itself exits with when its last flush fails
    if _Output.broken:
        status = 141
    os._exit(status)


class _Output:
    """stdout, noting when its reader has gone away (the error still stops the command)."""

    broken = False

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            _Output.broken = True
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            _Output.broken = True
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
