"""The command menus (setMyCommands): everyone's in German and English, moderators' in their own scopes."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScope, BotCommandScopeChat, BotCommandScopeChatAdministrators
from telegram.error import TelegramError

from bot.adapters.telegram_context import Moderators

log = logging.getLogger(__name__)

USER_COMMANDS: dict[str, tuple[str, str]] = {
    "ask": ("Eine Frage stellen (auch in Gruppen)", "Ask a question (works in groups too)"),
    "help": ("So fragst du, mit Beispielen", "How to ask, with examples"),
    "source": ("Die Artikel hinter den Antworten", "The articles behind the answers"),
    "lang": ("Sprache der Oberfläche: de oder en", "Interface language: de or en"),
    "start": ("Begrüßung", "Welcome"),
}
MODERATOR_COMMANDS: dict[str, tuple[str, str]] = {
    "addfact": ("Neuen Eintrag anlegen", "Add a fact"),
    "editfact": ("Eintrag bearbeiten: /editfact ID", "Edit a fact: /editfact ID"),
    "delfact": ("Eintrag entfernen: /delfact ID", "Remove a fact: /delfact ID"),
    "restorefact": ("Eintrag wiederherstellen: /restorefact ID", "Restore a fact: /restorefact ID"),
    "undo": ("Letzte eigene Änderung rückgängig machen", "Undo your last change"),
    "facts": ("Einträge auflisten: /facts [Suche]", "List facts: /facts [search]"),
    "fact": ("Ein Eintrag mit Verlauf: /fact ID", "One fact with its history: /fact ID"),
    "unanswered": ("Häufige Fragen ohne Antwort", "Frequent questions without an answer"),
    "cancel": ("Laufenden Dialog abbrechen", "Cancel the current dialogue"),
}
# No language code is the fallback for every client language; English is registered explicitly too.
MENU_LANGS: tuple[tuple[str | None, int], ...] = ((None, 1), ("en", 1), ("de", 0))


def commands(table: dict[str, tuple[str, str]], index: int) -> list[BotCommand]:
    return [BotCommand(name, texts[index]) for name, texts in table.items()]


async def register_commands(bot: Bot, moderators: Moderators) -> None:
    """Set every menu; a scope Telegram refuses (a moderator who never opened the chat) is logged, not fatal."""
    scopes: list[BotCommandScope | None] = [None]
    scopes += [BotCommandScopeChat(user_id) for user_id in sorted(moderators.ids)]
    if moderators.chat_id is not None:
        scopes.append(BotCommandScopeChatAdministrators(moderators.chat_id))
    for scope in scopes:
        table = USER_COMMANDS if scope is None else USER_COMMANDS | MODERATOR_COMMANDS
        for code, index in MENU_LANGS:
            try:
                await bot.set_my_commands(commands(table, index), scope=scope, language_code=code)
            except TelegramError as exc:
                where = f"{scope.type} {getattr(scope, 'chat_id', '')}".strip() if scope else "everyone"
                log.warning("telegram: cannot set the command menu for %s: %s", where, exc)
                break
