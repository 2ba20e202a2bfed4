"""Human tables that lay themselves out for the width they are printed at, shared by the lists
and records (pipecli.render) and the reports (pipecli.render.reports).

The width is the console's: the terminal's, unlimited when output is piped (render.console), 120
for a report saved as SVG / HTML. At that width:

- numbers, amounts, dates, ids and links ("whole" columns) are never wrapped or cut; only their
  headers wrap, between words;
- text columns (names, titles, stages, notes) wrap at spaces (Chinese, Japanese and Korean text
  between any two characters), the widest first; a word is folded only when it is longer than
  WHOLE_WORD (an e-mail address, a domain) and the column is squeezed below it, never below
  TEXT_MIN;
- columns empty in every row are left out as soon as the table does not fit unwrapped;
- when even wrapping does not make it fit, whole columns are left out: the table's `drop` list
  in order (while the main text column, with `least`, would be squeezed below that), then the
  others from the right (never the first);
- the caption names every column left out that held data.

`FitTable.draw` prints a table the way `console.print(table)` does, byte for byte, without
asking Rich to lay out every row (Rich spends milliseconds a row on a big list): the widths are
fixed once from all the cells, Rich draws the header (and the caption), and the rows are
written as plain lines, PAGE rows at a time, so the first are on screen before the last are
formatted. Only a cell that must wrap goes through Rich, alone. A column may give each cell a
colour (`Column.styles`: trouble marked by pipecli.render); `draw` colours that cell's text as Rich
would, and only when the console prints colour.

Rich is imported when a table is drawn, not when this module is.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any

TEXT_MIN = 10  # text columns are not squeezed narrower than this (or than their natural width)
WHOLE_WORD = 20  # words up to this wide stay whole in a text column; longer ones may fold
GAP = 3  # between two columns: padding, rule, padding
PAGE = 500  # rows formatted and written at a time by FitTable.draw
HIDDEN = "not shown at this width: "


def _width(text: str) -> int:
    """Terminal cells `text` takes, as Rich counts them (plain printable ASCII: one a character)."""
    if text.isascii() and text.isprintable():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _word(word: str) -> int:
    """Cells of the longest part of `word` that must not be broken: a run of narrow
    characters; a wide (Chinese, Japanese, Korean) character stands alone."""
    if word.isascii():
        return len(word)
    longest = run = 0
    for ch in word:
        cells = _width(ch)
        run = run + cells if cells == 1 else 0
        longest = max(longest, run, cells)
    return longest


@dataclasses.dataclass(frozen=True)
class Column:
    """One column: `text` ones wrap at spaces, the others are printed whole on one line;
    `right` right-aligns it; `least` keeps a text column (a list's main one, like a deal's
    title) at least that wide, or its natural width if less: other columns are left out first."""

    name: str
    header: str
    cells: list[str]
    text: bool
    right: bool = False
    least: int = 0
    styles: list[str] | None = None  # a colour per cell ("" none), as Rich style names

    @functools.cached_property
    def widths(self) -> list[int]:
        """Each cell's width, in cells (measured once)."""
        return list(map(_width, self.cells))

    @functools.cached_property
    def natural(self) -> int:
        """Width with nothing wrapped."""
        return max([_width(self.header), *self.widths])

    @functools.cached_property
    def word(self) -> int:
        """The longest word of the header or a cell: narrower than this, words fold. Chinese,
        Japanese or Korean text breaks between any two of its characters, as it may."""
        return max(_word(w) for text in [self.header, *self.cells] for w in text.split() or [""])

    @functools.cached_property
    def minimum(self) -> int:
        """Narrowest allowed while less important columns can still be left out: `floor`, and
        for a text column with `least`, that wide (or its natural width if less)."""
        return max(self.floor, min(self.natural, self.least))

    @functools.cached_property
    def floor(self) -> int:
        """Narrowest allowed at all. A text column: its longest word (at most WHOLE_WORD, at
        least TEXT_MIN), or its natural width if less. Any other column: every cell whole and
        the header wrapped between words."""
        if self.text:
            return min(self.natural, max(TEXT_MIN, min(self.word, WHOLE_WORD)))
        return max([*map(_width, self.header.split()), *self.widths])


