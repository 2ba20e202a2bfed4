"""`pipe board`: the full-screen pipeline board (pipecli/tui). Textual is imported only here,
inside the command, so no other command pays for loading it."""

from __future__ import annotations

from typing import Annotated

import typer

from pipecli.commands import options as o
from pipecli.commands._run import fail, now, settings


@o.with_examples("pipe board", "pipe board --pipeline Renewals --owner me")
def board(
    pipeline: Annotated[
        str | None,
        typer.Option(metavar="PIPELINE", help="Pipeline to show (default: the default one)."),
    ] = None,
    owner: Annotated[
        str | None, typer.Option(metavar="OWNER", help="Only deals of this owner (me or a name).")
    ] = None,
) -> None:
    """Open the interactive pipeline board (keys: ? for help, q to quit)."""
    from pipecli.core.errors import PipeError
    from pipecli.core.services import pipelines
    from pipecli.core.workspace import Workspace

    try:
        with Workspace.open(settings(), now()) as ws:
            with ws.unit(now()) as ctx:  # a wrong --pipeline is an error before the screen opens
                pipelines.get_pipeline(ctx, pipeline)
            from pipecli.tui.app import PipeApp

            PipeApp(ws, pipeline=pipeline, owner=owner).run()
    except PipeError as exc:
        raise fail(str(exc), exc.exit_code) from None
