"""Indexes for the members list's search (registrations/admin/delegations.py, search_fields "^family_name" ...):
Django's `istartswith` is `col LIKE 'x%'` on SQLite, served by an index of the column COLLATE NOCASE, and
`UPPER(col::text) LIKE UPPER('x%')` on PostgreSQL, served by an index of that expression with text_pattern_ops.
Neither can be said in Meta.indexes for both databases, hence SQL per database. On SQLite, a later migration that
remakes the table would drop them: tests/registrations/test_admin_lists.py checks that the search still uses them."""

from django.db import migrations

TABLE = "registrations_delegationmember"
SEARCHED = ["family_name", "given_name", "email"]


def _name(column: str) -> str:
    return f"member_{column}_prefix"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for column in SEARCHED:
        if vendor == "postgresql":
            expression = f'UPPER("{column}"::text) text_pattern_ops'
        elif vendor == "sqlite":
            expression = f'"{column}" COLLATE NOCASE'
        else:
            return
        schema_editor.execute(f'CREATE INDEX "{_name(column)}" ON "{TABLE}" ({expression})')


def drop(apps, schema_editor):
    for column in SEARCHED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_name(column)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0015_registration_member_count"),
    ]

    operations = [migrations.RunPython(create, drop)]