class FitTable:
    """Columns of cells laid out for the width they are rendered at (see the module doc)."""

    def __init__(self, title: str | None, columns: Sequence[Column], drop: Sequence[str] = ()):
        self.title, self.columns, self.drop = title, list(columns), list(drop)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield self.layout(options.max_width)

    def shown(self, width: int) -> list[Column]:
        """The columns kept at `width`, in their order. Columns empty in every row go as soon
        as the table does not fit unwrapped: they would only take room from the others. Then
        the `drop` columns, while the others do not fit at their `minimum`; then the others
        from the right, while the rest does not fit at their `floor`."""
        shown = list(self.columns)
        first = shown[0].name if shown else None
        if _total(shown, "natural") <= width:  # minimum and floor are never wider: all stay
            return shown
        shown = [c for c in shown if c.name == first or any(c.cells)]
        for names, size in (self.drop, "minimum"), ([c.name for c in reversed(shown)], "floor"):
            for name in names:
                if _total(shown, size) <= width:
                    break
                if name != first:
                    shown = [c for c in shown if c.name != name]
        return shown

    def hidden(self, shown: Sequence[Column]) -> list[str]:
        """Headers of the columns left out of `shown` that hold data, in table order."""
        return [c.header for c in self.columns if c not in shown and any(c.cells)]

    def layout(self, width: int) -> Any:
        shown = self.shown(width)
        return self._rich(shown, squeeze(shown, width))

    def _rich(
        self, shown: Sequence[Column], widths: Sequence[int | None], body: bool = True
    ) -> Any:
        """The Rich table of `shown` at `widths`; without `body`, only its header (and title)."""
        from rich.table import Table
        from rich.text import Text

        from pipecli.core.text import printable

        hidden = self.hidden(shown) if body else []
        tbl = Table(
            title=Text(printable(self.title)) if self.title else None,
            caption=Text(printable(HIDDEN + ", ".join(hidden))) if hidden else None,
            show_edge=False, header_style="bold", pad_edge=False,
        )  # fmt: skip
        for c, w in zip(shown, widths, strict=True):
            # w is never below a whole column's widest cell: only its header can wrap
            tbl.add_column(
                Text(printable(c.header)),
                justify="right" if c.right else "left",
                width=w,
                overflow="fold",
            )
        # cells are text to print as it is: stored text made inert (callers do it before
        # measuring; again here, cheaply, for any that did not), never read as Rich markup
        for i in range(len(shown[0].cells) if shown and body else 0):
            tbl.add_row(*(Text(printable(c.cells[i]), _style(c, i)) for c in shown))
        return tbl

    def draw(self, console: Any, page: int = PAGE) -> None:
        """Print the table on `console` exactly as `console.print(self)` would, fast: Rich
        draws the header and the caption, the rows are written as plain lines `page` rows at
        a time (flushed), each cell padded to its column's width; a cell wider than its
        column is wrapped by Rich as the table would wrap it. Tables Rich would lay out
        differently (a title, columns that do not fit even at their floor, cells holding text
        not yet made inert) are left to Rich."""
        from rich.text import Text

        from pipecli.core.text import printable

        width = console.width
        shown = self.shown(width)
        fixed = squeeze(shown, width)
        sizes = [c.natural if w is None else w for c, w in zip(shown, fixed, strict=True)]
        cells = [c.cells for c in shown]
        measured = [c.widths for c in shown]
        if (
            self.title
            or not shown
            or sum(sizes) + GAP * (len(shown) - 1) > width
            or any(printable(t) != t for t in ("".join(col) for col in cells))
        ):
            console.print(self)
            return
        console.print(self._rich(shown, sizes, body=False))
        box = _box(console)
        out = console.file
        rights = [c.right for c in shown]
        paint = _painter(console)
        styles = [c.styles if paint and c.styles else None for c in shown]
        count = len(cells[0])
        wrap = console.options.update(height=None, highlight=False, overflow="fold", no_wrap=False)
        for start in range(0, count, page):
            lines: list[str] = []
            for i in range(start, min(start + page, count)):
                rule = f" {box.foot_vertical if i == count - 1 else box.mid_vertical} "
                parts: list[list[str]] = []
                for col, wide, size, right, style in zip(
                    cells, measured, sizes, rights, styles, strict=True
                ):
                    text = col[i]
                    room = size - wide[i]
                    painted = paint(text, style[i]) if style and style[i] else text
                    if room >= 0 and not (right and text != text.rstrip()):
                        parts.append([" " * room + painted if right else painted + " " * room])
                    else:  # wider than its column: Rich wraps it, as in the table
                        opts = wrap.update(width=size, justify="right" if right else "left")
                        rendered = console.render_lines(Text(text), opts, pad=True)
                        lines_of = ["".join(s.text for s in ln) for ln in rendered]
                        if style and style[i]:
                            lines_of = [paint(ln, style[i]) for ln in lines_of]
                        parts.append(lines_of)
                height = max(map(len, parts))
                if height == 1:
                    lines.append(rule.join(p[0] for p in parts))
                    continue
                for n in range(height):
                    lines.append(
                        rule.join(
                            p[n] if n < len(p) else " " * size
                            for p, size in zip(parts, sizes, strict=True)
                        )
                    )
            out.write("\n".join(lines) + "\n")
            out.flush()
        hidden = self.hidden(shown)
        if hidden:
            console.print(
                _Caption(printable(HIDDEN + ", ".join(hidden)), sum(sizes) + GAP * (len(shown) - 1))
            )


