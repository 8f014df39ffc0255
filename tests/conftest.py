"""Fixtures that build real objects: a migrated, seeded SQLite store and the services on top of it."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.bootstrap import App, build
from bot.config import Settings
from bot.core.model import Actor
from bot.core.service import FactBot
from tests.pgserver import PgServer, missing_binaries

ROOT = Path(__file__).resolve().parent.parent
FACTS_DIR = ROOT / "facts"
SHARED = ROOT.parent / "shared"


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for tests: no .env file, no platform tokens unless a test passes them."""
    values: dict[str, object] = {
        "database_url": database_url,
        "facts_dir": FACTS_DIR,
        "telegram_bot_token": None,
        "discord_bot_token": None,
        "rate_limit_per_minute": 0,
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated and seeded database per test session; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "bot.sqlite3"
    build(make_settings(f"sqlite:///{path}")).close()
    return path


@pytest.fixture
def database_url(seeded_sqlite: Path, tmp_path: Path) -> str:
    path = tmp_path / "bot.sqlite3"
    shutil.copy(seeded_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    app = build(settings)
    yield app
    app.close()


@pytest.fixture
def bot(app: App) -> FactBot:
    return app.bot


@pytest.fixture
def moderator() -> Actor:
    return Actor(platform="test", user_id="mod-1", name="Mod One", is_moderator=True)


@pytest.fixture
def visitor() -> Actor:
    return Actor(platform="test", user_id="user-1", name="Visitor", is_moderator=False)


# --- PostgreSQL -----------------------------------------------------------------------------
# `make test` runs everything marked `postgres` against a real server started here; CI sets
# REQUIRE_POSTGRES=1 so that missing binaries fail the run instead of skipping quietly.


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    missing = missing_binaries()
    if missing:
        message = f"PostgreSQL binaries not found ({', '.join(missing)}): PostgreSQL tests are SKIPPED"
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(message + " but REQUIRE_POSTGRES is set")
        print(f"\n*** {message} ***")
        pytest.skip(message)
    server = PgServer.start()
    yield server
    server.stop()


def _admin(server: PgServer, sql: str) -> None:
    engine = create_engine(server.url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(sql))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """A migrated, seeded database that every PostgreSQL test clones."""
    _admin(pg_server, "CREATE DATABASE factbot_template")
    build(make_settings(pg_server.url_for("factbot_template"))).close()
    return "factbot_template"


@pytest.fixture
def pg_database_url(pg_server: PgServer, pg_template: str) -> Iterator[str]:
    name = f"factbot_{uuid.uuid4().hex[:12]}"
    _admin(pg_server, f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    yield pg_server.url_for(name)
    _admin(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """Store and moderation tests run once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("database_url")
    return request.getfixturevalue("pg_database_url")


@pytest.fixture
def store_app(store_url: str) -> Iterator[App]:
    app = build(make_settings(store_url))
    yield app
    app.close()
