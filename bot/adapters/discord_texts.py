"""Interface texts of the Discord adapter in German and English; answers and shared wording stay in the core."""

from __future__ import annotations

from bot.core.messages import lookup

_TEXTS: dict[str, dict[str, str]] = {
    "quote": {"de": "Zitat", "en": "Quote"},
    "help_title": {"de": "Faktenbot: Belarus und der Westen", "en": "Fact bot: Belarus and the West"},
    "help_usage": {
        "de": (
            "**So fragst du:** `/frage` und tippe deine Frage – passende Fragen werden beim Tippen vorgeschlagen. "
            "Mit `privat: True` siehst nur du die Antwort. Oder klicke eine Nachricht mit rechts an → "
            "*Apps* → *Faktenbot fragen*. `/quelle` zeigt die Artikel hinter dem Bot."
        ),
        "en": (
            "**How to ask:** `/ask` and type your question – matching questions are suggested while you type. "
            "With `private: True` only you see the answer. Or right-click a message → *Apps* → *Ask the fact bot*. "
            "`/source` lists the articles behind the bot."
        ),
    },
    "sources_title": {"de": "Die Quellen des Bots", "en": "The sources behind the bot"},
    "source_entry": {"de": "{date} · {count} Einträge", "en": "{date} · {count} facts"},
    "no_text": {
        "de": "Diese Nachricht enthält keinen Text, auf den ich antworten könnte.",
        "en": "That message has no text I could answer.",
    },
    "voted": {
        "de": "Danke für deine Rückmeldung! Bisher 👍 {up} · 👎 {down}",
        "en": "Thanks for your feedback! So far 👍 {up} · 👎 {down}",
    },
    "button_outdated": {
        "de": "Dieser Knopf ist veraltet. Bitte führe den Befehl noch einmal aus.",
        "en": "This button is outdated. Please run the command again.",
    },
    "command_outdated": {
        "de": "Dieser Befehl ist veraltet. Bitte versuche es in einer Minute noch einmal.",
        "en": "This command is outdated. Please try again in a minute.",
    },
    "form_add": {"de": "Neuer Eintrag", "en": "New fact"},
    "form_edit": {"de": "Bearbeiten: {id}", "en": "Edit: {id}"},
    "field_questions": {"de": "Fragen (eine pro Zeile)", "en": "Questions (one per line)"},
    "field_answer": {"de": "Antwort", "en": "Answer"},
    "field_quote": {"de": "Zitat aus dem Artikel (ganze Sätze)", "en": "Quote from the article (whole sentences)"},
    "field_lang": {"de": "Sprache (de oder en)", "en": "Language (de or en)"},
    "hint_edit_lang": {
        "de": "Fragen und Antwort leeren entfernt diese Sprache.",
        "en": "Clearing questions and answer removes this language.",
    },
    "saved": {
        "de": "Gespeichert als `{id}`. So sehen Nutzer die Antwort:",
        "en": "Saved as `{id}`. Users see it like this:",
    },
    "saved_removed": {
        "de": "Gespeichert als `{id}` (entfernt: wird nicht beantwortet, bis `/eintrag wiederherstellen`).",
        "en": "Saved as `{id}` (removed: not answered until `/fact restore`).",
    },
    "too_long_for_form": {
        "de": "Die Fragen dieses Eintrags sind zu lang für Discords Formular (4000 Zeichen). Bitte nutze die CLI.",
        "en": "This fact's questions are too long for Discord's form (4000 characters). Please use the CLI.",
    },
    "retry": {"de": "Nochmal versuchen", "en": "Try again"},
    "form_error": {
        "de": "{error}\nDeine Eingabe ist nicht verloren: „Nochmal versuchen“ öffnet das Formular wieder.",
        "en": "{error}\nYour input is not lost: “Try again” reopens the form.",
    },
    "draft_expired": {
        "de": "Dieser Entwurf ist abgelaufen. Bitte beginne mit `/eintrag neu` von vorn.",
        "en": "This draft has expired. Please start again with `/fact add`.",
    },
    "removed": {
        "de": "`{id}` entfernt. `/eintrag rückgängig` holt ihn zurück.",
        "en": "Removed `{id}`. `/fact undo` brings it back.",
    },
    "restored": {"de": "`{id}` ist wieder aktiv.", "en": "`{id}` is active again."},
    "undone": {"de": "Rückgängig gemacht: `{id}` ist jetzt {state}.", "en": "Undone: `{id}` is now {state}."},
    "state_active": {"de": "aktiv", "en": "active"},
    "state_removed": {"de": "entfernt", "en": "removed"},
    "list_title": {"de": "Einträge ({total})", "en": "Facts ({total})"},
    "list_search": {"de": "Einträge mit „{search}“ ({total})", "en": "Facts matching “{search}” ({total})"},
    "list_empty": {"de": "Keine Einträge gefunden.", "en": "No facts found."},
    "page": {"de": "Seite {page}/{pages}", "en": "Page {page}/{pages}"},
    "questions_in": {"de": "Fragen ({code})", "en": "Questions ({code})"},
    "answer_in": {"de": "Antwort ({code})", "en": "Answer ({code})"},
    "details_footer": {
        "de": "Version {version} · {state} · 👍 {up} · 👎 {down}",
        "en": "Version {version} · {state} · 👍 {up} · 👎 {down}",
    },
    "history": {"de": "Verlauf", "en": "History"},
    "unanswered_title": {"de": "Häufige unbeantwortete Fragen", "en": "Frequent unanswered questions"},
    "unanswered_empty": {"de": "Keine unbeantworteten Fragen. 🎉", "en": "No unanswered questions. 🎉"},
    "unanswered_gone": {
        "de": "Diese Frage steht nicht mehr in der Liste. Bitte führe `/eintrag unbeantwortet` erneut aus.",
        "en": "This question is no longer listed. Please run `/fact unanswered` again.",
    },
    "add_button": {"de": "Eintrag {n}", "en": "Add {n}"},
}


def say(key: str, lang: str | None, **values: object) -> str:
    """The Discord interface text `key` in the user's language."""
    return lookup(_TEXTS, key, lang, **values)
