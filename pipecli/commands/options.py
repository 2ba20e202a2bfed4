"""Option types shared by commands, so a flag means the same thing everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

Json = Annotated[bool, typer.Option("--json", help="Print JSON (fields: `pipe schema KIND`).")]
Csv = Annotated[bool, typer.Option("--csv", help="Print CSV with the JSON field names as header.")]
Owner = Annotated[str | None, typer.Option("--owner", help="Owner name, or `me`.")]
Tags = Annotated[list[str] | None, typer.Option("--tag", help="Tag (repeatable).")]
Untags = Annotated[list[str] | None, typer.Option("--untag", help="Remove a tag (repeatable).")]
Notes = Annotated[str | None, typer.Option("--notes", help="Free text.")]
Source = Annotated[
    str | None, typer.Option("--source", help="Where it came from (web, referral...).")
]
Email = Annotated[str | None, typer.Option("--email", help="E-mail address.")]
Phone = Annotated[str | None, typer.Option("--phone", help="Phone number.")]
Currency = Annotated[
    str | None, typer.Option("--currency", help="ISO 4217 code (default from config).")
]
Limit = Annotated[int, typer.Option("--limit", "-n", help="Show at most N rows (0 = all).", min=0)]
Search = Annotated[str | None, typer.Option("--search", "-s", help="Text search.")]
Archived = Annotated[bool, typer.Option("--archived", help="List deleted (archived) records.")]