def _style(column: Column, i: int) -> str:
    return column.styles[i] if column.styles else ""


def _painter(console: Any) -> Any:
    """A function colouring one cell's text as Rich would on `console`; None when the console
    prints no colour (not a terminal, NO_COLOR): cells are then written as they are."""
    if console.no_color or console.color_system is None:
        return None
    from rich.style import Style

    system = console._color_system  # the ColorSystem Rich renders with

    @functools.cache
    def paint(text: str, style: str) -> str:
        return str(Style.parse(style).render(text, color_system=system))

    return paint


class _Caption:
    """A table's caption as Rich draws it under the table: centred on the table's width."""

    def __init__(self, text: str, width: int):
        self.text, self.width = text, width

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        opts = options.update(width=self.width, highlight=False, height=None, justify="center")
        yield from console.render(Text(self.text), options=opts)


def _box(console: Any) -> Any:
    """The box Rich draws a FitTable with on `console` (ASCII where the terminal needs it)."""
    from rich import box

    return box.HEAVY_HEAD.substitute(console.options, safe=console.safe_box)


def _total(columns: Sequence[Column], size: str) -> int:
    """Width of `columns` side by side, each at its `size` (natural, minimum or floor)."""
    return sum(int(getattr(c, size)) + GAP for c in columns) - GAP


def squeeze(shown: Sequence[Column], width: int) -> list[int | None]:
    """Column widths for `width`: None (natural) when everything fits unwrapped. Otherwise,
    one cell at a time until it fits: whole columns wrap their headers (most slack first),
    then text columns give way, the widest first, down to their longest word, then to their
    minimum (folding words longer than WHOLE_WORD), then to their floor."""
    widths = [c.natural for c in shown]
    excess = sum(widths) + GAP * (len(shown) - 1) - width
    if excess <= 0:
        return [None] * len(shown)
    steps = [
        (False, [c.floor for c in shown]),
        (True, [max(c.minimum, c.word) for c in shown]),
        (True, [c.minimum for c in shown]),
        (True, [c.floor for c in shown]),
    ]
    for text, floor in steps:
        while excess > 0:
            slack = [
                (widths[i] if text else widths[i] - floor[i], -i)
                for i, c in enumerate(shown)
                if c.text is text and widths[i] > floor[i]
            ]
            if not slack:
                break
            i = -max(slack)[1]
            widths[i] -= 1
            excess -= 1
    return list(widths)
