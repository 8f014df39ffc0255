"""Store fixtures: empty databases (no schema yet) on SQLite and on the session's PostgreSQL server."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _admin
from tests.pgserver import PgServer


@pytest.fixture
def empty_pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh PostgreSQL database without any table."""
    name = f"factbot_empty_{uuid.uuid4().hex[:12]}"
    _admin(pg_server, f"CREATE DATABASE {name}")
    yield pg_server.url_for(name)
    _admin(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on SQLite and on PostgreSQL, for tests that migrate from scratch."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return request.getfixturevalue("empty_pg_url")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """For tests that run `bot.cli.main`, which configures the root logger for its process."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
