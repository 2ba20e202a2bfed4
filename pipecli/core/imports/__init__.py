"""Import records from a file: every row checked, and nothing kept unless all of them pass.

Why this shape:
- Nothing is kept unless every row is valid (or `skip_invalid`: valid rows are written and the
  others saved beside the input as `<input>.rejects.csv`); each bad row is reported with its file
  line, column and reason, references that do not resolve included.
- Check first, then write: every row is parsed, validated, matched to stored records and turned
  into the column values it will be written as (`writer.Writer.prepare`: nothing written, so the
  database is not locked while the file is read and other users' commands go on; stages, owners
  and accounts still to be made are given ids, `bulk.Ids`). Only then does the writing pass take the
  write lock (`db.begin_write`) and write everything inside the caller's single transaction
  (`Writer.write`: on SQLite one INSERT .. SELECT per table from the temporary tables the rows
  were prepared in, elsewhere executemany of the prepared tuples), which holds the lock for a
  few seconds per 100,000 deals. Once a row is refused, nothing is written; checking goes on to
  the end so every bad row is reported, and the refusal rolls the transaction back. A quick first
  read settles, per column, day/month order and the decimal point of amounts (`_column_styles`;
  a money column nothing settles refuses the whole file: no rejects file is left). A trailing
  total row is left out and named (`_Totals`). Memory holds the match keys
  of the new rows (and, off SQLite, their prepared values), not the file.
- `PIPE_IMPORT_TIMINGS=1` prints to stderr how long the check took and how long the write
  transaction held the lock (from taking it to the commit or rollback).
- Deals go through `services.bulk`, which applies the probability and history rules of
  `pipe add deal`.
- Re-running an import changes nothing: rows match existing records on their external id (the
  file's `id` column) or, without one, by `match` (email or name); a match is updated (only the
  fields that differ), skipped, or refused, as `on_conflict` says.
- `dry_run` does all of it, counts, and rolls back.
"""

from __future__ import annotations

import csv
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipecli.core import dates
from pipecli.core.errors import EXIT_INVALID, Invalid, PipeError
from pipecli.core.imports import fields
from pipecli.core.imports import writer as import_write
from pipecli.core.imports.refs import Refs, Stages
from pipecli.core.services.bulk import Ids
from pipecli.core.services.context import Ctx

MATCHES = ("email", "name", "id")
ON_CONFLICT = ("update", "skip", "fail")
BATCH = 2000
CACHE_KIB = 131072  # SQLite page cache of the writing pass (pages are kept as they are read)
Progress = Callable[[str, int, int | None], None]  # (phase, rows done in this call, total)


class Source(Protocol):
    """Rows of a file: headers, and (line, column -> text) as often as asked."""

    @property
    def path(self) -> Path: ...
    @property
    def headers(self) -> list[str]: ...

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]: ...


@dataclass
class Options:
    kind: str
    map: str | None = None
    stage_map: str | None = None
    create_stages: bool = False
    dry_run: bool = False
    skip_invalid: bool = False
    match: str | None = None
    on_conflict: str = "update"
    dayfirst: bool | None = None
    pipeline: str | None = None
    mapping: dict[str, str] | None = None  # field -> column, instead of `map` (presets)
    create_refs: bool = True  # accounts/contacts named but not found are created
    labels: dict[str, str] | None = None  # field -> the column name to show in errors
    create_owners: bool = False  # owners named but not found are added (else refused)
    decimal: str | None = None  # "," or ".": the decimal point of money columns (else decided)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str
    exit_code: int = EXIT_INVALID  # 3 for a reference not found, 4 for a conflict

    def __str__(self) -> str:
        where = f", column {self.column!r}" if self.column else ""
        return f"line {self.line}{where}: {self.reason}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    skipped: int = 0


