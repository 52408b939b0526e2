"""Delivery addresses are stored lower-cased and unique per dispatch and per letter on the lower-cased address.

Existing rows are lowered first. Where one letter already went to one address in two cases (the bug this fixes:
`PM.MEX@…` in a CSV after `pm.mex@…` in the Member States' dispatch), one row is kept per address: the first one
sent, or else the oldest. The others are deleted and listed on the migration's output: a duplicate not yet sent
would only send the letter twice; a duplicate already sent is listed with its Message-ID so the record is kept.
"""

from django.db import migrations, models
from django.db.models.functions import Lower


def lower_addresses(apps, schema_editor):
    Delivery = apps.get_model("invitations", "Delivery")
    groups: dict[tuple[int, str], list] = {}
    for delivery in Delivery.objects.order_by("pk").only("pk", "letter_id", "email", "status", "sent_at", "message_id"):
        groups.setdefault((delivery.letter_id, delivery.email.strip().lower()), []).append(delivery)
    for (letter_id, address), rows in groups.items():
        rows.sort(key=lambda row: (row.status != "sent", row.sent_at is None, row.sent_at, row.pk))
        keep, *duplicates = rows
        for duplicate in duplicates:
            print(
                f"\n  invitations: letter {letter_id}: delivery {duplicate.pk} <{duplicate.email}> ({duplicate.status}"
                f"{', sent ' + duplicate.sent_at.isoformat() + ' as ' + duplicate.message_id if duplicate.sent_at else ''})"
                f" deleted: delivery {keep.pk} has this address",
                end="",
            )
            duplicate.delete()
        if keep.email != address:
            Delivery.objects.filter(pk=keep.pk).update(email=address)


class Migration(migrations.Migration):
    dependencies = [
        ("invitations", "0002_audiences_of_stakeholders_and_delegates"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="delivery", name="delivery_once_per_dispatch_and_address"),
        migrations.RemoveConstraint(model_name="delivery", name="delivery_once_per_letter_and_address"),
        migrations.RunPython(lower_addresses, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                models.F("dispatch"), Lower("email"), name="delivery_once_per_dispatch_and_address"
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                models.F("letter"), Lower("email"), name="delivery_once_per_letter_and_address"
            ),
        ),
    ]
