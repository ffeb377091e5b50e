"""The database itself keeps audit rows: no update of a security event, no deletion under 180 days.

Applies to accounts_securityevent (logins, grants …) and auditlog_logentry (data changes).
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS securityevent_immutable BEFORE UPDATE ON accounts_securityevent
       BEGIN SELECT RAISE(ABORT, 'audit rows are immutable'); END""",
    """CREATE TRIGGER IF NOT EXISTS securityevent_retention BEFORE DELETE ON accounts_securityevent
       WHEN OLD.occurred_at > datetime('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'audit rows younger than 180 days cannot be deleted'); END""",
    """CREATE TRIGGER IF NOT EXISTS logentry_retention BEFORE DELETE ON auditlog_logentry
       WHEN OLD.timestamp > datetime('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'audit rows younger than 180 days cannot be deleted'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS securityevent_immutable",
    "DROP TRIGGER IF EXISTS securityevent_retention",
    "DROP TRIGGER IF EXISTS logentry_retention",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION xiangcun_securityevent_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION 'audit rows are immutable'; END IF;
         IF OLD.occurred_at > now() - interval '180 days' THEN
           RAISE EXCEPTION 'audit rows younger than 180 days cannot be deleted';
         END IF;
         RETURN OLD;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER securityevent_guard BEFORE UPDATE OR DELETE ON accounts_securityevent
       FOR EACH ROW EXECUTE FUNCTION xiangcun_securityevent_guard()""",
    """CREATE OR REPLACE FUNCTION xiangcun_logentry_guard() RETURNS trigger AS $$
       BEGIN
         IF OLD.timestamp > now() - interval '180 days' THEN
           RAISE EXCEPTION 'audit rows younger than 180 days cannot be deleted';
         END IF;
         RETURN OLD;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER logentry_guard BEFORE DELETE ON auditlog_logentry
       FOR EACH ROW EXECUTE FUNCTION xiangcun_logentry_guard()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS securityevent_guard ON accounts_securityevent",
    "DROP TRIGGER IF EXISTS logentry_guard ON auditlog_logentry",
    "DROP FUNCTION IF EXISTS xiangcun_securityevent_guard()",
    "DROP FUNCTION IF EXISTS xiangcun_logentry_guard()",
]


def run(statements: dict):
    def apply(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("auditlog", "__latest__"),
    ]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
