"""Rows from import files, streamed: CSV/TSV (delimiter sniffed), JSON, JSON Lines and .xlsx.

Why it exists: an import may read a file twice (a quick look at its date columns to settle
day/month order, then the import), so `Table.rows()` re-opens the file each time and yields one
row at a time: memory stays flat however large the file is (JSON arrays are the exception:
parsed whole; use JSON Lines for big files). Every row carries the line it starts on (the sheet
row for .xlsx, the item number for a JSON array), so an error can point at it. Cell values are
text; blank cells are "". CSV/TSV and .xlsx text cells go through `unguard`, which undoes the
formula guard of `pipe export` and `--csv` (`'=1+1` reads as `=1+1`); JSON values stay as they are.

Encodings: a byte-order mark decides (UTF-8, UTF-16); otherwise UTF-8 when the whole file decodes
as UTF-8 (the fast path: no detector runs), unless the caller names one. Any other file goes to
charset-normalizer, with a confidence check (`_detect`): of the encodings it finds equally clean
(and those it says decode the same), the most used one wins (Windows-1252, GB18030, Shift JIS,
Korean, Big5, Windows-1251, in that order); if none of those is among them and the clean ones
read the file differently, or nothing reads it cleanly, the file is refused with the likely
encodings and `--encoding` named. The chosen encoding must decode the whole file.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from pipecli.core.errors import Invalid
from pipecli.core.io.writers import FORMULA_START

Row = dict[str, str]
FORMATS = ("csv", "tsv", "json", "jsonl", "xlsx")
_DELIMITERS = (",", ";", "\t", "|")
csv.field_size_limit(10_000_000)
LINE_MAX = 16 << 20  # characters in one line of a text file; longer is no table
JSON_ITEM_MAX = 64 << 20  # characters of one JSON record (or a whole top-level object)
DEPTH_MAX = 100  # JSON nested deeper than this is refused


@dataclass
class Table:
    """A file of records: its headers, and its rows as many times as asked."""

    path: Path
    format: str
    encoding: str | None
    headers: list[str]

    def rows(self) -> Iterator[tuple[int, Row]]:
        """(line, row) for every data row, read afresh from the file. A file that is not what
        its name says, cannot be decoded or read, is Invalid (exit 2), never an internal error."""
        readers = {"json": _json_rows, "jsonl": _jsonl_rows, "xlsx": _xlsx_rows}
        name = self.path.name
        try:
            yield from readers.get(self.format, _csv_rows)(self)
        except UnicodeDecodeError as err:
            raise Invalid("encoding", self.encoding, f"cannot read {name}: {err}") from None
        except csv.Error as err:
            raise Invalid("file", name, f"is not {self.format.upper()} text: {err}") from None
        except RecursionError:
            raise Invalid("file", name, f"is nested deeper than {DEPTH_MAX} levels") from None
        except (OSError, MemoryError) as err:
            raise Invalid("file", name, f"cannot be read: {err}") from None


def open_table(path: str | Path, *, encoding: str | None = None, fmt: str | None = None) -> Table:
    """The table in `path`; the format follows the file name unless `fmt` is given."""
    p = Path(path).expanduser()
    try:
        if not p.is_file():
            raise Invalid("file", str(path), "does not exist or is not a file")
        size = p.stat().st_size
    except OSError as err:
        raise Invalid("file", str(path), f"cannot be read: {err.strerror}") from None
    if size == 0:
        raise Invalid("file", str(path), "is empty")
    kind = (fmt or p.suffix.lstrip(".")).lower()
    kind = {"txt": "csv", "ndjson": "jsonl", "xlsm": "xlsx"}.get(kind, kind)
    if kind not in FORMATS:
        raise Invalid("file", str(path), "is not .csv, .tsv, .json, .jsonl or .xlsx")
    if kind != "xlsx":
        _refuse_binary(p, kind, encoding)
    enc = None if kind == "xlsx" else (_check_encoding(encoding) or detect_encoding(p))
    table = Table(p, kind, enc, [])
    try:
        table.headers = _headers(table)
    except RecursionError:
        raise Invalid("file", p.name, f"is nested deeper than {DEPTH_MAX} levels") from None
    except csv.Error as err:
        raise Invalid("file", p.name, f"is not {kind.upper()} text: {err}") from None
    except OSError as err:
        raise Invalid("file", p.name, f"cannot be read: {err.strerror or err}") from None
    return table


def _refuse_binary(path: Path, kind: str, encoding: str | None) -> None:
    """A text format whose first bytes hold NUL (and are not UTF-16) is a binary file given
    under a text name (a spreadsheet, an archive, a program): refused before it is parsed."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(head) >= 4 and ((head[1] == 0 and head[3] == 0) or (head[0] == 0 and head[2] == 0))
    )
    if (encoding or "").lower().replace("-", "").startswith("utf16") or utf16:
        return
    if b"\0" in head or head.startswith(b"PK\x03\x04"):
        raise Invalid("file", path.name, f"is a binary file, not {kind.upper()} text")


