"""Quote documents: PDF (fpdf2, a Unicode font embedded), HTML and Markdown (Jinja2), and the
e-mail text, all drawn from the `show quote` view so they show exactly the stored figures.

Templates ship in this package (templates/); a file of the same name in
`<config dir>/templates/` (beside config.toml) replaces the shipped one: quote.html.j2,
quote.md.j2, email.txt.j2. Seller details come from `[company]` in config.toml: name, address,
tax_id, email, phone, logo (an image path), font (see fonts.py).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipecli.core import money
from pipecli.core.config import Settings
from pipecli.core.errors import Invalid
from pipecli.core.quotes import fonts
from pipecli.core.rows import Fields

FORMATS = ("pdf", "html", "md")
HERE = Path(__file__).resolve().parent / "templates"
SYMBOLS = {"CNY": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "KRW": "₩", "INR": "₹"}
Row = Fields  # the `show quote` view (core.rows.QuoteView), its lines, or a dict of the same


COMPANY_KEYS = ("name", "address", "tax_id", "email", "phone", "logo", "font", "font_index")


def company(settings: Settings) -> dict[str, Any]:
    """`[company]` from config.toml, every known key present (None when not set)."""
    section = settings.extra.get("company", {})
    given = dict(section) if isinstance(section, dict) else {}
    return {**dict.fromkeys(COMPANY_KEYS), **given}


def fmt_of(path: str, fmt: str | None) -> str:
    """The format asked for, else the one the file's suffix names (.pdf, .html/.htm, .md)."""
    if fmt:
        key = fmt.strip().lower()
    else:
        suffix = Path(path).suffix.lower().lstrip(".")
        key = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
    if key not in FORMATS:
        raise Invalid("format", fmt or path, "must be pdf, html or md (or a file ending so)")
    return key


def plain(value: Decimal | None) -> str:
    """A quantity or rate without trailing zeros or exponent: 40, 1.5, 8.5."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def amount(value: Decimal | None, currency: str) -> str:
    return money.format_amount(value, currency)


def line_discount(ln: Row, currency: str) -> str:
    if not ln["discount"]:
        return ""
    pct = ln.get("discount_percent")
    shown = f"-{amount(ln['discount'], currency)}"
    return f"{plain(pct)}% ({shown})" if pct is not None else shown


def totals_rows(q: Row, symbol: bool = True) -> list[tuple[str, str]]:
    """(label, figure) pairs from the subtotal down to the grand total; the grand total carries
    the currency's sign (¥, €...) when `symbol`."""
    cur = q["currency"]
    rows = [("Subtotal", amount(q["subtotal"], cur))]
    if q["discount"]:
        pct = q.get("discount_percent")
        label = f"Discount {plain(pct)}%" if pct is not None else "Discount"
        rows.append((label, f"-{amount(q['discount'], cur)}"))
    word = "Incl. tax" if q["tax_mode"] == "inclusive" else "Tax"
    for t in q["taxes"]:
        rows.append((f"{word} {plain(t['rate'])}% on {amount(t['base'], cur)}",
                     amount(t["tax"], cur)))  # fmt: skip
    if q["shipping"]:
        rows.append(("Shipping", amount(q["shipping"], cur)))
    sign = SYMBOLS.get(cur, "") if symbol else ""
    rows.append((f"Grand total ({cur})", f"{sign}{amount(q['grand_total'], cur)}"))
    return rows


def issued(q: Row) -> str:
    when: datetime = q["sent_at"] or q["created_at"]
    return when.date().isoformat()


# --- text documents ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _md(value: object) -> str:
    text = "" if value is None else str(value)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", "").replace("\n", "  \n")


