"""The database itself refuses to rewrite the audit log (an UPDATE on audit rows aborts)."""

from django.db import migrations

TABLE = "calendar_app_auditentry"

SQL = {
    "sqlite": (
        [
            f"CREATE TRIGGER auditentry_append_only BEFORE UPDATE ON {TABLE} "
            "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"
        ],
        ["DROP TRIGGER IF EXISTS auditentry_append_only;"],
    ),
    "postgresql": (
        [
            "CREATE OR REPLACE FUNCTION vitrine_audit_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql;",
            f"CREATE TRIGGER auditentry_append_only BEFORE UPDATE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION vitrine_audit_append_only();",
        ],
        [
            f"DROP TRIGGER IF EXISTS auditentry_append_only ON {TABLE};",
            "DROP FUNCTION IF EXISTS vitrine_audit_append_only();",
        ],
    ),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor in SQL:
        for statement in SQL[schema_editor.connection.vendor][0]:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor in SQL:
        for statement in SQL[schema_editor.connection.vendor][1]:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("calendar_app", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
