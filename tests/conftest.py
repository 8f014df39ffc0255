"""Fixtures that build real objects: a migrated, seeded SQLite store and the services on top of it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bootstrap import App, build
from bot.config import Settings
from bot.core.model import Actor
from bot.core.service import FactBot

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
