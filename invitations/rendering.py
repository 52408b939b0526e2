"""A letter for one recipient: its placeholder values, the plain context of the PDF template, the PDF, the e-mail."""

from html import unescape

import segno
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from compact_portal.markup import markdown_to_html
from compact_portal.pdf import render_pdf
from invitations import placeholders
from invitations.models import Delivery, Letter
from registrations.models import PermanentMission

LETTER_TEMPLATE = "invitations/letter.html"
RTL_LANGUAGES = {"ar"}


def mission_values(mission: PermanentMission, *, language: str) -> dict[str, str]:
    return {
        "recipient_name": mission.name,
        "mission_name": mission.name,
        "state_name": mission.state.name(language),
        "head_honorific": mission.head_honorific,
        "head_name": mission.head_name,
        "head_title": mission.head_title,
    }


def sample_values(letter: Letter) -> dict[str, str]:
    """Values for a preview without a recipient: each placeholder shows its own name."""
    return {name: f"[{name}]" for name in placeholders.RECIPIENT_PLACEHOLDERS}


def _filler(letter: Letter, values: dict[str, str]):
    """A function that fills a field's placeholders with the session's and the recipient's values."""
    values = placeholders.session_values(letter.session, language=letter.language) | values

    def text(value: str, *, html: bool = False) -> str:
        return placeholders.fill(value, values, html=html)

    return text


def letter_context(letter: Letter, *, values: dict[str, str]) -> dict:
    """The plain values templates/invitations/letter.html receives; no model object reaches the template."""
    text = _filler(letter, values)

    signatories = list(letter.signatories.all())
    return {
        "language": letter.language,
        "direction": "rtl" if letter.language.split("-")[0] in RTL_LANGUAGES else "ltr",
        "title": " — ".join(filter(None, [text(letter.subject), values.get("recipient_name", "")])),
        "letterheads": [{"lines": signatory.letterhead.splitlines()} for signatory in signatories],
        "place_date": text(letter.place_date),
        "salutation": values.get("salutation") or text(letter.salutation),
        "body_html": mark_safe(text(markdown_to_html(letter.body), html=True)),  # noqa: S308 - sanitised, values escaped
        "closing": text(letter.closing),
        "signatories": [{"name": s.name, "title_lines": s.title.splitlines()} for s in signatories],
        "addressee_lines": text(letter.addressee).splitlines(),
        "recipient_line": values.get("recipient_name", ""),
    } | registration_link_context(letter, values=values)


def link_qr_svg(url: str, *, title: str) -> str:
    """A QR code of the link; error correction L keeps the modules large enough to scan at 17 mm."""
    return segno.make(url, error="l").svg_inline(scale=1, omitsize=True, title=title, svgclass="qr")


def registration_link_context(letter: Letter, *, values: dict[str, str]) -> dict:
    """The mission's own way in, printed at the foot of its letter: the signed link of this delivery (its value
    `registration_url`, written by audiences.py) as text and as a QR code. Empty for recipients without one."""
    url = values.get("registration_url", "")
    if not url:
        return {"registration_url": ""}
    with translation.override(letter.language):
        label = gettext("Register your delegation")
        hint = gettext("Open this link, or scan the code, to register your delegation or to say it will not attend.")
    return {
        "registration_url": url,
        "registration_label": label,
        "registration_hint": hint,
        "registration_qr": mark_safe(link_qr_svg(url, title=label)),  # noqa: S308 - segno's SVG, no user markup
    }


def letter_pdf(letter: Letter, *, values: dict[str, str]) -> bytes:
    return render_pdf(template_name=LETTER_TEMPLATE, context=letter_context(letter, values=values))


def letter_plain_text(letter: Letter, *, values: dict[str, str]) -> str:
    """The e-mail's text part: the letter as plain paragraphs, for clients that show no attachment."""
    context = letter_context(letter, values=values)
    paragraphs = [unescape(strip_tags(p)).strip() for p in str(context["body_html"]).split("</p>")]
    lines = [context["place_date"], "", context["salutation"], ""]
    for paragraph in filter(None, paragraphs):
        lines += [" ".join(paragraph.split()), ""]
    lines += [context["closing"], ""]
    for signatory in context["signatories"]:
        lines += [signatory["name"], *signatory["title_lines"], ""]
    if context["registration_url"]:
        lines += [f"{context['registration_label']}: {context['registration_url']}", context["registration_hint"], ""]
    lines += ["The signed letter is attached as a PDF."]
    return "\n".join(lines)


def pdf_filename(letter: Letter, *, recipient_code: str) -> str:
    """e.g. ITS6-invitation-MEX.pdf"""
    return f"{letter.session.code}-{letter.kind}-{recipient_code}.pdf"


def message_id(delivery: Delivery) -> str:
    """Deterministic per delivery: a resend after a crash carries the same Message-ID, so it is recognisable."""
    code = delivery.letter.session.code
    return f"<{code}.letter{delivery.letter_id}.delivery{delivery.pk}@{settings.MESSAGE_ID_DOMAIN}>"


def delivery_email(delivery: Delivery) -> EmailMessage:
    letter = delivery.letter
    values = delivery.values
    process = letter.session.process
    message = EmailMessage(
        subject=_filler(letter, values)(letter.subject),
        body=letter_plain_text(letter, values=values),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        reply_to=[process.secretariat_email] if process.secretariat_email else None,
        headers={"Message-ID": message_id(delivery)},
    )
    message.attach(
        pdf_filename(letter, recipient_code=delivery.recipient_code),
        letter_pdf(letter, values=values),
        "application/pdf",
    )
    for document in letter.attachments.all():
        with document.file.open("rb") as handle:
            message.attach(document.file.name.rsplit("/", 1)[-1], handle.read())
    return message