def _limited(fh: IO[str], name: str) -> Iterator[str]:
    """The lines of `fh`, refusing one longer than LINE_MAX (a 2 GB line is never read whole)."""
    n = 0
    while line := fh.readline(LINE_MAX + 1):
        n += 1
        if len(line) > LINE_MAX:
            raise Invalid("file", f"{name}:{n}", f"has a line longer than {LINE_MAX:,} characters")
        yield line


def _depth(value: Any, name: str, where: str) -> Any:
    """`value` if nested at most DEPTH_MAX levels; Invalid otherwise."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            if level > DEPTH_MAX:
                raise Invalid("file", name, f"{where} is nested deeper than {DEPTH_MAX} levels")
            stack.extend(
                (v, level + 1) for v in (item.values() if isinstance(item, dict) else item)
            )
    return value


def _check_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise Invalid("encoding", name, "is not a known text encoding") from None


def detect_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == 0 and head[2] == 0:
        return "utf-16-be"
    return "utf-8" if _decodes(path, "utf-8") else _detect(path)


# Most used first: the pick among the encodings the detector finds equally clean.
_USUAL = ("cp1252", "gb18030", "shift_jis", "cp949", "big5", "cp1251")
_SAMPLE = 4 << 20  # bytes the detector looks at; the pick must then decode the whole file
_CHAOS_MAX = 20.0  # percent of "mess" above which no reading is trusted


def _detect(path: Path) -> str:
    """The encoding of a file that is not UTF-8, by charset-normalizer with a confidence check
    (module docstring); Invalid naming the likely encodings and `--encoding` when unsure."""
    from charset_normalizer import from_bytes

    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE)
    matches = list(from_bytes(sample))
    low = min((m.percent_chaos for m in matches), default=100.0)
    clean = [m for m in matches if m.percent_chaos <= low + 2] if low < _CHAOS_MAX else []
    alike = [c for m in clean for c in m.could_be_from_charset]
    pick = next((e for e in _USUAL if e in alike), None)
    if pick is None and clean and len({str(m) for m in clean}) == 1:
        pick = clean[0].encoding
    if pick is None or not _decodes(path, pick):
        likely = ", ".join(dict.fromkeys(m.encoding for m in (clean or matches)[:4])) or "none"
        raise Invalid("encoding", path.name, f"cannot be told for sure (not UTF-8; likely: "
                      f"{likely}); name it with --encoding NAME, e.g. --encoding "
                      "cp1252")  # fmt: skip
    return pick


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _text(table: Table) -> IO[str]:
    return table.path.open(encoding=table.encoding, newline="", errors="strict")


def _headers(table: Table) -> list[str]:
    if table.format in ("json", "jsonl"):
        first = next(table.rows(), None)
        return list(first[1]) if first else []
    if table.format == "xlsx":
        return _xlsx_headers(table)
    try:
        with _text(table) as fh:
            line = next(_limited(fh, table.path.name), "")
    except UnicodeDecodeError as err:
        raise Invalid("encoding", table.encoding, f"cannot read {table.path.name}: {err}") from None
    delim = _sniff(line, table.format)
    header = next(csv.reader([line], delimiter=delim), [])
    return [h.strip().lstrip("\ufeff") for h in header]


def _sniff(line: str, fmt: str) -> str:
    if fmt == "tsv":
        return "\t"
    counts = {d: line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(table: Table) -> Iterator[tuple[int, Row]]:
    with _text(table) as fh:
        delim = _sniff(next(_limited(fh, table.path.name), ""), table.format)
        fh.seek(0)
        reader = csv.reader(_limited(fh, table.path.name), delimiter=delim)
        next(reader, None)
        start = reader.line_num + 1
        headers = table.headers
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                where = f"{table.path.name}:{reader.line_num}"
                raise Invalid("file", where, f"is not {table.format.upper()} text: {err}") from None
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            yield line, dict(zip(headers, (unguard(c) for c in cells), strict=False))


def unguard(text: str) -> str:
    """A CSV/TSV or .xlsx text cell as imported: stripped of surrounding spaces, and without the
    `'` that spreadsheet exports (pipecli's `export` and `--csv` among them) put before a cell
    starting with `=`, `+`, `-`, `@`, a tab or a carriage return to stop it running as a formula:
    `'-5 seats` reads as `-5 seats`, `'=1+1` as `=1+1`. One `'` goes when the cell's leading
    `'`s come before such a character (`''=x` reads as `'=x`: the writers add one `'` to text
    like `'=x`, so it comes back as it was); any other `'` is data and stays."""
    text = text.strip()
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START):
        return text[1:]
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _json_rows(table: Table) -> Iterator[tuple[int, Row]]:
    with _text(table) as fh:
        items = _json_items(fh, table.path.name)
        for i, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise Invalid("file", table.path.name, f"item {i} is not a JSON object")
            _depth(item, table.path.name, f"item {i}")
            yield i, {str(k): _cell(v) for k, v in item.items()}


_DECODER = json.JSONDecoder(parse_float=Decimal)  # numbers never pass through float
_CHUNK = 1 << 16


def _json_items(fh: IO[str], name: str) -> Iterator[Any]:
    """The items of a top-level JSON list, decoded one at a time from 64 KiB chunks, so memory
    stays flat however long the list; a top-level object ({"deals": [...]}, or one record) is
    read whole."""
    head = fh.read(_CHUNK)
    if head.lstrip(" \t\r\n\ufeff").startswith("["):
        yield from _stream_list(fh, head, name)
        return
    rest = fh.read(JSON_ITEM_MAX)
    if fh.read(1):
        raise Invalid("file", name, "is too large to read whole; use a JSON list or JSON Lines")
    try:
        data = _DECODER.decode(head + rest)
    except json.JSONDecodeError as err:
        raise Invalid("file", name, f"is not JSON: {err}") from None
    except RecursionError:
        raise Invalid("file", name, f"is nested deeper than {DEPTH_MAX} levels") from None
    _depth(data, name, "the file")
    if isinstance(data, dict):  # {"deals": [...]} or one record
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else [data]
    if not isinstance(data, list):
        raise Invalid("file", name, "is not a JSON list of records")
    yield from data


def _stream_list(fh: IO[str], buf: str, name: str) -> Iterator[Any]:
    pos = buf.index("[") + 1
    while True:
        buf, pos = _skip_space(fh, buf, pos)
        if pos >= len(buf):
            raise Invalid("file", name, "is not JSON: the list never ends")
        if buf[pos] == "]":
            return
        while True:
            try:
                item, pos = _DECODER.raw_decode(buf, pos)
                break
            except json.JSONDecodeError as err:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    raise Invalid("file", name, f"is not JSON: {err}") from None
                if len(buf) - pos > JSON_ITEM_MAX:
                    raise Invalid(
                        "file", name, f"holds a record over {JSON_ITEM_MAX:,} characters"
                    ) from None
                buf, pos = buf[pos:] + chunk, 0
            except RecursionError:
                raise Invalid("file", name, f"is nested deeper than {DEPTH_MAX} levels") from None
        yield item
        buf, pos = _skip_space(fh, buf, pos)
        if pos < len(buf) and buf[pos] == ",":
            pos += 1
        elif pos >= len(buf) or buf[pos] != "]":
            raise Invalid("file", name, "is not JSON: expected ',' or ']' after a record")


def _skip_space(fh: IO[str], buf: str, pos: int) -> tuple[str, int]:
    """Past white space, reading on (and dropping what was read) when the buffer runs out."""
    while True:
        while pos < len(buf) and buf[pos] in " \t\r\n":
            pos += 1
        if pos < len(buf):
            return buf, pos
        chunk = fh.read(_CHUNK)
        if not chunk:
            return buf, pos
        buf, pos = chunk, 0


def _jsonl_rows(table: Table) -> Iterator[tuple[int, Row]]:
    with _text(table) as fh:
        for line_no, line in enumerate(_limited(fh, table.path.name), start=1):
            if not line.strip():
                continue
            where = f"{table.path.name}:{line_no}"
            try:
                item = _DECODER.decode(line)
            except json.JSONDecodeError as err:
                raise Invalid("file", where, f"bad JSON: {err}") from None
            except RecursionError:
                raise Invalid("file", where, f"is nested deeper than {DEPTH_MAX} levels") from None
            _depth(item, table.path.name, f"line {line_no}")
            if isinstance(item, dict):
                yield line_no, {str(k): _cell(v) for k, v in item.items()}


def _sheet(table: Table) -> Any:
    from openpyxl import load_workbook

    try:
        book = load_workbook(table.path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise Invalid("file", table.path.name, f"is not an Excel workbook: {err}") from None
    return book


def _xlsx_headers(table: Table) -> list[str]:
    book = _sheet(table)
    try:
        first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        return [_cell(v) for v in first]
    finally:
        book.close()


def _xlsx_rows(table: Table) -> Iterator[tuple[int, Row]]:
    book = _sheet(table)
    try:
        rows = book.worksheets[0].iter_rows(min_row=2, values_only=True)
        for line, values in enumerate(rows, start=2):
            cells = [unguard(v) if isinstance(v, str) else _cell(v) for v in values]
            if any(cells):
                yield line, dict(zip(table.headers, cells, strict=False))
    finally:
        book.close()