def _env(settings: Settings, html: bool) -> Any:
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

    folders = []
    if settings.config_path is not None:
        folders.append(FileSystemLoader(settings.config_path.parent / "templates"))
    folders.append(FileSystemLoader(HERE))
    env = Environment(
        loader=ChoiceLoader(folders), autoescape=html, undefined=StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip
    env.filters["plain"] = plain
    env.filters["md"] = _md
    return env


def _context(q: Row, settings: Settings) -> dict[str, Any]:
    cur = q["currency"]
    return {
        "q": q, "company": company(settings), "issued": issued(q), "totals": totals_rows(q),
        "line_discount": lambda ln: line_discount(ln, cur),
        "money": lambda v: amount(v, cur),
    }  # fmt: skip


def render_text(q: Row, settings: Settings, fmt: str) -> str:
    """The quote as HTML or Markdown, through the (possibly overridden) template."""
    from jinja2 import TemplateError

    env = _env(settings, html=fmt == "html")
    ctx = _context(q, settings)
    env.filters["money"] = ctx["money"]
    name = f"quote.{fmt}.j2"
    try:
        return str(env.get_template(name).render(**ctx))
    except TemplateError as exc:
        raise Invalid("template", name, f"cannot be rendered: {exc}") from None


def email_text(q: Row, settings: Settings, message: str | None) -> str:
    from jinja2 import TemplateError

    env = _env(settings, html=False)
    grand = f"{amount(q['grand_total'], q['currency'])} {q['currency']}"
    try:
        return str(env.get_template("email.txt.j2").render(
            q=q, company=company(settings), message=message, grand=grand,
        ))  # fmt: skip
    except TemplateError as exc:
        raise Invalid("template", "email.txt.j2", f"cannot be rendered: {exc}") from None


# --- PDF --------------------------------------------------------------------------------------


def pdf_strings(q: Row, seller: dict[str, Any]) -> list[str]:
    """Every piece of text the PDF prints (for the font check)."""
    cur = q["currency"]
    out = [str(seller.get(k) or "") for k in ("name", "address", "tax_id", "email", "phone")]
    out += [q["number"], q["deal"] or "", q["account"] or "", q["contact"] or "",
            q["contact_email"] or "", q["terms"] or "", q["notes"] or ""]  # fmt: skip
    for ln in q["lines"]:
        out += [ln["name"], ln["unit"] or "", line_discount(ln, cur),
                amount(ln["unit_price"], cur), amount(ln["net"], cur)]  # fmt: skip
    out += [f"{a} {b}" for a, b in totals_rows(q, symbol=False)]
    out += ["Quote Date Valid until Terms Bill to Item Qty Unit price Discount Net Tax # "
            "(optional) Prices include tax. Page of Tax ID"]  # fmt: skip
    return out


def render_pdf(q: Row, settings: Settings, now: datetime) -> bytes:
    """The quote as a PDF (A4), set in the font `fonts.choose` picks; reproducible for the
    same quote and moment (the creation date is `now`)."""
    from fpdf import FPDF

    seller = company(settings)
    font = fonts.choose(seller, "".join(pdf_strings(q, seller)))
    symbol = not fonts.missing(font, SYMBOLS.get(q["currency"], ""))  # the core font has no €
    pdf = FPDF(format="A4")
    pdf.set_creation_date(now)
    pdf.set_title(f"Quote {q['number']}")
    pdf.set_author(str(seller.get("name") or "pipecli"))
    family = "quote" if font.path else fonts.CORE
    if font.path is not None:
        pdf.add_font(family, "", str(font.path), collection_font_number=font.index)
    pdf.set_margins(18, 16, 18)
    pdf.add_page()
    _header(pdf, family, q, seller)
    _lines_table(pdf, family, q)
    _totals(pdf, family, q, symbol)
    return bytes(pdf.output())


def _header(pdf: Any, family: str, q: Row, seller: dict[str, Any]) -> None:
    logo = seller.get("logo")
    if logo:
        path = Path(str(logo)).expanduser()
        if not path.is_file():
            raise Invalid("company.logo", str(logo), "is not an image file")
        pdf.image(str(path), x=pdf.w - 18 - 35, y=14, w=35)
    pdf.set_font(family, size=15)
    if seller.get("name"):
        pdf.cell(0, 8, str(seller["name"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    details = [str(seller.get("address") or "")]
    details.append(f"Tax ID: {seller['tax_id']}" if seller.get("tax_id") else "")
    details.append(" ".join(str(seller.get(k) or "") for k in ("email", "phone")).strip())
    for text in filter(None, details):
        pdf.multi_cell(120, 4.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(family, size=18)
    pdf.cell(0, 10, f"Quote {q['number']}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    meta = [f"Date: {issued(q)}"]
    if q["valid_until"]:
        meta.append(f"Valid until: {q['valid_until'].isoformat()}")
    if q["terms"]:
        meta.append(f"Terms: {q['terms']}")
    pdf.multi_cell(0, 5, "    ".join(meta), new_x="LMARGIN", new_y="NEXT")
    bill = ", ".join(x for x in (q["account"], q["contact"], q["contact_email"]) if x)
    pdf.multi_cell(0, 5, f"Bill to: {bill}" if bill else "Bill to:", new_x="LMARGIN",
                   new_y="NEXT")  # fmt: skip
    pdf.ln(4)


def _lines_table(pdf: Any, family: str, q: Row) -> None:
    from fpdf.fonts import FontFace

    cur = q["currency"]
    pdf.set_font(family, size=9)
    heads = ("#", "Item", "Qty", "Unit price", "Discount", "Net", "Tax")
    align = ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
    style = FontFace(emphasis=None, fill_color=(230, 230, 230))
    with pdf.table(col_widths=(6, 54, 16, 24, 26, 26, 12), text_align=align,
                   headings_style=style, line_height=5.5) as table:  # fmt: skip
        table.row(heads)
        for ln in q["lines"]:
            name = ln["name"] + (" (optional)" if ln["optional"] else "")
            qty = plain(ln["qty"]) + (f" {ln['unit']}" if ln["unit"] else "")
            table.row((str(ln["n"]), name, qty, amount(ln["unit_price"], cur),
                       line_discount(ln, cur), amount(ln["net"], cur),
                       f"{plain(ln['tax_rate'])}%"))  # fmt: skip
    pdf.ln(4)


def _totals(pdf: Any, family: str, q: Row, symbol: bool) -> None:
    rows = totals_rows(q, symbol)
    pdf.set_font(family, size=10)
    for n, (label, value) in enumerate(rows):
        last = n == len(rows) - 1
        if last:
            pdf.set_font(family, size=12)
        pdf.set_x(pdf.w - 18 - 120)
        pdf.cell(80, 6.5, label, align="R", border="T" if last else 0)
        pdf.cell(40, 6.5, value, align="R", border="T" if last else 0, new_x="LMARGIN",
                 new_y="NEXT")  # fmt: skip
    pdf.set_font(family, size=9)
    pdf.ln(4)
    if q["tax_mode"] == "inclusive":
        pdf.multi_cell(0, 5, "Prices include tax.", new_x="LMARGIN", new_y="NEXT")
    if q["notes"]:
        pdf.multi_cell(0, 5, q["notes"], new_x="LMARGIN", new_y="NEXT")
