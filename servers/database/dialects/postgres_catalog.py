"""Catalog queries for PostgreSQL: schemas, tables and one table's structure.

Every name arrives as a bound parameter (`$1`), never as SQL text.
"""

from __future__ import annotations

SYSTEM_SCHEMA = "(n.nspname LIKE 'pg\\_%' OR n.nspname = 'information_schema')"

SCHEMAS = f"""
SELECT n.nspname FROM pg_namespace n
WHERE NOT {SYSTEM_SCHEMA}
ORDER BY n.nspname
"""

TABLES = f"""
SELECT n.nspname, c.relname,
       CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                      WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table' END,
       CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND NOT c.relispartition
  AND ($1::text IS NULL AND NOT {SYSTEM_SCHEMA} OR n.nspname = $1::text)
ORDER BY n.nspname, c.relname
"""

FIND_TABLE = """
SELECT c.oid::bigint,
       CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                      WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table' END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1::text AND c.relname = $2::text AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
"""

COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
       COALESCE(a.attnum = ANY (p.conkey), false)
FROM pg_attribute a
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_constraint p ON p.conrelid = a.attrelid AND p.contype = 'p'
WHERE a.attrelid = $1::bigint::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""

PRIMARY_KEY = """
SELECT a.attname
FROM pg_constraint p
CROSS JOIN LATERAL unnest(p.conkey) WITH ORDINALITY AS k(attnum, position)
JOIN pg_attribute a ON a.attrelid = p.conrelid AND a.attnum = k.attnum
WHERE p.conrelid = $1::bigint::oid AND p.contype = 'p'
ORDER BY k.position
"""

FOREIGN_KEYS = """
SELECT c.conname, rn.nspname, r.relname,
       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
       ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i),
       c.confupdtype::text, c.confdeltype::text
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.confrelid
JOIN pg_namespace rn ON rn.oid = r.relnamespace
WHERE c.conrelid = $1::bigint::oid AND c.contype = 'f'
ORDER BY c.conname
"""

INDEXES = """
SELECT i.relname, ix.indisunique, ix.indisprimary, pg_get_indexdef(ix.indexrelid),
       ARRAY(SELECT COALESCE(a.attname, '<expression>')
             FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(n, p)
             LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n
             ORDER BY k.p)
FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid
WHERE ix.indrelid = $1::bigint::oid
ORDER BY i.relname
"""

REFERENTIAL_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
