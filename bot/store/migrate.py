"""Schema migrations through Alembic, configured in code so `python -m bot db upgrade` needs no ini file."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 72_170_001  # pg_advisory lock key: one process migrates, the others wait


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new revision (developers review it before committing)."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)


def ensure_schema(engine: Engine) -> bool:
    """Upgrade to head when behind; True when something ran. Safe when several processes start at once."""
    target = head()
    if current(engine) == target:
        return False
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        if MigrationContext.configure(connection).get_current_revision() == target:
            return False
        command.upgrade(_config(connection), "head")
    return True
