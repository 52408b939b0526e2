"""The seed letter (shared reference 000_4aefcd8dca333f53.txt) as the demo's sixth-session invitation: one letter
in English with its French and Spanish versions, the two signatories' emblems and signatures. Idempotent: the
letter is found by session and kind and rewritten.

The images are drawn here, not taken from anywhere: a plain seal for Mexico (not its coat of arms) and the
Swiss cross on red, and a pen-like stroke for each signature. Each says in its <title> that it is a demo image.
"""

import math

from django.core.files.base import ContentFile
from django.db import transaction

from compact_portal.demo_accounts import DEMO_REASON
from invitations import services
from invitations.models import Letter, LetterVersion, Signatory
from sessions.models import ThematicSession

SWISS_CONFEDERATION = (
    "Schweizerische Eidgenossenschaft\nConfédération suisse\nConfederazione Svizzera\nConfederaziun svizra"
)

LETTERS = {
    "en": {
        "place_date": "New York, 11 September 2017",
        "subject": "Invitation: {{ session_ordinal }} informal thematic session, {{ session_dates }}, {{ venue_city }}",
        "salutation": "Excellency,",
        "body": """\
We are pleased to write to you in our capacity as co-facilitators to lead the intergovernmental consultations and \
negotiations on issues related to the global compact for safe, orderly and regular migration, the intergovernmental \
conference, as well as their preparatory process.

The {{ session_ordinal }} informal thematic session entitled “*{{ session_title }}*” will take place on \
{{ session_dates }} in {{ venue_room }} at the United Nations Office at {{ venue_city }}. We kindly invite all Member \
and Observer States to this meeting and look forward to having interesting and constructive discussions. Your \
engagement is key to ensuring the positive outcome of this process.

In preparation for the {{ session_ordinal }} informal thematic session, we have the honour to transmit to you a \
procedural note providing information regarding the format and tentative agenda of the two-day meeting. With this \
meeting, the series of informal thematic sessions is coming to an end, before entering into the next phase of the \
preparatory process.

In addition to the session, we are pleased to invite stakeholders to an informal dialogue on {{ dialogue_date }} from \
{{ dialogue_start }} to {{ dialogue_end }}, in accordance with resolution 71/280, paragraph 8. All Member and \
Observer States are kindly invited to attend as well.

Please note that information on the preparatory process is continually updated on the dedicated website: \
<https://refugeesmigrants.un.org/migration-compact>.

Finally, please be reassured that the co-facilitators are fully at your disposal and we therefore encourage \
delegations to reach out in case of questions or concerns.""",
        "closing": "Please accept, Excellency, the assurances of our highest consideration.",
        "addressee": "Permanent Missions\nto the United Nations\nNEW YORK",
        "signatories": [
            ("Juan José Gómez-Camacho", "Ambassador and Permanent Representative of\nMexico to the United Nations",
             "PERMANENT MISSION OF MEXICO\nTO THE UNITED NATIONS"),
            ("Jürg Lauber", "Ambassador and Permanent Representative of\nSwitzerland to the United Nations",
             f"{SWISS_CONFEDERATION}\n\nPermanent Mission of Switzerland to the United Nations"),
        ],
    },
    "fr": {
        "place_date": "New York, le 11 septembre 2017",
        "subject": "Invitation : {{ session_ordinal }} session thématique informelle, {{ session_dates }}, "
        "{{ venue_city }}",
        "salutation": "Excellence,",
        "body": """\
Nous avons le plaisir de vous écrire en notre qualité de cofacilitateurs chargés de conduire les consultations et \
négociations intergouvernementales sur les questions relatives au pacte mondial pour des migrations sûres, ordonnées \
et régulières, la conférence intergouvernementale, ainsi que leur processus préparatoire.

La {{ session_ordinal }} session thématique informelle, intitulée « *{{ session_title }}* », se tiendra les \
{{ session_dates }} dans la salle de conférence XIX de l’Office des Nations Unies à Genève. Nous invitons tous \
les États Membres et États observateurs à cette réunion et nous réjouissons à la perspective de débats intéressants \
et constructifs. Votre engagement est essentiel à l’issue positive de ce processus.

En vue de la {{ session_ordinal }} session thématique informelle, nous avons l’honneur de vous transmettre une note \
de procédure présentant le format et l’ordre du jour provisoire de la réunion de deux jours. Avec cette réunion, la \
série des sessions thématiques informelles touche à sa fin, avant l’entrée dans la phase suivante du processus \
préparatoire.

En marge de la session, nous avons le plaisir d’inviter les parties prenantes à un dialogue informel le \
{{ dialogue_date }} de {{ dialogue_start }} à {{ dialogue_end }}, conformément au paragraphe 8 de la résolution \
71/280. Tous les États Membres et États observateurs sont également invités à y assister.

Les informations relatives au processus préparatoire sont régulièrement mises à jour sur le site Web consacré : \
<https://refugeesmigrants.un.org/migration-compact>.

Enfin, soyez assurés que les cofacilitateurs restent entièrement à votre disposition ; nous encourageons donc les \
délégations à prendre contact avec nous pour toute question ou préoccupation.""",
        "closing": "Veuillez agréer, Excellence, les assurances de notre très haute considération.",
        "addressee": "Missions permanentes\nauprès de l’Organisation des Nations Unies\nNEW YORK",
        "signatory_titles": "Ambassadeur et Représentant permanent\n"
        "du Mexique auprès de l’Organisation des Nations Unies\n\n"
        "Ambassadeur et Représentant permanent\nde la Suisse auprès de l’Organisation des Nations Unies",
    },
    "es": {
        "place_date": "Nueva York, 11 de septiembre de 2017",
        "subject": "Invitación: {{ session_ordinal }} sesión temática oficiosa, {{ session_dates }}, {{ venue_city }}",
        "salutation": "Excelencia:",
        "body": """\
Nos complace dirigirnos a usted en nuestra calidad de cofacilitadores encargados de dirigir las consultas y \
negociaciones intergubernamentales sobre las cuestiones relativas al pacto mundial para una migración segura, \
ordenada y regular, la conferencia intergubernamental y su proceso preparatorio.

La {{ session_ordinal }} sesión temática oficiosa, titulada “*{{ session_title }}*”, se celebrará los días \
{{ session_dates }} en la Sala de Conferencias XIX de la Oficina de las Naciones Unidas en Ginebra. Invitamos \
cordialmente a todos los Estados Miembros y Estados observadores a esta reunión y esperamos mantener debates \
interesantes y constructivos. Su participación es clave para asegurar el resultado positivo de este proceso.

Con miras a la {{ session_ordinal }} sesión temática oficiosa, tenemos el honor de transmitirle una nota de \
procedimiento con información sobre el formato y el programa provisional de la reunión de dos días. Con esta \
reunión concluye la serie de sesiones temáticas oficiosas, antes de entrar en la siguiente fase del proceso \
preparatorio.

Además de la sesión, nos complace invitar a los interesados a un diálogo oficioso el {{ dialogue_date }}, de \
{{ dialogue_start }} a {{ dialogue_end }}, de conformidad con el párrafo 8 de la resolución 71/280. Se invita \
asimismo a todos los Estados Miembros y Estados observadores a asistir.

La información sobre el proceso preparatorio se actualiza constantemente en el sitio web dedicado: \
<https://refugeesmigrants.un.org/migration-compact>.

Por último, les aseguramos que los cofacilitadores están plenamente a su disposición, por lo que alentamos a las \
delegaciones a ponerse en contacto con nosotros en caso de preguntas o inquietudes.""",
        "closing": "Aprovechamos la oportunidad para reiterar a Vuestra Excelencia las seguridades de nuestra más alta "
        "consideración.",
        "addressee": "Misiones Permanentes\nante las Naciones Unidas\nNUEVA YORK",
        "signatory_titles": "Embajador y Representante Permanente\nde México ante las Naciones Unidas"
        "\n\nEmbajador y Representante Permanente\nde Suiza ante las Naciones Unidas",
    },
}  # fmt: skip
MAIN_LANGUAGE = "en"


