"""A small error tree; every error carries a message a user can read, in German and English."""

from __future__ import annotations


class BotError(Exception):
    """Base of all expected errors: adapters show `message(lang)` instead of a traceback."""

    de: str = "Das hat nicht geklappt."
    en: str = "That did not work."

    def __init__(self, detail: str = "", *, de: str | None = None) -> None:
        super().__init__(detail or self.en)
        self.detail = detail
        self.detail_de = de if de is not None else detail

    def message(self, lang: str = "en") -> str:
        base, detail = (self.de, self.detail_de) if lang == "de" else (self.en, self.detail)
        return f"{base} {detail}".strip() if detail else base


class NotModerator(BotError):
    de = "Nur Moderatoren dürfen die Wissensbasis ändern."
    en = "Only moderators can change the knowledge base."


class NotFound(BotError):
    de = "Nicht gefunden:"
    en = "Not found:"


class InvalidInput(BotError):
    de = "Ungültige Eingabe:"
    en = "Invalid input:"


class Conflict(BotError):
    de = "Der Eintrag wurde inzwischen von jemand anderem geändert. Bitte lade ihn neu und versuche es noch einmal."
    en = "Someone else changed this entry in the meantime. Please reload it and try again."


class NothingToUndo(BotError):
    de = "Es gibt keine Änderung von dir, die rückgängig gemacht werden kann."
    en = "You have no change that could be undone."


class StoreUnavailable(BotError):
    de = "Die Datenbank ist gerade nicht erreichbar. Bitte versuche es gleich noch einmal."
    en = "The database is not reachable right now. Please try again in a moment."


class KnowledgeBaseError(BotError):
    """The facts/ files are inconsistent; raised while loading them, with file and fact id."""

    de = "Fehler in der Wissensbasis:"
    en = "Knowledge base error:"
