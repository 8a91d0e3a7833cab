"""Refuse read-only PostgreSQL sessions whose role can write past a read-only transaction.

    await refuse_privileged_role(conn, "app")   # PermissionDeniedError naming the role, or None

`BEGIN READ ONLY` stops data changes made through the session, not what its
role may do on the server: a superuser, or a member of
`pg_execute_server_program`, `pg_write_server_files` or
`pg_read_server_files`, can still run `COPY ... TO PROGRAM`, read and write
server files, or open a second session through dblink that is not read-only.
Membership counts through any chain of roles and whether or not it is
inherited (`pg_has_role(..., 'MEMBER')`), because the session may `SET ROLE`
to any role it is a member of.
"""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection, AsyncRawCursor
from pygent.core.errors import PermissionDeniedError

OPT_IN = "unsafe_allow_privileged_role"
SERVER_ROLES = ("pg_execute_server_program", "pg_write_server_files", "pg_read_server_files")

# The session user itself first, then superuser roles, then the predefined ones.
PRIVILEGED_ROLES = """
SELECT session_user, r.rolname, r.rolsuper
FROM pg_roles r
WHERE pg_has_role(session_user, r.oid, 'MEMBER') AND (r.rolsuper OR r.rolname = ANY($1))
ORDER BY r.rolname = session_user DESC, r.rolsuper DESC, r.rolname
"""


async def refuse_privileged_role(conn: AsyncConnection[Any], name: str) -> None:
    """Raise when the session's role could escape a read-only transaction.

    Raises:
        PermissionDeniedError: the role is, or may become, a superuser, or is a
            member of one of `SERVER_ROLES`.
    """
    cursor = AsyncRawCursor(conn)
    await cursor.execute(PRIVILEGED_ROLES, [list(SERVER_ROLES)], prepare=False)
    rows = await cursor.fetchall()
    if not rows:
        return
    user, role, superuser = rows[0]
    if role == user:
        why = f"role {user!r} is a superuser"
    elif superuser:
        why = f"role {user!r} is a member of superuser role {role!r}"
    else:
        why = f"role {user!r} is a member of {', '.join(r[1] for r in rows)}"
    raise PermissionDeniedError(
        f"refusing read-only connection {name!r}: {why}, which can write through dblink or COPY ... TO PROGRAM; "
        f"connect as a role without superuser, {', '.join(SERVER_ROLES)}, or set {OPT_IN} (unsafe)"
    )