@dataclass
class Result:
    file: str
    kind: str
    rows: int = 0
    counts: dict[str, Counts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    rejects: str | None = None
    created_stages: list[str] = field(default_factory=list)
    dry_run: bool = False
    left_out: list[str] = field(default_factory=list)  # rows not imported, and why (totals)

    def count(self, kind: str) -> Counts:
        return self.counts.setdefault(kind, Counts())


class InvalidRows(Invalid):
    """Some rows are invalid; `errors` lists them all. Nothing was written."""

    def __init__(self, file: str, errors: list[RowError], note: str = "") -> None:
        first = errors[0]
        super().__init__(
            "file",
            file,
            f"has {len(errors)} invalid rows; nothing imported (first: {first}); {note}"
            "fix them or use --skip-invalid",
        )
        self.errors = errors
        codes = {e.exit_code for e in errors}
        self.exit_code = codes.pop() if len(codes) == 1 else EXIT_INVALID


def parse_stage_map(text: str | None) -> dict[str, str]:
    out = {}
    for part in filter(str.strip, (text or "").split(",")):
        if "=" not in part:
            raise Invalid("stage-map", part, "must be 'File stage=pipecli stage'")
        src, dst = (p.strip() for p in part.split("=", 1))
        out[src] = dst
    return out


def check_options(opts: Options) -> None:
    if opts.kind not in fields.KINDS:
        raise Invalid("kind", opts.kind, "must be one of " + ", ".join(fields.KINDS))
    if opts.match is not None and opts.match not in MATCHES:
        raise Invalid("match", opts.match, "must be one of " + ", ".join(MATCHES))
    if opts.on_conflict not in ON_CONFLICT:
        raise Invalid("on-conflict", opts.on_conflict, "must be one of " + ", ".join(ON_CONFLICT))
    from pipecli.core.money import check_decimal

    opts.decimal = check_decimal(opts.decimal)


def import_source(
    ctx: Ctx, source: Source, opts: Options, progress: Progress | None = None
) -> Result:
    """Import every row of `source` as records of `opts.kind` (see the module docstring)."""
    check_options(opts)
    mapping = opts.mapping or fields.parse_map(opts.map, opts.kind, source.headers)
    ids = Ids()  # ids given to what is made only once the write lock is held
    stages = Stages(ctx, opts.pipeline, parse_stage_map(opts.stage_map), opts.create_stages, ids)
    dayfirst, decimal, column_errors = _column_styles(source, mapping, opts)
    parser = fields.Parser(
        opts.kind, ctx.today, ctx.settings.currency, dayfirst, stages, decimal
    )  # fmt: skip
    result = Result(source.path.name, opts.kind, dry_run=opts.dry_run)
    result.errors.extend(column_errors)

    # refused as a whole (nothing written, no rejects file): a column that cannot be read, or
    # any bad row without skip_invalid
    def refused() -> bool:
        return bool(column_errors) or bool(result.errors and not opts.skip_invalid)

    refs = Refs(ctx, opts.create_owners, ids)
    run = _Run(opts, mapping, result, import_write.Writer(ctx, opts, refs, stages, result))
    run.fatal = bool(column_errors)
    rejects = _Rejects(source) if opts.skip_invalid and not opts.dry_run else None
    if rejects is not None:  # written for the user: never onto the database or the config
        from pipecli.core.outfiles import check_target

        check_target(rejects.path, ctx.settings, "rejects file")
    # Checking pass: every row parsed, validated, matched and prepared, nothing written, so the
    # database's write lock is not held while the file is read (other users' commands go on
    # meanwhile). Then the writing pass takes the lock (db.begin_write) and writes it all.
    started = time.perf_counter()
    batch: list[tuple[int, dict[str, Any], dict[str, str]]] = []
    keep_raw = rejects is not None
    totals = _Totals(source, mapping, parser)
    for line, row in totals.rows():  # a trailing total row is held back and left out
        result.rows += 1
        try:
            parsed = parser.parse(_fields_of(row, mapping))
        except PipeError as err:
            run.reject(line, row, err, rejects)
            continue
        totals.add(parsed)
        if refused():
            continue  # nothing will be written: keep checking, keep nothing
        batch.append((line, parsed, row if keep_raw else {}))
        if len(batch) >= BATCH:
            run.prepare(batch, rejects, progress)
            batch = []
    result.left_out = totals.left_out
    run.prepare(batch, rejects, progress)
    del batch
    if not refused():
        from pipecli.core.db import begin_write

        checked = time.perf_counter() - started
        begin_write(ctx.session)
        if os.environ.get("PIPE_IMPORT_TIMINGS"):
            _report_lock_hold(ctx, opts.kind, checked)
        conn = ctx.session.connection()
        if conn.dialect.name == "sqlite":  # index pages stay in memory while the rows go in
            conn.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_KIB}")
        run.write(rejects)
    if refused():
        if rejects:
            rejects.discard()
        raise InvalidRows(source.path.name, result.errors, stages.summary())
    if rejects:
        result.rejects = rejects.close()
    result.created_stages = stages.created
    for kind, n in run.writer.refs.created.items():
        result.count(kind).created += n
    if opts.dry_run:
        ctx.session.rollback()
        ctx._user = None
    return result


