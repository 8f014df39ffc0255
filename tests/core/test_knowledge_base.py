"""The curated knowledge base in facts/: complete, bilingual and verbatim."""

import re
from collections import Counter

from bot.core.article import split_sentences
from bot.core.model import LANGS
from bot.store.seeding import read_knowledge
from tests.conftest import FACTS_DIR


def test_facts_cover_every_body_paragraph_of_every_source() -> None:
    sources, facts = read_knowledge(FACTS_DIR)
    covered = Counter((f.source_id, f.paragraph) for f in facts)
    for source in sources:
        missing = [p.paragraph for p in source.passages if covered[(source.id, p.paragraph)] == 0]
        assert not missing, f"{source.id}: paragraphs without a fact: {missing}"


def test_fact_count_and_languages() -> None:
    _, facts = read_knowledge(FACTS_DIR)
    assert 50 <= len(facts) <= 80
    for fact in facts:
        for lang in LANGS:
            text = fact.texts[lang]
            assert len(text.questions) >= 4, (fact.id, lang)
            assert 0 < len(text.answer) <= 600, (fact.id, lang)


def test_every_figure_of_a_quoted_sentence_is_stated_in_an_answer() -> None:
    """'14 politischen Gefangenen' must come back as 14 in German and English answers about that sentence."""
    _, facts = read_knowledge(FACTS_DIR)
    answers: dict[tuple[str, str], str] = {}
    for fact in facts:
        for sentence in split_sentences(fact.quote):
            for lang in LANGS:
                answers[(sentence, lang)] = answers.get((sentence, lang), "") + " " + fact.texts[lang].answer
    for (sentence, lang), text in answers.items():
        for number in re.findall(r"\d+(?:,\d+)?", sentence):
            assert number in text or number.replace(",", ".") in text, (sentence[:60], lang, number)
