"""Settings from the environment or `.env`; an empty value counts as unset, tokens stay secret."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import unquote

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

IdList = Annotated[list[int], NoDecode]


def _ids(value: object) -> object:
    """'123, 456' → [123, 456]; lists pass through."""
    if isinstance(value, str):
        return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
    return value


def _database_secrets(url: str) -> list[str]:
    """The password in DATABASE_URL, also as its pieces around an unencoded '@': SQLAlchemy then reads
    `user:p4ss@word@host` as password `p4ss` and host `word@host`, and a connection error names that host."""
    userinfo = url.partition("://")[2].rpartition("@")[0]
    password = userinfo.partition(":")[2]
    return [part for text in {password, unquote(password)} for part in (text, *text.split("@")) if part]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    database_url: str = "sqlite:///./data/bot.sqlite3"
    facts_dir: Path = Path(__file__).resolve().parent.parent / "facts"
    log_level: str = "INFO"
    log_questions: bool = True
    rate_limit_per_minute: int = Field(default=20, ge=0)
    sync_interval_seconds: float = Field(default=2.0, gt=0)
    metrics_port: int | None = None

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    telegram_moderator_ids: IdList = []
    telegram_moderator_chat_id: int | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = 8443

    discord_bot_token: SecretStr | None = None
    discord_api_base_url: str | None = None
    discord_gateway_url: str | None = None
    discord_guild_ids: IdList = []
    discord_moderator_role_ids: IdList = []
    discord_shard_count: int | None = None
    discord_shard_ids: IdList = []

    platform: Literal["telegram", "discord", "all"] = "all"

    _split_ids = field_validator(
        "telegram_moderator_ids", "discord_guild_ids", "discord_moderator_role_ids", "discord_shard_ids", mode="before"
    )(_ids)

    def secret_values(self) -> list[str]:
        """Everything that must never reach a log line or an error message."""
        tokens = (self.telegram_bot_token, self.discord_bot_token, self.telegram_webhook_secret)
        return [t.get_secret_value() for t in tokens if t] + _database_secrets(self.database_url)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token and self.telegram_bot_token.get_secret_value().strip())

    @property
    def discord_enabled(self) -> bool:
        return bool(self.discord_bot_token and self.discord_bot_token.get_secret_value().strip())
