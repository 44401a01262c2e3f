"""Alembic environment: the URL comes from career_app.db (DATABASE_URL or the embedded server)."""

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on SQLModel.metadata)
from career_app.db import engine

if context.config.config_file_name is not None:
    fileConfig(context.config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata
# Machines of a deployment (`run --role ...`) may start at once and each migrates: one at a time, so
# the first upgrades and the others then find the database at head.
MIGRATION_LOCK = 0x63637067  # an arbitrary constant naming this lock among PostgreSQL advisory locks


def run_migrations_online() -> None:
    with engine().connect() as connection:
        # Index builds on a large table take longer than the request statement timeout.
        connection.exec_driver_sql("SET statement_timeout = 0")
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
        connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
            connection.commit()


run_migrations_online()