def _svg(title: str, width: int, height: int, body: str) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{title}</title>{body}</svg>'
    ).encode()


def demo_seal_svg() -> bytes:
    """A plain round seal in Mexico's colours (a demo image, not the coat of arms)."""
    rays = "".join(
        f'<line x1="{50 + 30 * math.cos(a):.1f}" y1="{50 + 30 * math.sin(a):.1f}" '
        f'x2="{50 + 36 * math.cos(a):.1f}" y2="{50 + 36 * math.sin(a):.1f}" stroke="#7a5c2e" stroke-width="1.5"/>'
        for a in (i * math.pi / 12 for i in range(24))
    )
    return _svg(
        "Demo seal (not an official emblem)",
        100,
        100,
        '<circle cx="50" cy="50" r="47" fill="none" stroke="#006847" stroke-width="4"/>'
        '<circle cx="50" cy="50" r="40" fill="none" stroke="#ce1126" stroke-width="2"/>'
        f"{rays}"
        '<circle cx="50" cy="50" r="22" fill="#7a5c2e"/>'
        '<path d="M38 54 Q50 34 62 54 Q50 46 38 54 Z" fill="#fff"/>',
    )


def demo_swiss_cross_svg() -> bytes:
    """The Swiss cross: a white cross on red (drawn here; a demo image)."""
    return _svg(
        "Demo emblem: white cross on red",
        100,
        100,
        '<rect width="100" height="100" rx="6" fill="#d52b1e"/>'
        '<rect x="40" y="20" width="20" height="60" fill="#fff"/>'
        '<rect x="20" y="40" width="60" height="20" fill="#fff"/>',
    )


