"""A letter for one recipient: its placeholder values, the plain context of the PDF template, the PDF, the e-mail."""

from dataclasses import dataclass
from html import unescape
from pathlib import Path

import segno
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from compact_portal.markup import markdown_to_html
from compact_portal.pdf import render_document, render_time_limit
from invitations import placeholders
from invitations.models import TEXT_FIELDS, Delivery, Letter
from registrations.models import PermanentMission
from sessions.models import SessionDocument

LETTER_TEMPLATE = "invitations/letter.html"
RTL_LANGUAGES = {"ar"}
FIT_STEPS = 2  # .fit-1, .fit-2 in letter.css
LETTER_MAX_PAGES = 8  # a bounded body is at most ~5 pages; more means something is wrong: stop laying out


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    page_count: int
    fit_step: int  # 0: the normal size; 1, 2: set smaller to fit one page


def mission_values(mission: PermanentMission, *, language: str) -> dict[str, str]:
    """The mission's placeholder values in `language`; its name in English where it has none in `language`, and then
    `recipient_language` "en" so that the letter marks the recipient line as English."""
    name, name_language = mission.name_in(language)
    return {
        "recipient_name": name,
        "mission_name": name,
        **({"recipient_language": name_language} if name_language != language else {}),
        "state_name": mission.state.name(language),
        "head_honorific": mission.head_honorific,
        "head_name": mission.head_name,
        "head_title": mission.head_title,
    }


def sample_values(letter: Letter) -> dict[str, str]:
    """Values for a preview without a recipient: each placeholder shows its own name."""
    return {name: f"[{name}]" for name in placeholders.RECIPIENT_PLACEHOLDERS}


def letter_content(letter: Letter, *, language: str | None = None) -> dict:
    """Everything a delivery in `language` renders, as plain JSON values: what a LetterRevision freezes.

    `language` falls back to the letter's main language when the letter has no version in it."""
    language = letter.language_for(language or letter.language)
    version = letter.version_for(language)
    signatories = list(letter.signatories.all()) if letter.pk else []
    titles = version.titles() if version is not letter else []
    return {
        "language": language,
        **{field: getattr(version, field) for field in TEXT_FIELDS},
        "signatories": [
            {
                "name": signatory.name,
                "title": titles[index] if index < len(titles) else signatory.title,
                "letterhead": signatory.letterhead,
                "emblem": signatory.emblem.name or "",
                "signature": signatory.signature.name or "",
            }
            for index, signatory in enumerate(signatories)
        ],
        # Only ids: a document is not frozen with the letter (documents are replaced by uploading a new one).
        "attachments": sorted(letter.attachments.values_list("pk", flat=True)) if letter.pk else [],
    }


def _filler(session, language: str, values: dict[str, str]):
    """A function that fills a field's placeholders with the session's and the recipient's values."""
    values = placeholders.session_values(session, language=language) | values

    def text(value: str, *, html: bool = False) -> str:
        return placeholders.fill(value, values, html=html)

    return text


def is_signed(content: dict) -> bool:
    """True when every signatory's signature image is there: only then do the letter and e-mail say "signed"."""
    return bool(content["signatories"]) and all(s["signature"] for s in content["signatories"])


def _file_url(root, name: str) -> str:
    return (Path(root) / name).resolve().as_uri() if name else ""


def content_context(content: dict, *, session, values: dict[str, str], fit_step: int = 0) -> dict:
    """The plain values templates/invitations/letter.html receives; no model object reaches the template."""
    language = content["language"]
    text = _filler(session, language, values)
    signatories = content["signatories"]
    subject = text(content["subject"])
    return {
        "language": language,
        "direction": "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr",
        "subject": subject,
        "title": " — ".join(filter(None, [subject, values.get("recipient_name", "")])),
        "letterheads": [
            {"lines": s["letterhead"].splitlines(), "emblem": _file_url(settings.MEDIA_ROOT, s["emblem"])}
            for s in signatories
        ],
        "place_date": text(content["place_date"]),
        "salutation": values.get("salutation") or text(content["salutation"]),
        "body_html": mark_safe(text(markdown_to_html(content["body"]), html=True)),  # noqa: S308 - sanitised, values escaped
        "closing": text(content["closing"]),
        "signatories": [
            {
                "name": s["name"],
                "title_lines": s["title"].splitlines(),
                "signature": _file_url(settings.PRIVATE_MEDIA_ROOT, s["signature"]),
            }
            for s in signatories
        ],
        "addressee_lines": text(content["addressee"]).splitlines(),
        "recipient_line": values.get("recipient_name", ""),
        "recipient_language": values.get("recipient_language", ""),
        "fit_step": fit_step,
    } | registration_link_context(language, values=values)


def link_qr_svg(url: str, *, title: str) -> str:
    """A QR code of the link; error correction L keeps the modules large enough to scan at 17 mm."""
    return segno.make(url, error="l").svg_inline(scale=1, omitsize=True, title=title, svgclass="qr")


def registration_link_context(language: str, *, values: dict[str, str]) -> dict:
    """The mission's own way in, printed at the foot of its letter: the signed link of this delivery (its value
    `registration_url`, written by audiences.py) as text and as a QR code. Empty for recipients without one."""
    url = values.get("registration_url", "")
    if not url:
        return {"registration_url": ""}
    with translation.override(language):
        label = gettext("Register your delegation")
        hint = gettext("Open this link, or scan the code, to register your delegation or to say it will not attend.")
    return {
        "registration_url": url,
        "registration_label": label,
        "registration_hint": hint,
        "registration_qr": mark_safe(link_qr_svg(url, title=label)),  # noqa: S308 - segno's SVG, no user markup
    }


