"""Wiring of the Telegram adapter: one `build_application()` and `serve_telegram()` for the runner."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.adapters import telegram_admin as admin
from bot.adapters import telegram_callbacks as cb
from bot.adapters import telegram_handlers as asking
from bot.adapters import telegram_moderation as dialogue
from bot.adapters.errors import StartupError
from bot.adapters.ratelimit import RateLimiter
from bot.adapters.telegram_context import DEPS_KEY, Context, Deps, Moderators
from bot.adapters.telegram_inline import inline_query
from bot.adapters.telegram_menu import register_commands
from bot.adapters.telegram_updates import ChatOrderedProcessor, guard, on_error, polling_failed
from bot.adapters.telegram_webhook import Webhook, start_webhook, webhook_from
from bot.config import Settings
from bot.core.service import FactBot

log = logging.getLogger(__name__)
CONVERSATION_TIMEOUT_SECONDS = 300.0
POLL_TIMEOUT_SECONDS = 10
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
TelegramApp = Application[Any, Context, Any, Any, Any, Any]


def build_application(
    bot: FactBot,
    settings: Settings,
    *,
    conversation_timeout: float = CONVERSATION_TIMEOUT_SECONDS,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> TelegramApp:
    """The PTB Application with every handler; nothing touches the network until it is initialized.

    `rate_limiter` defaults to AIORateLimiter with Telegram's flood limits; only a benchmark replaces it.
    """
    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else ""
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=3))
        .job_queue(JobQueue())  # for the dialogue's conversation_timeout
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .concurrent_updates(ChatOrderedProcessor())
        .context_types(ContextTypes(context=Context))
        .build()
    )
    moderators = Moderators(settings.telegram_moderator_ids, settings.telegram_moderator_chat_id)
    application.bot_data[DEPS_KEY] = Deps(
        bot, settings, RateLimiter(settings.rate_limit_per_minute), moderators, conversation_timeout
    )
    _add_handlers(application, conversation_timeout)
    return application


def _add_handlers(app: TelegramApp, conversation_timeout: float) -> None:
    new = filters.UpdateType.MESSAGE  # edited messages and channel posts are not questions
    text = new & filters.TEXT & ~filters.COMMAND
    app.add_handler(TypeHandler(Update, guard), group=-1)
    app.add_handler(dialogue.build_conversation(conversation_timeout))
    commands = {
        "start": asking.start,
        "help": asking.help_command,
        "source": asking.source,
        "lang": asking.lang_command,
        "ask": asking.ask_command,
        "delfact": admin.delfact,
        "restorefact": admin.restorefact,
        "undo": admin.undo,
        "facts": admin.facts,
        "fact": admin.fact,
        "unanswered": admin.unanswered,
        "cancel": dialogue.nothing_to_cancel,
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=new))
    app.add_handler(MessageHandler(text & filters.ChatType.PRIVATE, asking.private_text))
    app.add_handler(MessageHandler(text & filters.ChatType.GROUPS, asking.group_text))
    app.add_handler(MessageHandler(new & ~filters.TEXT & ~filters.StatusUpdate.ALL, asking.non_text))
    app.add_handler(CallbackQueryHandler(asking.suggestion_pressed, pattern=cb.pattern(cb.SUGGEST)))
    app.add_handler(CallbackQueryHandler(asking.vote_pressed, pattern=cb.pattern(cb.VOTE)))
    app.add_handler(CallbackQueryHandler(asking.lang_pressed, pattern=cb.pattern(cb.UI_LANG)))
    app.add_handler(CallbackQueryHandler(admin.facts_page_pressed, pattern=cb.pattern(cb.FACTS_PAGE)))
    app.add_handler(CallbackQueryHandler(dialogue.stale_button))  # anything else: an expired button
    app.add_handler(InlineQueryHandler(inline_query))
    app.add_error_handler(on_error)


async def serve_telegram(bot: FactBot, settings: Settings, stop: asyncio.Event) -> None:
    """Run the bot until `stop` is set: long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set."""
    webhook = webhook_from(settings)  # refuses a webhook without a secret before anything starts
    await run_until_stopped(build_application(bot, settings), stop, webhook)


async def run_until_stopped(application: TelegramApp, stop: asyncio.Event, webhook: Webhook | None = None) -> None:
    """Initialize (checks the token), register the menus, receive updates until `stop`; always shut down."""
    await _initialize(application)
    try:
        await register_commands(application.bot, application.bot_data[DEPS_KEY].moderators)
        if webhook:
            await start_webhook(application.updater, webhook, ALLOWED_UPDATES)
        else:
            await application.updater.start_polling(
                timeout=POLL_TIMEOUT_SECONDS, allowed_updates=ALLOWED_UPDATES, error_callback=polling_failed
            )
        await application.start()
        how = f"webhook on {webhook.listen}:{webhook.port}" if webhook else "polling"
        log.info("telegram: %s as @%s", how, application.bot.username)
        await stop.wait()
    finally:
        if application.updater.running:
            await application.updater.stop()  # the webhook stays set: Telegram keeps updates for the next start
        if application.running:
            await application.stop()
        await application.shutdown()
        log.info("telegram: stopped")


async def _initialize(application: TelegramApp) -> None:
    """getMe: a rejected token or an unreachable API becomes a one-line StartupError without the token."""
    try:
        await application.initialize()
    except InvalidToken:
        await application.bot.shutdown()
        raise StartupError("the Bot API rejected the token (check TELEGRAM_BOT_TOKEN)") from None
    except TelegramError as exc:
        await application.bot.shutdown()
        host = urlsplit(application.bot.base_url).netloc or "the configured TELEGRAM_API_BASE_URL"
        raise StartupError(f"cannot reach the Telegram Bot API at {host} ({type(exc).__name__})") from None
