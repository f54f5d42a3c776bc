"""Database-level protection of the audit trail (PI-8): rows cannot be updated, and rows younger
than the 184-day legal floor cannot be deleted. The application guards too; this stops a
direct SQL session. (PostgreSQL's TRUNCATE, used by test flushes, fires no row triggers.)"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION hiqc_audit_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit events are append-only';
  END IF;
  IF OLD.at > now() - interval '184 days' THEN
    RAISE EXCEPTION 'audit events younger than 184 days cannot be deleted (PI-8)';
  END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_guard BEFORE UPDATE OR DELETE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION hiqc_audit_guard();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_guard ON core_auditevent;
DROP FUNCTION IF EXISTS hiqc_audit_guard();
"""
SQLITE_UP = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS core_auditevent_no_update;"]


def up(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            cur.execute(PG_UP)
        elif conn.vendor == "sqlite":
            for sql in SQLITE_UP:
                cur.execute(sql)


def down(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            cur.execute(PG_DOWN)
        elif conn.vendor == "sqlite":
            for sql in SQLITE_DOWN:
                cur.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
