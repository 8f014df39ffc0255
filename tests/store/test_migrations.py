"""Alembic migrations on empty SQLite and PostgreSQL databases: up, down, up again, and no drift."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select

from bot.store import migrate
from bot.store.database import make_engine
from bot.store.tables import Base, RevisionRow

TABLES = set(Base.metadata.tables)


@pytest.fixture
def engine(empty_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_the_metadata_declares_every_table_of_the_design() -> None:
    assert {
        "sources",
        "passages",
        "facts",
        "fact_answers",
        "questions",
        "audit_entries",
        "unanswered",
        "feedback",
        "kb_meta",
        "kb_revision",
    } == TABLES


def test_upgrade_downgrade_and_upgrade_again(engine: Engine) -> None:
    assert _tables(engine) == set()
    assert migrate.current(engine) is None

    migrate.upgrade(engine)
    assert _tables(engine) == TABLES
    assert migrate.current(engine) == migrate.head()
    with engine.connect() as connection:
        assert connection.execute(select(RevisionRow.revision)).scalars().all() == [0]

    migrate.downgrade(engine, "base")
    assert _tables(engine) == set()
    assert migrate.current(engine) is None

    migrate.upgrade(engine)
    assert _tables(engine) == TABLES
    assert migrate.current(engine) == migrate.head()


def test_ensure_schema_migrates_only_when_behind(engine: Engine) -> None:
    assert migrate.ensure_schema(engine) is True
    assert migrate.ensure_schema(engine) is False
    assert _tables(engine) == TABLES


def test_migrated_schema_equals_the_sqlalchemy_metadata(engine: Engine) -> None:
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
