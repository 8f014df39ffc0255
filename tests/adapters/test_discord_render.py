"""Whatever users and moderators type, the embeds stay within Discord's limits (checked by the emulator's rules)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.discord_fact_render import details_embed, list_embed
from bot.adapters.discord_forms import Draft
from bot.adapters.discord_render import answer_embed, safe
from bot.core.model import Answer, AnswerKind, AuditEntry, Citation, Fact, FactDetails, LangText, Page
from tests.adapters.discord_emulator import check_message

HOSTILE = "*_`~|>#[]()-\\@<>&:.!? \n\u200b\u202eaZä"
texts = st.one_of(st.text(alphabet=HOSTILE, max_size=6000), st.text(max_size=3000))


@settings(max_examples=60, deadline=None)
@given(question=texts, answer=texts, quote=texts, title=texts, section=st.none() | texts)
def test_answer_embed_within_limits(question: str, answer: str, quote: str, title: str, section: str | None) -> None:
    citation = Citation("src", title, "2025-07", section, 3, quote, quote, "https://example.org/a")
    embed = answer_embed(Answer(question, AnswerKind.PASSAGE, answer, "en", citation=citation)).to_dict()
    check_message({"embeds": [embed]})
    assert "\u200b" not in str(embed) and "\u202e" not in str(embed)


@settings(max_examples=60, deadline=None)
@given(text=texts, limit=st.integers(1, 4096))
def test_safe_text_fits_its_limit(text: str, limit: int) -> None:
    assert 1 <= len(safe(text, limit)) <= limit


def test_all_markup_is_shortened_not_cut_inside_an_escape() -> None:
    out = safe("*" * 5000, 1024)
    assert len(out) <= 1024 and not out.endswith("\\")


def test_largest_fact_details_fit_one_embed() -> None:
    long = LangText("a" * 1000, tuple(f"{i} " + "q" * 290 for i in range(30)))
    fact = Fact("x" * 64, "src", 1, "z" * 3000, {"de": long, "en": long})
    history = tuple(
        AuditEntry(i, datetime(2025, 1, 1, tzinfo=UTC), "discord", "1", "n" * 100, "edit", fact.id, None, None)
        for i in range(50)
    )
    check_message({"embeds": [details_embed(FactDetails(fact, history, 3, 4), "de").to_dict()]})
    page = Page(tuple(fact for _ in range(10)), 1, 1, 10)
    check_message({"embeds": [list_embed(page, "*" * 50, "en").to_dict()]})


def test_form_draft_languages() -> None:
    keep = {"de": LangText("Antwort.", ("Frage?",)), "en": LangText("Answer.", ("Question?",))}
    edited = Draft("\u200b\nNew question?\n\n", "New answer.", "Quote.", " English ").fact_draft(keep)
    assert edited.texts == {"de": keep["de"], "en": LangText("New answer.", ("New question?",))}
    dropped = Draft("", " ", "Quote.", "de").fact_draft(keep)
    assert set(dropped.texts) == {"en"}
    assert Draft("Q?", "A.", "Quote.", "fr").fact_draft({}).texts.keys() == {"fr"}  # the core rejects it
