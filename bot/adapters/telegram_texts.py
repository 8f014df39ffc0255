"""Interface texts of the Telegram adapter in German and English (shared answer wording is in core.messages)."""

from __future__ import annotations

from bot.core.messages import lookup

_TEXTS: dict[str, dict[str, str]] = {
    # --- asking ---------------------------------------------------------------------------
    "help_title": {"de": "So fragst du mich", "en": "How to ask me"},
    "help_body": {
        "de": (
            "Schreib mir einfach deine Frage. In Gruppen erwähne mich (@{bot} Frage), antworte auf eine meiner "
            "Nachrichten oder nutze /ask Frage. In jedem Chat kannst du @{bot} Frage tippen und eine Antwort teilen."
        ),
        "en": (
            "Just send me your question. In groups, mention me (@{bot} question), reply to one of my messages or "
            "use /ask question. In any chat you can type @{bot} question and share an answer."
        ),
    },
    "help_examples": {"de": "Zum Beispiel:", "en": "For example:"},
    "help_commands": {
        "de": "/source – die Artikel hinter den Antworten\n/lang de|en – Sprache der Oberfläche\n/help – diese Hilfe",
        "en": "/source – the articles behind the answers\n/lang de|en – language of the interface\n/help – this help",
    },
    "help_moderator": {
        "de": (
            "Für Moderatoren: /addfact, /editfact ID, /delfact ID, /restorefact ID, /undo, /facts [Suche], "
            "/fact ID, /unanswered, /cancel"
        ),
        "en": (
            "For moderators: /addfact, /editfact ID, /delfact ID, /restorefact ID, /undo, /facts [search], "
            "/fact ID, /unanswered, /cancel"
        ),
    },
    "sources_title": {"de": "Meine Quellen", "en": "My sources"},
    "source_facts": {"de": "{count} Einträge", "en": "{count} facts"},
    "lang_set": {"de": "Die Oberfläche ist jetzt auf Deutsch.", "en": "The interface is now in English."},
    "lang_usage": {
        "de": "Wähle die Sprache: /lang de oder /lang en.",
        "en": "Choose a language: /lang de or /lang en.",
    },
    "vote_thanks": {"de": "Danke für dein Feedback!", "en": "Thanks for your feedback!"},
    "only_text": {
        "de": "Ich verstehe nur Fragen als Text. Beispiele zeigt /help.",
        "en": "I can only answer questions sent as text. /help shows examples.",
    },
    "button_expired": {
        "de": "Diese Schaltfläche ist abgelaufen. Bitte führe den Befehl noch einmal aus.",
        "en": "This button has expired. Please run the command again.",
    },
    "private_only": {
        "de": "Das geht nur im privaten Chat mit mir.",
        "en": "Please do this in a private chat with me.",
    },
    "inline_private": {"de": "Privat fragen", "en": "Ask me privately"},
    # --- moderating -----------------------------------------------------------------------
    "add_questions": {
        "de": "Neuer Eintrag, Schritt 1 von 5: Schick mir die Frage(n), eine pro Zeile. /cancel bricht jederzeit ab.",
        "en": "New fact, step 1 of 5: send me the question(s), one per line. /cancel stops at any time.",
    },
    "keep_questions": {
        "de": "Schritt 1 von 5, die Fragen. Bisher:\n{questions}\nSchick neue (eine pro Zeile) oder /skip.",
        "en": "Step 1 of 5, the questions. So far:\n{questions}\nSend new ones (one per line) or /skip.",
    },
    "ask_answer": {
        "de": "Schritt 2 von 5: Schick mir die Antwort (höchstens {limit} Zeichen).",
        "en": "Step 2 of 5: send me the answer (at most {limit} characters).",
    },
    "keep_answer": {
        "de": "Schritt 2 von 5, die Antwort. Bisher:\n{answer}\nSchick eine neue oder /skip.",
        "en": "Step 2 of 5, the answer. So far:\n{answer}\nSend a new one or /skip.",
    },
    "ask_quote": {
        "de": "Schritt 3 von 5: Füge das Zitat aus dem Artikel ein (ein oder mehrere ganze Sätze).",
        "en": "Step 3 of 5: paste the quote from the article (one or more whole sentences).",
    },
    "keep_quote": {
        "de": "Schritt 3 von 5, das Zitat. Bisher:\n{quote}\nFüge ein neues ein oder /skip.",
        "en": "Step 3 of 5, the quote. So far:\n{quote}\nPaste a new one or /skip.",
    },
    "quote_found": {"de": "Gefunden in {source}:", "en": "Found in {source}:"},
    "quote_close": {
        "de": "Ähnlichste Stelle ({similarity} %): gespeichert wird der genaue Wortlaut des Artikels.",
        "en": "Closest match ({similarity} %): the exact wording of the article will be saved.",
    },
    "ask_lang": {
        "de": "Schritt 4 von 5: In welcher Sprache sind Fragen und Antwort?",
        "en": "Step 4 of 5: which language are the questions and the answer in?",
    },
    "lang_guess": {"de": "Vermutlich {guess}.", "en": "Probably {guess}."},
    "edit_lang": {
        "de": "Eintrag {id} bearbeiten: Welche Sprache? (/cancel bricht ab)",
        "en": "Editing {id}: which language? (/cancel stops)",
    },
    "lang_de": {"de": "Deutsch", "en": "German"},
    "lang_en": {"de": "Englisch", "en": "English"},
    "choose_lang": {"de": "Bitte wähle de oder en.", "en": "Please choose de or en."},
    "preview": {
        "de": "Schritt 5 von 5: So sehen Nutzer die Antwort:",
        "en": "Step 5 of 5: this is how users will see the answer:",
    },
    "confirm": {"de": "Speichern?", "en": "Save it?"},
    "save": {"de": "✅ Speichern", "en": "✅ Save"},
    "cancel": {"de": "✖️ Abbrechen", "en": "✖️ Cancel"},
    "saved_add": {
        "de": "Gespeichert als {id}. Er wird ab sofort beantwortet, z. B.: {question}\n/undo macht es rückgängig.",
        "en": "Saved as {id}. It is answered right away, e.g.: {question}\n/undo reverts it.",
    },
    "saved_edit": {
        "de": "{id} gespeichert (Version {version}). /undo macht es rückgängig.",
        "en": "Saved {id} (version {version}). /undo reverts it.",
    },
    "cancelled": {"de": "Abgebrochen, nichts gespeichert.", "en": "Cancelled, nothing was saved."},
    "nothing_to_cancel": {"de": "Es läuft nichts, das ich abbrechen könnte.", "en": "There is nothing to cancel."},
    "timed_out": {
        "de": "Dein Entwurf ist nach {duration} ohne Antwort verfallen; nichts wurde gespeichert.",
        "en": "Your draft expired after {duration} without a reply; nothing was saved.",
    },
    "minute": {"de": "{n} Minute", "en": "{n} minute"},
    "minutes": {"de": "{n} Minuten", "en": "{n} minutes"},
    "second": {"de": "{n} Sekunde", "en": "{n} second"},
    "seconds": {"de": "{n} Sekunden", "en": "{n} seconds"},
    "nothing_to_keep": {"de": "Es gibt noch nichts zu behalten; bitte schick es mir.", "en": "Nothing to keep yet."},
    "questions_invalid": {
        "de": "Bitte 1 bis {count} Fragen mit je höchstens {limit} Zeichen, eine pro Zeile.",
        "en": "Please send 1 to {count} questions of at most {limit} characters each, one per line.",
    },
    "answer_invalid": {
        "de": "Bitte eine Antwort mit 1 bis {limit} Zeichen.",
        "en": "Please send an answer of 1 to {limit} characters.",
    },
    "removed": {"de": "{id} entfernt. /undo holt ihn zurück.", "en": "Removed {id}. /undo brings it back."},
    "restored": {"de": "{id} wiederhergestellt.", "en": "Restored {id}."},
    "undone": {
        "de": "Rückgängig gemacht: {id} ist jetzt {state} (Version {version}).",
        "en": "Undone: {id} is now {state} (version {version}).",
    },
    "state_active": {"de": "aktiv", "en": "active"},
    "state_removed": {"de": "entfernt", "en": "removed"},
    "usage_id": {
        "de": "Bitte gib die ID an, z. B. /{command} {example}. /facts listet die IDs.",
        "en": "Please give the id, e.g. /{command} {example}. /facts lists the ids.",
    },
    "facts_page": {"de": "Seite {page}/{pages} · {total} Einträge", "en": "Page {page}/{pages} · {total} facts"},
    "facts_none": {"de": "Keine passenden Einträge.", "en": "No matching facts."},
    "fact_meta": {
        "de": "Version {version} · Herkunft {origin} · 👍 {up} · 👎 {down}",
        "en": "Version {version} · origin {origin} · 👍 {up} · 👎 {down}",
    },
    "history": {"de": "Verlauf", "en": "History"},
    "undone_mark": {"de": "(rückgängig gemacht)", "en": "(undone)"},
    "unanswered_title": {
        "de": "Häufigste Fragen ohne Antwort:",
        "en": "Most frequent questions without an answer:",
    },
    "unanswered_none": {"de": "Bisher gibt es keine unbeantworteten Fragen.", "en": "No unanswered questions so far."},
}


def t(key: str, lang: str | None, **values: object) -> str:
    """The Telegram interface text `key` in `lang`, with `values` filled in."""
    return lookup(_TEXTS, key, lang, **values)


def duration(seconds: float, lang: str | None) -> str:
    """'5 minutes' / '5 Minuten'; below a minute in seconds (short timeouts in tests)."""
    value, unit = (round(seconds / 60), "minute") if seconds >= 60 else (max(1, round(seconds)), "second")
    return t(unit if value == 1 else f"{unit}s", lang, n=value)
