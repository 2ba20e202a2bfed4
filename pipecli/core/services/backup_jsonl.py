"""`export all` / `import all`: every row of every table as JSON Lines, and back, UUIDs kept.

Why not the `--json` rows: a full copy needs what they leave out (history rows, activities,
stages, tag links, exchange rates) and the raw keys that link them. Each line is
`{"table": name, "row": {column: value}}`, tables parents first, rows in id order, values as JSON
(ISO dates and times, integers for money).

Reading it back works on an empty or a used database: integer ids are assigned afresh and every
link is re-pointed through a map of old id -> new id. A row whose UUID (or natural key: user
and pipeline name, stage name in its pipeline, tag name, rate and day) is already stored is not
inserted again but mapped to the stored row, so importing the same backup twice adds nothing.
Links to rows that come later in the file (lead <-> account, a task's previous task) are filled
in at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Date, Table, Time, and_, insert, select, update

from pipecli.core.errors import Invalid
from pipecli.core.io.writers import jsonable
from pipecli.core.models import UTCDateTime, metadata
from pipecli.core.services.context import Ctx

ORDER = ("user", "pipeline", "stage", "tag", "account", "contact", "lead", "deal",
         "stagechange", "activity", "task", "taglink", "fxrate", "followup",
         "product", "quote", "quoteline")  # fmt: skip
_NATURAL = {"user": ("name",), "pipeline": ("name",), "stage": ("pipeline_id", "name"),
            "tag": ("name",), "taglink": ("tag_id", "kind", "record_id"),
            "fxrate": ("base", "quote", "valid_from")}  # fmt: skip
_TAGGED = {"lead", "account", "contact", "deal", "task"}  # taglink.record_id points at these


def _tables() -> list[Table]:
    return [metadata.tables[name] for name in ORDER]


def dump(ctx: Ctx, out: IO[str]) -> dict[str, int]:
    """Write every row of every table to `out`; returns rows per table."""
    conn = ctx.session.connection()
    counts = {}
    for table in _tables():
        n = 0
        order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
        for row in conn.execution_options(yield_per=2000).execute(select(table).order_by(*order)):
            out.write(json.dumps({"table": table.name, "row": jsonable(dict(row._mapping))}))
            out.write("\n")
            n += 1
        counts[table.name] = n
    return counts


def _convert(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for column in table.columns:
        value = row.get(column.name)
        if isinstance(value, str):
            if isinstance(column.type, UTCDateTime):
                value = datetime.fromisoformat(value)
            elif isinstance(column.type, Date):
                value = date.fromisoformat(value)
            elif isinstance(column.type, Time):
                value = time.fromisoformat(value)
        out[column.name] = value
    return out


def _lines(path: Path) -> Iterator[tuple[int, str, dict[str, Any]]]:
    from pipecli.core.io.readers import DEPTH_MAX, _depth, _limited

    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(_limited(fh, path.name), start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    _depth(item, path.name, f"line {n}")
                    name, row = item["table"], item["row"]
                except RecursionError:
                    where = f"{path.name}:{n}"
                    raise Invalid("file", where, f"is nested deeper than {DEPTH_MAX}") from None
                except (ValueError, KeyError, TypeError):
                    where = f"{path.name}:{n}"
                    raise Invalid("file", where, "is not a pipecli backup line") from None
                if name not in metadata.tables:
                    raise Invalid("file", f"{path.name}:{n}", f"names an unknown table {name!r}")
                yield n, name, row
    except UnicodeDecodeError as err:
        raise Invalid("file", path.name, f"is not UTF-8 text (a pipecli backup): {err}") from None
    except OSError as err:
        raise Invalid("file", path.name, f"cannot be read: {err.strerror or err}") from None


class _Loader:
    def __init__(self, ctx: Ctx) -> None:
        self.conn = ctx.session.connection()
        self.maps: dict[str, dict[int, int]] = {name: {} for name in ORDER}
        self.later: list[tuple[Table, int, str, str, int]] = []
        self.counts: dict[str, list[int]] = {name: [0, 0] for name in ORDER}  # added, existing

    def load(self, name: str, raw: dict[str, Any]) -> None:
        table = metadata.tables[name]
        row = _convert(table, raw)
        old_id = row.pop("id", None)
        pending = self._relink(table, row)
        found = self._existing(table, row)
        if found is not None:
            self.counts[name][1] += 1
        else:
            result = self.conn.execute(
                insert(table).returning(*table.primary_key.columns), [row]
            ).first()
            found = result[0] if result is not None and "id" in table.c else None
            self.counts[name][0] += 1
            for column, target, old in pending:
                if found is not None:
                    self.later.append((table, found, column, target, old))
        if old_id is not None and found is not None:
            self.maps[name][old_id] = found

    def _target(self, table: Table, column: str, row: dict[str, Any]) -> str | None:
        if table.name == "taglink" and column == "record_id":
            kind = row.get("kind")
            return kind if kind in _TAGGED else None
        fks = list(table.c[column].foreign_keys)
        return fks[0].column.table.name if fks else None

    def _relink(self, table: Table, row: dict[str, Any]) -> list[tuple[str, str, int]]:
        """Point links at the new ids; links to rows not loaded yet are left for `finish`."""
        pending = []
        for column, value in list(row.items()):
            target = self._target(table, column, row) if value is not None else None
            if target is None or column == "id":
                continue
            new = self.maps[target].get(value)
            if new is None:
                pending.append((column, target, value))
                row[column] = None
            else:
                row[column] = new
        return pending

    def _existing(self, table: Table, row: dict[str, Any]) -> Any:
        """The stored row this one is: same UUID, else same natural key (which then takes the
        backup's UUID: the default pipeline seeded in a new database is the backup's own)."""
        pk = next(iter(table.primary_key.columns))
        if "uuid" in table.c:
            hit = self.conn.execute(select(pk).where(table.c.uuid == row["uuid"])).first()
            if hit is not None:
                return hit[0]
        keys = _NATURAL.get(table.name)
        if not keys or any(row.get(k) is None for k in keys):
            return None
        same = and_(*(table.c[k] == row[k] for k in keys))
        hit = self.conn.execute(select(pk).where(same)).first()
        if hit is not None and "uuid" in table.c:
            self.conn.execute(update(table).where(pk == hit[0]).values(uuid=row["uuid"]))
        return None if hit is None else hit[0]

    def finish(self) -> None:
        for table, new_id, column, target, old in self.later:
            value = self.maps[target].get(old)
            if value is not None:
                self.conn.execute(update(table).where(table.c.id == new_id).values({column: value}))


def load(ctx: Ctx, path: str | Path) -> dict[str, tuple[int, int]]:
    """Read a backup made by `dump`; returns (added, already there) per table."""
    p = Path(path)
    if not p.is_file():
        raise Invalid("file", str(path), "does not exist or is not a file")
    from sqlalchemy.exc import StatementError

    from pipecli.core.errors import PipeError
    from pipecli.core.text import check_values

    loader = _Loader(ctx)
    for n, name, row in _lines(p):
        where = f"{p.name}:{n}"
        try:
            if not isinstance(row, dict):
                raise Invalid("row", None, "is not an object")
            check_values(row)
            loader.load(name, row)
        except PipeError as err:
            raise Invalid("file", where, f"line {n}: {err}") from None
        except (ValueError, TypeError, AttributeError, OverflowError, StatementError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            raise Invalid(
                "file",
                where,
                f"line {n}: is not a valid {name} row ({reason[0] if reason else exc})",
            ) from None
    loader.finish()
    return {name: (a, e) for name, (a, e) in loader.counts.items() if a or e}
