"""Webhook mode: with TELEGRAM_WEBHOOK_URL set, PTB's tornado server receives updates, each checked for the secret."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram.error import BadRequest, TelegramError
from telegram.ext import Updater

from bot.adapters.errors import StartupError
from bot.config import Settings

# What Telegram accepts as `secret_token` (setWebhook): 1-256 characters A-Z, a-z, 0-9, _ and -.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts (`url`, usually a reverse proxy) and where the bot listens for it."""

    url: str
    secret: str
    listen: str
    port: int

    @property
    def route(self) -> str:
        """The URL's path as the tornado route (a regex, so escaped): proxies forward the path unchanged."""
        return re.escape(urlsplit(self.url).path.strip("/"))


def webhook_from(settings: Settings) -> Webhook | None:
    """None for long polling; a StartupError for a webhook Telegram or an attacker could misuse."""
    url = (settings.telegram_webhook_url or "").strip()
    if not url:
        return None
    secret = settings.telegram_webhook_secret.get_secret_value().strip() if settings.telegram_webhook_secret else ""
    if not secret:
        raise StartupError(
            "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not (a webhook without a secret accepts "
            "forged updates)"
        )
    if not _SECRET.fullmatch(secret):
        raise StartupError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StartupError("TELEGRAM_WEBHOOK_URL must be an https:// URL (http:// for a local Bot API server)")
    return Webhook(url, secret, settings.telegram_webhook_listen, settings.telegram_webhook_port)


async def start_webhook(updater: Updater, webhook: Webhook, allowed_updates: Sequence[str]) -> None:
    """setWebhook with the secret, then listen; requests without the right secret get 403 from PTB."""
    try:
        await updater.start_webhook(
            listen=webhook.listen,
            port=webhook.port,
            url_path=webhook.route,
            webhook_url=webhook.url,
            secret_token=webhook.secret,
            allowed_updates=list(allowed_updates),
        )
    except BadRequest as exc:
        raise StartupError(f"the Bot API refused the webhook ({exc.message})") from None
    except TelegramError as exc:
        raise StartupError(f"setWebhook failed ({type(exc).__name__})") from None
    except OSError as exc:
        raise StartupError(f"cannot listen on {webhook.listen}:{webhook.port} ({exc.strerror or exc})") from None