def letter_context(letter: Letter, *, values: dict[str, str], language: str | None = None) -> dict:
    return content_context(letter_content(letter, language=language), session=letter.session, values=values)


def content_pdf(
    content: dict, *, session, values: dict[str, str], time_limit: float | None = None, context: dict | None = None
) -> RenderedPdf:
    """The letter as a PDF, on one page if its text can be made to fit: each step sets the body a little smaller
    and tighter (letter.css, .fit-1 and .fit-2, down to 10 pt), and the first rendering on one page is kept.
    A letter that does not fit at the smallest step runs on to a second page at the normal size. `context`: the
    letter's content_context when the caller has it already (it is filled once, whatever the steps)."""
    with render_time_limit(time_limit if time_limit is not None else settings.LETTER_RENDER_TIME_LIMIT_SECONDS):
        context = context or content_context(content, session=session, values=values)
        first = None
        for step in range(FIT_STEPS + 1):
            rendered = render_document(
                template_name=LETTER_TEMPLATE, context=context | {"fit_step": step}, max_pages=LETTER_MAX_PAGES
            )
            first = first or rendered
            if rendered.page_count == 1:
                return RenderedPdf(rendered.write(), 1, step)
            if rendered.page_count > 2:
                break  # far from one page: no step would bring it back
        return RenderedPdf(first.write(), first.page_count, 0)


def letter_rendered(letter: Letter, *, values: dict[str, str], language: str | None = None, **kwargs) -> RenderedPdf:
    return content_pdf(letter_content(letter, language=language), session=letter.session, values=values, **kwargs)


def letter_pdf(letter: Letter, *, values: dict[str, str], language: str | None = None) -> bytes:
    return letter_rendered(letter, values=values, language=language).pdf


def content_plain_text(content: dict, *, session, values: dict[str, str], context: dict | None = None) -> str:
    """The e-mail's text part: the letter as plain paragraphs, for clients that show no attachment. `context`: as
    content_pdf's."""
    context = context or content_context(content, session=session, values=values)
    paragraphs = [unescape(strip_tags(p)).strip() for p in str(context["body_html"]).split("</p>")]
    lines = [context["place_date"], "", context["salutation"], ""]
    for paragraph in filter(None, paragraphs):
        lines += [" ".join(paragraph.split()), ""]
    lines += [context["closing"], ""]
    for signatory in context["signatories"]:
        lines += [signatory["name"], *signatory["title_lines"], ""]
    if context["registration_url"]:
        lines += [f"{context['registration_label']}: {context['registration_url']}", context["registration_hint"], ""]
    with translation.override(content["language"]):
        lines += [
            gettext("The signed letter is attached as a PDF.")
            if is_signed(content)
            else gettext("The letter is attached as a PDF, with the signatories' names and without signatures.")
        ]
    return "\n".join(lines)


def letter_plain_text(letter: Letter, *, values: dict[str, str], language: str | None = None) -> str:
    return content_plain_text(letter_content(letter, language=language), session=letter.session, values=values)


def pdf_filename(letter: Letter, *, recipient_code: str) -> str:
    """e.g. ITS6-invitation-MEX.pdf"""
    return f"{letter.session.code}-{letter.kind}-{recipient_code}.pdf"


def message_id(delivery: Delivery) -> str:
    """Deterministic per delivery: a resend after a crash carries the same Message-ID, so it is recognisable."""
    code = delivery.letter.session.code
    return f"<{code}.letter{delivery.letter_id}.delivery{delivery.pk}@{settings.MESSAGE_ID_DOMAIN}>"


def delivery_content(delivery: Delivery) -> dict:
    """The frozen text the delivery was made with (every delivery has its revision)."""
    return delivery.revision.content


def delivery_email(delivery: Delivery) -> EmailMessage:
    letter = delivery.letter
    session = letter.session
    values = delivery.values
    content = delivery_content(delivery)
    process = session.process
    # Filled once for the subject, the text part and the PDF (the session's values are a query and dates to format).
    context = content_context(content, session=session, values=values)
    message = EmailMessage(
        subject=context["subject"],
        body=content_plain_text(content, session=session, values=values, context=context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        reply_to=[process.secretariat_email] if process.secretariat_email else None,
        headers={"Message-ID": message_id(delivery)},
    )
    message.attach(
        pdf_filename(letter, recipient_code=delivery.recipient_code),
        content_pdf(content, session=session, values=values, context=context).pdf,
        "application/pdf",
    )
    for document in attachments_for(content):
        with document.file.open("rb") as handle:
            message.attach(document.file.name.rsplit("/", 1)[-1], handle.read())
    return message


def attachments_for(content: dict) -> list[SessionDocument]:
    """The letter's attached documents for this version: of a document attached in several languages (the
    procedural note in six), the one in the version's language, else English, else the first."""
    by_kind: dict[str, list[SessionDocument]] = {}
    for document in SessionDocument.objects.filter(pk__in=content["attachments"]).order_by("kind", "pk"):
        by_kind.setdefault(document.kind, []).append(document)
    chosen = []
    for documents in by_kind.values():
        languages = {document.language: document for document in documents}
        chosen.append(languages.get(content["language"]) or languages.get("en") or documents[0])
    return chosen
