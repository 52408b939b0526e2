"""Every delivery is pinned to a frozen revision of its letter; from now on a delivery without one cannot be saved.

Deliveries made before revisions existed (migration 0006) had none and rendered the letter's current text, so an edit
after sending changed what a retry or a re-send would carry. Each is pinned here to a revision frozen from its
letter's main text as it is now (reused if a revision with that very content exists already). This is the best that
can be known: what such a delivery carried when it was sent was never recorded, and the letter's current text is what
it would render today. The content is built as invitations.rendering.letter_content builds it for the main language
(copied here: a migration must not change when that code does)."""

import hashlib
import json

import django.db.models.deletion
from django.db import migrations, models

TEXT_FIELDS = ("place_date", "subject", "salutation", "body", "closing", "addressee")


def _content(letter) -> dict:
    return {
        "language": letter.language,
        **{field: getattr(letter, field) for field in TEXT_FIELDS},
        "signatories": [
            {
                "name": signatory.name,
                "title": signatory.title,
                "letterhead": signatory.letterhead,
                "emblem": signatory.emblem.name or "",
                "signature": signatory.signature.name or "",
            }
            for signatory in letter.signatories.order_by("order", "id")
        ],
        "attachments": sorted(letter.attachments.values_list("pk", flat=True)),
    }


def pin_unpinned_deliveries(apps, schema_editor):
    Delivery = apps.get_model("invitations", "Delivery")
    Letter = apps.get_model("invitations", "Letter")
    LetterRevision = apps.get_model("invitations", "LetterRevision")
    letter_ids = Delivery.objects.filter(revision__isnull=True).values_list("letter_id", flat=True).distinct()
    for letter in Letter.objects.filter(pk__in=list(letter_ids)):
        content = _content(letter)
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        revision = LetterRevision.objects.filter(letter=letter, digest=digest).first()
        if revision is None:
            last = LetterRevision.objects.filter(letter=letter).aggregate(models.Max("number"))["number__max"]
            revision = LetterRevision.objects.create(
                letter=letter, language=letter.language, number=(last or 0) + 1, content=content, digest=digest
            )
        Delivery.objects.filter(letter=letter, revision__isnull=True).update(revision=revision)


def constraints_checked_now(apps, schema_editor):
    """PostgreSQL: check the deferred foreign keys of the rows just written now, so that the ALTER TABLE that follows
    in the same transaction does not meet "pending trigger events"."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("invitations", "0006_letter_versions_revisions_emblems_signatures")]

    operations = [
        migrations.RunPython(pin_unpinned_deliveries, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(constraints_checked_now, constraints_checked_now),
        migrations.AlterField(
            model_name="delivery",
            name="revision",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deliveries",
                to="invitations.letterrevision",
            ),
        ),
    ]
