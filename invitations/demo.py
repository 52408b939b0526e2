"""The seed letter (shared reference 000_4aefcd8dca333f53.txt) as the demo's sixth-session invitation, in English
and in French. Idempotent: each letter is found by session, kind and language and rewritten."""

from django.db import transaction

from invitations.models import Letter, Signatory
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
        "subject": "Invitation : {{ session_ordinal }} session thématique informelle, {{ session_dates }}, Genève",
        "salutation": "Excellence,",
        "body": """\
Nous avons le plaisir de vous écrire en notre qualité de cofacilitateurs chargés de conduire les consultations et \
négociations intergouvernementales sur les questions relatives au pacte mondial pour des migrations sûres, ordonnées \
et régulières, la conférence intergouvernementale, ainsi que leur processus préparatoire.

La {{ session_ordinal }} session thématique informelle, intitulée « *{{ session_title }}* », se tiendra les \
{{ session_dates }} dans la {{ venue_room }} de l’Office des Nations Unies à Genève. Nous invitons tous les États \
Membres et observateurs à cette réunion et nous réjouissons de discussions intéressantes et constructives. Votre \
engagement est essentiel à l’issue positive de ce processus.

En vue de la {{ session_ordinal }} session thématique informelle, nous avons l’honneur de vous transmettre une note \
de procédure présentant le format et l’ordre du jour provisoire de la réunion de deux jours. Avec cette réunion, la \
série des sessions thématiques informelles touche à sa fin, avant l’entrée dans la phase suivante du processus \
préparatoire.

En marge de la session, nous avons le plaisir d’inviter les parties prenantes à un dialogue informel le \
{{ dialogue_date }} de {{ dialogue_start }} à {{ dialogue_end }}, conformément au paragraphe 8 de la résolution \
71/280. Tous les États Membres et observateurs sont également invités à y assister.

Les informations sur le processus préparatoire sont régulièrement mises à jour sur le site Web consacré : \
<https://refugeesmigrants.un.org/migration-compact>.

Enfin, soyez assurés que les cofacilitateurs restent entièrement à votre disposition ; nous encourageons donc les \
délégations à prendre contact avec nous pour toute question ou préoccupation.""",
        "closing": "Veuillez agréer, Excellence, les assurances de notre très haute considération.",
        "addressee": "Missions permanentes\nauprès de l’Organisation des Nations Unies\nNEW YORK",
        "signatories": [
            ("Juan José Gómez-Camacho",
             "Ambassadeur et Représentant permanent\ndu Mexique auprès de l’Organisation des Nations Unies",
             "MISSION PERMANENTE DU MEXIQUE\nAUPRÈS DES NATIONS UNIES"),
            ("Jürg Lauber",
             "Ambassadeur et Représentant permanent\nde la Suisse auprès de l’Organisation des Nations Unies",
             f"{SWISS_CONFEDERATION}\n\nMission permanente de la Suisse auprès des Nations Unies"),
        ],
    },
}  # fmt: skip


@transaction.atomic
def demo_letters_load(*, session: ThematicSession) -> list[Letter]:
    letters = []
    for language, data in LETTERS.items():
        fields = {key: value for key, value in data.items() if key != "signatories"}
        letter = Letter.objects.filter(session=session, kind=Letter.Kind.INVITATION, language=language).first()
        letter = letter or Letter(session=session, kind=Letter.Kind.INVITATION, language=language)
        for key, value in fields.items():
            setattr(letter, key, value)
        letter.full_clean()
        letter.save()
        letter.signatories.all().delete()
        for order, (name, title, letterhead) in enumerate(data["signatories"]):
            Signatory.objects.create(letter=letter, order=order, name=name, title=title, letterhead=letterhead)
        letters.append(letter)
    return letters
