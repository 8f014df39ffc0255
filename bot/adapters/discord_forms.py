"""The fact form (a modal) for adding and editing facts: its layout, and reading a submission back.

A submission is read from the submitted values and the form's custom id alone (the fact id and version it
edits are in the custom id), so a form opened before a restart still saves after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import discord
from discord import ui

from bot.adapters.discord_render import plain
from bot.adapters.discord_texts import say
from bot.adapters.discord_views import FACT_ID
from bot.core.factfile import lang_text
from bot.core.model import FactDraft, LangText
from bot.core.text import clean

FORM_PREFIX = "fb:form:"
_FORM_ID = re.compile(rf"fb:form:(?:add|edit:(?P<version>\d{{1,9}}):{FACT_ID})")
FIELD_MAX = 4000  # Discord's limit for a text input
TITLE_MAX = 45
PLACEHOLDER_MAX = 100
FORM_TIMEOUT = 900.0  # discord.py forgets the layout object after this; submissions do not depend on it
_LANG_NAMES = {"deutsch": "de", "german": "de", "deu": "de", "english": "en", "englisch": "en", "eng": "en"}


@dataclass(frozen=True)
class Draft:
    """What a moderator typed into the form; kept for the "try again" button when saving fails."""

    questions: str = ""
    answer: str = ""
    quote: str = ""
    lang: str = "de"
    fact_id: str | None = None
    version: int | None = None

    @property
    def custom_id(self) -> str:
        return f"{FORM_PREFIX}add" if self.fact_id is None else f"{FORM_PREFIX}edit:{self.version}:{self.fact_id}"

    @property
    def code(self) -> str:
        """The language code as typed ('DE', 'Deutsch' → 'de'); the core rejects anything it does not know."""
        code = clean(self.lang).lower()
        return _LANG_NAMES.get(code, code)

    def fact_draft(self, keep: dict[str, LangText]) -> FactDraft:
        """The core's draft: this language replaced, other languages kept; empty questions and answer drop it."""
        code = self.code
        questions = [clean(line) for line in self.questions.splitlines()]
        texts = {other: text for other, text in keep.items() if other != code}
        if any(questions) or clean(self.answer):
            texts[code] = lang_text(clean(self.answer), questions)
        return FactDraft(quote=self.quote, texts=texts)


class FactForm(ui.Modal):
    """The layout of the fact form: questions, answer, quote and language, prefilled from a draft."""

    def __init__(self, draft: Draft, lang: str) -> None:
        title = say("form_add", lang) if draft.fact_id is None else say("form_edit", lang, id=draft.fact_id)
        super().__init__(title=plain(title, TITLE_MAX), custom_id=draft.custom_id, timeout=FORM_TIMEOUT)
        editing = draft.fact_id is not None
        hint = say("hint_edit_lang", lang) if editing else None
        self.add_item(
            _field("questions", say("field_questions", lang), draft.questions, required=not editing, hint=hint)
        )
        self.add_item(_field("answer", say("field_answer", lang), draft.answer, required=not editing))
        self.add_item(_field("quote", say("field_quote", lang), draft.quote))
        self.add_item(_field("lang", say("field_lang", lang), draft.lang, short=True))


def _field(
    custom_id: str, label: str, value: str, *, required: bool = True, short: bool = False, hint: str | None = None
) -> ui.TextInput[Any]:
    """A labelled text input in its own row: the modal layout every Discord client and proxy understands."""
    limit = 20 if short else FIELD_MAX
    style = discord.TextStyle.short if short else discord.TextStyle.paragraph
    return ui.TextInput(
        label=label[:TITLE_MAX],
        custom_id=custom_id,
        style=style,
        default=value[:limit] or None,
        placeholder=hint[:PLACEHOLDER_MAX] if hint else None,
        required=required,
        max_length=limit,
    )


def read_form(data: dict[str, Any]) -> Draft | None:
    """The draft a modal submit carries, or None when it is not the fact form."""
    match = _FORM_ID.fullmatch(str(data.get("custom_id", "")))
    if match is None:
        return None
    values = _values(data.get("components", []))
    version = match["version"]
    return Draft(
        questions=values.get("questions", ""),
        answer=values.get("answer", ""),
        quote=values.get("quote", ""),
        lang=values.get("lang", ""),
        fact_id=match["fact_id"],
        version=int(version) if version else None,
    )


def _values(components: list[dict[str, Any]]) -> dict[str, str]:
    """Text input values by custom id, from action rows (legacy) or labels."""
    values: dict[str, str] = {}
    for component in components:
        values |= _values(component.get("components", []))
        if "component" in component:
            values |= _values([component["component"]])
        if "custom_id" in component and "value" in component:
            values[component["custom_id"]] = component["value"] or ""
    return values
