"""Alembic environment: runs on the connection ``ita_core.db`` hands over, or on the URL."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import ita_core.models  # noqa: F401 - registers the tables on SQLModel.metadata
from ita_core.settings import get_settings

target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url") or get_settings().database_url
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