@dataclass
class _Run:
    """One import under way: rows are written a batch at a time as they are checked; once a row
    is refused (and no `skip_invalid`), writing stops, checking goes on to report every bad
    row, and the caller's transaction is rolled back by the refusal, so nothing is kept."""

    opts: Options
    mapping: dict[str, str]
    result: Result
    writer: import_write.Writer
    fatal: bool = False  # refused as a whole already: prepare nothing more

    def reject(self, line: int, row: dict[str, str], err: PipeError, rejects: Any) -> None:
        fld = getattr(err, "field", "") or getattr(err, "kind", "")
        column = (self.opts.labels or self.mapping).get(fld, fld)
        reason = str(err).split(": ", 1)[-1] if fld else str(err)
        text = f"{fld}: {reason}" if getattr(err, "field", "") else str(err)
        self.result.errors.append(RowError(line, column, text, err.exit_code))
        if rejects:
            rejects.add(line, row, str(self.result.errors[-1]))

    def prepare(
        self,
        batch: list[tuple[int, dict[str, Any], dict[str, str]]],
        rejects: Any,
        progress: Progress | None,
    ) -> None:
        if not batch or (self.result.errors and not self.opts.skip_invalid) or self.fatal:
            return
        rows = {line: row for line, _, row in batch}
        for line, err in self.writer.prepare([(line, vals) for line, vals, _ in batch], rows):
            self.reject(line, rows[line], err, rejects)
        if progress:
            progress("import", len(batch), None)

    def write(self, rejects: Any) -> None:
        for line, row, err in self.writer.write():
            self.reject(line, row, err, rejects)


def _report_lock_hold(ctx: Ctx, kind: str, checked: float) -> None:
    """On stderr once the unit ends: the check's time and how long the lock was held."""
    from sqlalchemy import event

    taken = time.perf_counter()
    done = False

    def report(_session: Any) -> None:
        nonlocal done
        if not done:
            done = True
            held = time.perf_counter() - taken
            print(f"import {kind}s: check {checked:.2f} s, write lock held {held:.2f} s",
                  file=sys.stderr)  # fmt: skip

    event.listen(ctx.session, "after_commit", report)
    event.listen(ctx.session, "after_rollback", report)


def _fields_of(row: dict[str, str], mapping: dict[str, str]) -> dict[str, str]:
    return {f: row.get(col, "") for f, col in mapping.items()}


MONEY_FIELDS = ("amount", "value")
_PLAIN_POINT = re.compile(r"\d{1,3}(?:,\d{3})*\.\d+|\d+\.\d+", re.ASCII)
_AMBIGUOUS = re.compile(r"[1-9]\d{0,2}\.\d{3}", re.ASCII)


def _column_styles(
    source: Source, mapping: dict[str, str], opts: Options
) -> tuple[dict[str, bool], dict[str, str | None], list[RowError]]:
    """How the file writes its dates and numbers, decided per column from all its values (one
    quick read of the file before the import, only when something is left to decide):
    day/month order per date column (`opts.dayfirst`, else guessed from the whole column), and
    the decimal point per money column (`opts.decimal`, else what its values settle: `250,5`,
    `1.234,56` or `1.234.567` say comma, `12.5` or `1,234.56` say point; values of both styles
    are each read as they say). A money column whose `1.500`-shaped values nothing settles (no
    value says one style) cannot be read: it is reported with the line and an example, and the
    whole file is refused."""
    from pipecli.core.money import decimal_style

    date_fields = [f for f in fields.DATE_FIELDS if f in mapping]
    money_fields = [f for f in MONEY_FIELDS if f in mapping]
    dayfirst = dict.fromkeys(date_fields, bool(opts.dayfirst))
    decimal: dict[str, str | None] = dict.fromkeys(money_fields, opts.decimal)
    guess_dates = opts.dayfirst is None and date_fields
    guess_money = opts.decimal is None and money_fields
    if not (guess_dates or guess_money):
        return dayfirst, decimal, []
    seen: dict[str, dict[str, tuple[int, str]]] = {f: {} for f in money_fields}
    for line, row in source.rows():
        if guess_dates:
            for f in date_fields:
                if not dayfirst[f] and dates.guess_dayfirst([row.get(mapping[f], "")]):
                    dayfirst[f] = True
        if guess_money:
            for f in money_fields:
                text = row.get(mapping[f], "").strip()
                if not text or text.isdigit():
                    continue
                if _PLAIN_POINT.fullmatch(text) and not _AMBIGUOUS.fullmatch(text):
                    style: str | None = "."  # `12,000.50`, `99.5`: the common case, quickly
                else:
                    style = decimal_style(text)
                if style is not None and style not in seen[f]:
                    seen[f][style] = (line, text)
    errors = []
    for f, found in seen.items() if guess_money else ():
        column = (opts.labels or mapping).get(f, mapping[f])
        if "," in found and "." in found:
            if "?" not in found:
                continue  # each value says its own decimal point: read each as it says
            (l1, t1), (l2, t2), (l3, t3) = found[","], found["."], found["?"]
            errors.append(RowError(l3, column, f"{f}: {t3!r} is ambiguous and the column writes "
                f"numbers two ways (line {l1}: {t1!r} has a decimal comma, line {l2}: {t2!r} a "
                "decimal point); set --decimal , or --decimal ."))  # fmt: skip
            decimal[f] = "."  # refused whole: its cells need not be reported again
        elif "," in found or "." in found:
            decimal[f] = "," if "," in found else "."
        elif "?" in found:
            line, text = found["?"]
            errors.append(RowError(line, column, f"{f}: {text!r} is ambiguous (thousands or "
                "decimals?) and no value in the column says which decimal point it uses; set "
                "--decimal , or --decimal ."))  # fmt: skip
            decimal[f] = "."  # refused whole: its cells need not be reported again
    return dayfirst, decimal, errors