def demo_signature_svg(seed: int) -> bytes:
    """A pen-like stroke, different per seed (a demo image, nobody's signature)."""
    points, x = [], 8.0
    for i in range(9):
        y = 30 + 14 * math.sin(i * 1.3 + seed) * (1 if i % 2 else -0.6)
        points.append(f"{x:.1f} {y:.1f}")
        x += 19 + 4 * math.cos(i + seed)
    path = (
        "M"
        + points[0]
        + "".join(
            f" Q{float(p.split()[0]) - 9:.1f} {float(p.split()[1]) - 18 * (-1) ** i:.1f} {p}"
            for i, p in enumerate(points[1:])
        )
    )
    return _svg(
        "Demo signature (not a real signature)",
        200,
        60,
        f'<path d="{path}" fill="none" stroke="#1b2a6b" stroke-width="2.2" stroke-linecap="round" '
        'stroke-linejoin="round"/><path d="M20 50 C70 44 120 52 180 46" fill="none" stroke="#1b2a6b" '
        'stroke-width="1.4" stroke-linecap="round"/>',
    )


@transaction.atomic
def demo_letters_load(*, session: ThematicSession) -> list[Letter]:
    """The sixth session's invitation: English, with French and Spanish versions. Returns [the letter]."""
    data = LETTERS[MAIN_LANGUAGE]
    letters = Letter.objects.filter(session=session, kind=Letter.Kind.INVITATION)
    letter = letters.filter(language=MAIN_LANGUAGE).first() or Letter(
        session=session, kind=Letter.Kind.INVITATION, language=MAIN_LANGUAGE
    )
    # Earlier demos made a separate French letter; it is a version now (kept if it was sent: deliveries need it).
    letters.exclude(language=MAIN_LANGUAGE).filter(deliveries__isnull=True).delete()
    if letter.pk and letter.deliveries.exists():
        return [letter]  # sent: its text is what was sent (the deliveries' revisions keep it anyway)
    for key, value in data.items():
        if key != "signatories":
            setattr(letter, key, value)
    letter.full_clean()
    # The procedural note the letter transmits, generated from the agenda: each mission gets it in its language.
    from invitations.procedural_note import procedural_note_publish

    documents = procedural_note_publish(session=session, by=None)
    # Through the services, as the admin saves them: what changed is on the letter's audit trail, marked as the demo.
    services.letter_save(letter=letter, by=None, attachments=documents, reason=DEMO_REASON)
    for language, fields in LETTERS.items():
        if language == MAIN_LANGUAGE:
            continue
        version = LetterVersion.objects.filter(letter=letter, language=language).first()
        version = version or LetterVersion(letter=letter, language=language)
        for key, value in fields.items():
            setattr(version, key, value)
        version.full_clean()
        services.letter_part_save(part=version, by=None, reason=DEMO_REASON)
    # The signatories, by their order; an emblem or signature already there is kept (a new file at every run would
    # be a change to record each time).
    existing = {signatory.order: signatory for signatory in letter.signatories.all()}
    emblems = [("seal.svg", demo_seal_svg()), ("swiss-cross.svg", demo_swiss_cross_svg())]
    for order, (name, title, letterhead) in enumerate(data["signatories"]):
        signatory = existing.pop(order, None) or Signatory(letter=letter, order=order)
        signatory.name, signatory.title, signatory.letterhead = name, title, letterhead
        if not signatory.emblem:
            signatory.emblem.save(emblems[order][0], ContentFile(emblems[order][1]), save=False)
        signatory.full_clean()
        services.letter_part_save(part=signatory, by=None, reason=DEMO_REASON)
        if not signatory.signature:
            signature = ContentFile(demo_signature_svg(order), name="signature.svg")
            services.signatory_set_signature(signatory=signatory, image=signature, by=None, reason=DEMO_REASON)
    for extra in existing.values():
        services.letter_part_delete(part=extra, by=None, reason=DEMO_REASON)
    return [letter]
