"""The ways the adapter answers an update: an HTML message, an escaped plain text, an alert on a pressed button."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update

from bot.adapters.telegram_render import ALERT_LIMIT, cut, plain


async def reply(update: Update, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Rendered HTML into the update's chat (quoting the message in groups, as PTB does by default)."""
    await update.effective_message.reply_html(html, reply_markup=markup)


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Interface text that may carry user or moderator input: escaped, shortened to fit."""
    await reply(update, plain(text), markup)


async def alert(update: Update, text: str) -> None:
    """A pop-up on the pressed button (Telegram allows 200 characters)."""
    await update.callback_query.answer(cut(text, ALERT_LIMIT), show_alert=True)


def command_text(message: Message) -> str:
    """What follows the command, line breaks kept: '/ask@bot a\\nb' → 'a\\nb'."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) == 2 else ""
