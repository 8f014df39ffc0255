"""Interface texts in German and English; every adapter words things the same way."""

from __future__ import annotations

_TEXTS: dict[str, dict[str, str]] = {
    "unknown": {
        "de": "Dazu finde ich in meinen Quellen leider keine gesicherte Antwort.",
        "en": "Sorry, I could not find a reliable answer to that in my sources.",
    },
    "unsure": {
        "de": "Ich bin mir nicht sicher, was du meinst.",
        "en": "I am not sure what you mean.",
    },
    "did_you_mean": {"de": "Meintest du:", "en": "Did you mean:"},
    "empty": {
        "de": "Bitte stell eine Frage, zum Beispiel: {example}",
        "en": "Please ask a question, for example: {example}",
    },
    "too_long": {
        "de": "Deine Frage ist zu lang (höchstens {limit} Zeichen). Bitte fasse sie kürzer.",
        "en": "Your question is too long (at most {limit} characters). Please shorten it.",
    },
    "intro": {
        "de": (
            "Hallo! Ich beantworte Fragen zu den Beziehungen zwischen Belarus und dem Westen und zitiere "
            "dazu wörtlich die Textstelle meiner Quelle ({sources}). Frag zum Beispiel:"
        ),
        "en": (
            "Hello! I answer questions about relations between Belarus and the West and quote the exact "
            "passage of my source ({sources}). Try for example:"
        ),
    },
    "passage_answer": {
        "de": "Dazu steht im Artikel:",
        "en": "The article (in German) says:",
    },
    "source_line": {
        "de": "Quelle: {title}, {section}Absatz {paragraph}, {date}",
        "en": "Source: {title}, {section}paragraph {paragraph}, {date}",
    },
    "rate_limited": {
        "de": "Du stellst gerade sehr viele Fragen. Bitte warte kurz und versuche es dann wieder.",
        "en": "You are asking a lot of questions right now. Please wait a moment and try again.",
    },
    "fact_gone": {
        "de": "Dieser Eintrag existiert nicht mehr. Bitte stell deine Frage noch einmal.",
        "en": "This entry no longer exists. Please ask your question again.",
    },
    "internal_error": {
        "de": "Da ist etwas schiefgegangen. Bitte versuche es noch einmal.",
        "en": "Something went wrong. Please try again.",
    },
}


def pick_lang(lang: str | None) -> str:
    """'de' for German locales ('de', 'de-AT', 'de_CH'), otherwise 'en'."""
    return "de" if lang and lang.lower().replace("_", "-").split("-")[0] == "de" else "en"


def lookup(catalogue: dict[str, dict[str, str]], key: str, lang: str | None, **values: object) -> str:
    """The text for `key` in the user's language, with `values` filled in."""
    template = catalogue[key][pick_lang(lang)]
    return template.format(**values) if values else template


def text(key: str, lang: str | None, **values: object) -> str:
    return lookup(_TEXTS, key, lang, **values)
