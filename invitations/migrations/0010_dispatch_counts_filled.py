"""Fills the dispatches' kept counts (0009) from their deliveries' mails, as invitations.dispatch.dispatch_recount
counts them. Only rows of invitations_dispatch are written, and no table is altered after them in this migration
(PostgreSQL's deferred foreign keys: see 0008)."""

from django.db import migrations
from django.db.models import Count, Q


def counts_filled(apps, schema_editor):
    Dispatch = apps.get_model("invitations", "Dispatch")
    for dispatch in Dispatch.objects.annotate(
        deliveries_counted=Count("deliveries"),
        sent_counted=Count("deliveries", filter=Q(deliveries__mail__status="sent")),
        failed_counted=Count("deliveries", filter=Q(deliveries__mail__status="failed")),
    ).only("pk"):
        Dispatch.objects.filter(pk=dispatch.pk).update(
            delivery_count=dispatch.deliveries_counted,
            sent_count=dispatch.sent_counted,
            failed_count=dispatch.failed_counted,
        )


class Migration(migrations.Migration):
    dependencies = [("invitations", "0009_dispatch_counts")]

    operations = [migrations.RunPython(counts_filled, migrations.RunPython.noop)]
