"""`quote send`: the quote's PDF attached to a plain-text e-mail (templates/email.txt.j2), sent
through pipecli.core.mail, then the quote marked sent and the e-mail logged on the deal.

The message is delivered before anything is written; a failed delivery (DeliveryFailed, exit 1)
leaves the quote exactly as it was. Recipients default to the quote's contact's e-mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage

from pipecli.core import mail, text
from pipecli.core.errors import Invalid
from pipecli.core.quotes import documents
from pipecli.core.rows import QuoteView
from pipecli.core.services import quote_views, quotes
from pipecli.core.services.context import Ctx


def build(
    ctx: Ctx, view: QuoteView, to: list[str], cc: list[str], message: str | None
) -> tuple[EmailMessage, bytes]:
    """The e-mail for the quote in `view` and the PDF it carries."""
    pdf = documents.render_pdf(view, ctx.settings, ctx.now)
    seller = documents.company(ctx.settings).get("name")
    subject = f"Quote {view.number}" + (f" from {seller}" if seller else "")
    msg = EmailMessage()
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = mail.check_header("subject", subject)
    msg.set_content(documents.email_text(view, ctx.settings, message))
    msg.add_attachment(pdf, maintype="application", subtype="pdf",
                       filename=f"{view.number}.pdf")  # fmt: skip
    return msg, pdf


def send(
    ctx: Ctx, ref: str | int, to: Sequence[str], cc: Sequence[str] = (), message: str | None = None
) -> QuoteView:
    """Send the quote; returns its view after it was marked sent."""
    q = quotes.find(ctx, ref)
    quotes.check_sendable(ctx, q)
    smtp = mail.smtp_settings(ctx.settings)
    if message is not None:
        text.check_text("message", message, max_len=text.NOTE_MAX, multiline=True)
    view = quote_views.view(ctx, q.number)
    given = [t for t in to if t.strip()]
    if not given:
        if not view.contact_email:
            raise Invalid("to", None, "is required: the quote's contact has no e-mail address")
        given = [view.contact_email]
    rcpt = mail.check_addresses("to", given)
    copies = mail.check_addresses("cc", list(cc)) if cc else []
    msg, _ = build(ctx, view, rcpt, copies, message)
    mail.send(smtp, msg)
    body = f"To: {', '.join(rcpt + copies)}\n\n{msg.get_body().get_content()}"  # type: ignore[union-attr]
    quotes.mark_sent(ctx, q, rcpt + copies, str(msg["Subject"]), body)
    return quote_views.view(ctx, q.number)
