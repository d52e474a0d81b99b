"""Wall search (walls.selectors.search_page), on PostgreSQL: pg_trgm's GIN indexes over
`walls_search_text(text)`, which answer `Holds` (`walls_search_text(column) LIKE
walls_search_text('%q%')`) for queries of three characters or more, in Chinese as in English
(pg_trgm keeps CJK characters under a UTF-8 locale).

`walls_search_text` is UPPER, written in PL/pgSQL so the planner does not inline it, and
declared costly: to the planner UPPER costs nothing, so it scanned a 20,000-post wall
(14 ms) rather than read the index (1.7 ms). SQLite (`make run`) scans."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION walls_search_text(text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000
AS $$ BEGIN RETURN upper($1); END $$
"""
INDEXES = {
    "wall_post_body_trgm": "walls_post USING gin (walls_search_text(body) gin_trgm_ops)",
    "wall_post_to_trgm": 'walls_post USING gin (walls_search_text("to") gin_trgm_ops)',
    "wall_comment_body_trgm": "walls_comment USING gin (walls_search_text(body) gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(FUNCTION)
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS walls_search_text(text)")


class Migration(migrations.Migration):
    dependencies = [("walls", "0016_verification")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
