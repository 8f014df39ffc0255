"""Telegram HTML rendering and callback data: always parseable, never over Telegram's limits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters import telegram_callbacks as cb
from bot.adapters.telegram_render import MESSAGE_LIMIT, Part, answer_html, answer_keyboard, cut, fit, units
from bot.core.model import Answer, AnswerKind, Citation, Suggestion
from tests.adapters.telegram_emulator import parse_html

text = st.text(min_size=1, max_size=5000)


def answer(
    body: str, quote: str, *, question: str = "Q?", section: str | None = None, url: str | None = None
) -> Answer:
    citation = Citation("src", "Title & <Co>", "2025-07", section, 3, quote, quote, url)
    return Answer(question, AnswerKind.FACT, body, "en", 1.0, "a-fact", question, citation)


@settings(max_examples=150, deadline=None)
@given(body=text, quote=text, question=st.text(max_size=400), section=st.none() | text, url=st.none() | text)
def test_any_answer_renders_to_valid_html_within_the_limit(
    body: str, quote: str, question: str, section: str | None, url: str | None
) -> None:
    rendered = answer_html(answer(body, quote, question=question, section=section, url=url))
    visible, _ = parse_html(rendered)
    assert units(visible) <= MESSAGE_LIMIT


def test_a_long_quote_is_shortened_at_a_sentence_boundary_inside_its_blockquote() -> None:
    quote = " ".join(f"Sentence number {n} is here." for n in range(400))
    rendered = answer_html(answer("Short answer.", quote))
    visible, entities = parse_html(rendered)
    assert units(visible) <= MESSAGE_LIMIT
    blockquote = next(e for e in entities if e["type"] == "blockquote")
    shown = visible[blockquote["offset"] : blockquote["offset"] + blockquote["length"]]
    assert shown.endswith("is here. …") and shown.startswith("Sentence number 0 is here.")
    assert "Short answer." in visible and "paragraph 3" in visible


def test_emoji_count_as_two_units() -> None:
    assert units(cut("🙂" * 3000, 4096)) <= 4096 and units("🙂") == 2
    assert fit([Part("🙂" * 3000), Part("<b>", fixed=True)]).endswith("&lt;b&gt;")


def test_only_web_links_become_anchors() -> None:
    assert '<a href="https://example.org/a?b=1&amp;c=&quot;2&quot;">' in answer_html(
        answer("A.", "Q.", url='https://example.org/a?b=1&c="2"')
    )
    assert "<a " not in answer_html(answer("A.", "Q.", url="javascript:alert(1)"))


def test_callback_data_fits_64_bytes_even_for_the_longest_ids() -> None:
    longest = "x" * 64
    unsure = Answer("q", AnswerKind.UNSURE, "?", "de", suggestions=(Suggestion(longest, "Frage " * 40),))
    keyboard = answer_keyboard(unsure)
    assert keyboard is not None
    data = keyboard.inline_keyboard[0][0].callback_data
    assert isinstance(data, str) and len(data.encode()) <= 64
    assert cb.resolve(data.split(":")[2], ["other", longest]) == longest
    assert cb.resolve(data.split(":")[2], ["other"]) is None
    with pytest.raises(ValueError, match="64 bytes"):
        cb.pack(cb.SUGGEST, "ä" * 40)


def test_unpack_rejects_data_of_another_shape() -> None:
    assert cb.unpack("s:de:fact", 2) == ["de", "fact"]
    assert cb.unpack("s:de", 2) is None and cb.unpack(None, 1) is None


def test_the_memo_forgets_the_oldest_texts() -> None:
    memo = cb.Memo(size=2)
    first, second, third = (memo.put(f"search {n}") for n in range(3))
    assert memo.get(first) is None and memo.get(second) == "search 1" and memo.get(third) == "search 2"