TOTAL_WORDS = {"total", "totals", "grandtotal", "sum", "summe", "gesamt", "gesamtsumme",
               "合计", "总计", "總計", "合計"}  # fmt: skip


class _Totals:
    """The file's rows, the last one held back until the end: a trailing row whose label is a
    total word (its first cell or its title/name), or whose amount equals the sum of the rows
    above (two or more, in one currency) with nothing but a label and that amount, is a
    spreadsheet's total line, not a record: it is left out and named in `left_out`."""

    def __init__(self, source: Source, mapping: dict[str, str], parser: fields.Parser) -> None:
        self.source, self.mapping, self.parser = source, mapping, parser
        self.money = next((f for f in MONEY_FIELDS if f in mapping), None)
        self.sum, self.count, self.currencies = 0, 0, set[str]()
        self.left_out: list[str] = []

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        held: tuple[int, dict[str, str]] | None = None
        for item in self.source.rows():
            if held is not None:
                yield held
            held = item
        if held is not None:
            why = self._total(held[1])
            if why:
                self.left_out.append(f"line {held[0]} left out: {why}")
            else:
                yield held

    def add(self, parsed: dict[str, Any]) -> None:
        if self.money and parsed.get(self.money) is not None:
            self.sum += parsed[self.money]
            self.count += 1
            self.currencies.add(parsed["currency"])

    def _total(self, row: dict[str, str]) -> str:
        headers = self.source.headers
        label_col = self.mapping.get(fields.REQUIRED[self.parser.kind])
        for col in dict.fromkeys([headers[0] if headers else "", label_col or ""]):
            text = row.get(col, "").strip()
            if text and fields.norm(text).rstrip(":：") in TOTAL_WORDS:
                return f"a total row ({text!r})"
        if not self.money or self.count < 2 or len(self.currencies) != 1:
            return ""
        bare = {fields.REQUIRED[self.parser.kind], self.money, "currency"}
        if any(row.get(c, "").strip() for f, c in self.mapping.items() if f not in bare):
            return ""  # a record's other fields (id, stage, account...): a deal, not a total
        text = row.get(self.mapping[self.money], "").strip()
        try:
            parsed = self.parser.parse_money(self.money, text, next(iter(self.currencies)))
        except PipeError:
            return ""
        return f"its {self.money} {text} is the sum of the rows above" if parsed == self.sum else ""


class _Rejects:
    """`<input>.rejects.csv`: the refused rows as they were, with their line and the reason."""

    def __init__(self, source: Source) -> None:
        self.path = source.path.with_name(source.path.name + ".rejects.csv")
        self.part = self.path.with_name(self.path.name + ".part")  # renamed once the import ends
        self.headers = source.headers
        self.fh: Any = None

    def add(self, line: int, row: dict[str, str], reason: str) -> None:
        if self.fh is None:
            self.fh = self.part.open("w", encoding="utf-8", newline="")
            self.writer = csv.writer(self.fh)
            self.writer.writerow(["line", "error", *self.headers])
        self.writer.writerow([line, reason, *(row.get(h, "") for h in self.headers)])

    def close(self) -> str | None:
        if self.fh is None:
            return None
        self.fh.close()
        self.part.replace(self.path)
        return str(self.path)

    def discard(self) -> None:
        """The import was refused as a whole: no rejects file is left behind."""
        if self.fh is not None:
            self.fh.close()
            self.part.unlink(missing_ok=True)


def import_file(
    ctx: Ctx,
    path: str | Path,
    opts: Options,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> Result:
    """Import the records in the file at `path` (format from its name; see core.io.readers)."""
    from pipecli.core.io.readers import open_table

    check_options(opts)
    return import_source(ctx, open_table(path, encoding=encoding), opts, progress)


def summary(results: list[Result]) -> list[dict[str, Any]]:
    """Created/updated/skipped per kind over several imports (one line per kind, first seen)."""
    total: dict[str, Counts] = {}
    for res in results:
        for kind, c in res.counts.items():
            t = total.setdefault(kind, Counts())
            t.created, t.updated, t.skipped = (
                t.created + c.created, t.updated + c.updated, t.skipped + c.skipped
            )  # fmt: skip
    return [{"kind": k, **vars(c)} for k, c in total.items()]
