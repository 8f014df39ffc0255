"""German names and descriptions of the slash commands, handed to Discord through discord.py's Translator."""

from __future__ import annotations

import discord
from discord import app_commands

# English source string (as written in the command definitions) → German. Names must stay lowercase
# without spaces (Discord rejects the sync otherwise); descriptions at most 100 characters.
GERMAN: dict[str, str] = {
    "ask": "frage",
    "Ask a question about Belarus and the West": "Stelle eine Frage zu Belarus und dem Westen",
    "question": "frage",
    "Your question (suggestions appear as you type)": "Deine Frage (Vorschläge erscheinen beim Tippen)",
    "private": "privat",
    "Show the answer only to you": "Die Antwort nur dir zeigen",
    "source": "quelle",
    "The articles behind the bot": "Die Artikel hinter dem Bot",
    "help": "hilfe",
    "How to ask the bot, with examples": "So fragst du den Bot, mit Beispielen",
    "Ask the fact bot": "Faktenbot fragen",
    "fact": "eintrag",
    "Manage the knowledge base (moderators)": "Wissensbasis verwalten (Moderatoren)",
    "add": "neu",
    "Add a fact (opens a form)": "Einen Eintrag anlegen (öffnet ein Formular)",
    "edit": "bearbeiten",
    "Edit a fact (opens a prefilled form)": "Einen Eintrag bearbeiten (öffnet ein ausgefülltes Formular)",
    "The fact id (type to search by question)": "Die ID des Eintrags (tippen sucht nach Fragen)",
    "language": "sprache",
    "The language to edit (default: your interface language)": "Die zu bearbeitende Sprache (sonst deine Sprache)",
    "remove": "entfernen",
    "Remove a fact so it is no longer answered": "Einen Eintrag entfernen, damit er nicht mehr beantwortet wird",
    "restore": "wiederherstellen",
    "Bring a removed fact back": "Einen entfernten Eintrag zurückholen",
    "The id of a removed fact": "Die ID eines entfernten Eintrags",
    "undo": "rückgängig",
    "Undo your last change": "Deine letzte Änderung rückgängig machen",
    "list": "liste",
    "List the facts, optionally filtered": "Die Einträge auflisten, optional gefiltert",
    "search": "suche",
    "Words in the id, questions or answers": "Wörter in ID, Fragen oder Antworten",
    "show": "zeigen",
    "Show a fact with its history and votes": "Einen Eintrag mit Verlauf und Bewertungen zeigen",
    "unanswered": "unbeantwortet",
    "The most frequent questions without an answer": "Die häufigsten Fragen ohne Antwort",
}


class GermanTranslator(app_commands.Translator):
    """Localises command names and descriptions for German clients; other locales see the English names."""

    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        if locale is not discord.Locale.german:
            return None
        return GERMAN.get(string.message)
