"""SQL over named connections: SQLite files (the embedded default) and PostgreSQL.

Read-only is enforced by the databases themselves, never by parsing SQL:
SQLite connections are opened `mode=ro` with `query_only` and an authorizer,
PostgreSQL queries run in read-only transactions that are always rolled back,
one statement per call through the extended query protocol, under a
statement timeout. `execute` exists only when a connection is writable.

    pygent server database --connection app=postgresql://reader@db/app
"""
