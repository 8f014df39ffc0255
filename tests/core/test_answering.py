from dataclasses import replace

import pytest

from bot.core.answering import MAX_QUESTION_CHARS, Answerer, Thresholds
from bot.core.model import AnswerKind
from tests.core.kb import FACTS, fact, make_answerer, make_index


def test_answer_is_in_the_language_of_the_question_and_cites_the_passage() -> None:
    answerer = make_answerer()
    de = answerer.ask("Wie hoch ist der Handel mit Russland?")
    en = answerer.ask("How much does Belarus trade with Russia?")
    assert (de.kind, de.lang, de.fact_id) == (AnswerKind.FACT, "de", "trade")
    assert (en.kind, en.lang, en.fact_id) == (AnswerKind.FACT, "en", "trade")
    assert en.citation is not None and en.citation.quote in en.citation.passage
    assert en.citation.section == "Handel" and en.citation.paragraph == 2
    assert en.citation.url == "https://example.org/demo"


def test_unrelated_question_is_declined() -> None:
    answer = make_answerer().ask("What is the capital of France?")
    assert not answer.answered
    assert answer.kind == AnswerKind.UNKNOWN
    assert answer.citation is None


def test_near_topic_question_with_an_unknown_subject_is_declined() -> None:
    assert not make_answerer().ask("What is the population of Belarus?").answered


def test_how_many_is_not_answered_by_a_sentence_without_a_number() -> None:
    answerer = make_answerer()
    assert answerer.ask("Welche Pipeline führt durch Belarus?").answered
    assert not answerer.ask("Wie viele Pipelines führen durch Belarus?").answered


def test_too_close_to_call_abstains_with_suggestions() -> None:
    twins = [
        fact("a", 1, "Die Druschba-Ölpipeline führt durch Belarus.", ["Was führt durch Belarus?"], ["x"]),
        fact("b", 2, "Die Jamal-Gaspipeline führt durch Belarus.", ["Was führt durch Belarus?"], ["y"]),
    ]
    answer = Answerer(make_index(twins), Thresholds(sure=1.01)).ask("Was führt durch Belarus?")
    assert answer.kind == AnswerKind.UNSURE
    assert {s.fact_id for s in answer.suggestions} == {"a", "b"}


def test_passage_fallback_when_no_fact_matches() -> None:
    answer = make_answerer().ask("Bekam Kanada eine Botschaft?")
    assert answer.kind == AnswerKind.PASSAGE
    assert answer.fact_id is None
    assert answer.citation and answer.citation.quote == "Kanada bekam eine Botschaft."
    assert answer.confidence < 0.9


def test_removed_fact_is_never_answered_nor_suggested() -> None:
    facts = [replace(f, removed=True) if f.id == "oreshnik" else f for f in FACTS]
    answer = make_answerer(facts).ask("When will Oreshnik be deployed?")
    assert answer.fact_id != "oreshnik"
    assert all(s.fact_id != "oreshnik" for s in answer.suggestions)


@pytest.mark.parametrize("greeting", ["Hallo", "hi!", "help", "Hilfe"])
def test_greetings_get_an_introduction(greeting: str) -> None:
    answer = make_answerer().ask(greeting)
    assert answer.kind == AnswerKind.INTRO and not answer.answered
    assert "Demo-Artikel" in answer.text


def test_empty_and_too_long_questions_get_a_clear_message() -> None:
    answerer = make_answerer()
    assert answerer.ask("   \u200b ").kind == AnswerKind.EMPTY
    long = answerer.ask("Wie hoch ist der Handel? " * (MAX_QUESTION_CHARS // 10))
    assert long.kind == AnswerKind.TOO_LONG and str(MAX_QUESTION_CHARS) in long.text


def test_language_hint_decides_when_the_question_does_not_tell() -> None:
    answer = make_answerer().ask("Oreshnik 2025", lang_hint="en")
    assert answer.lang == "en"


def test_a_question_the_sources_do_not_answer_is_declined_while_the_fact_still_answers() -> None:
    near_miss = "Mit welchen Gütern handelt Belarus mit Russland?"
    facts = [replace(f, unanswerable=(near_miss,)) if f.id == "trade" else f for f in FACTS]
    answerer = make_answerer(facts)
    assert make_answerer().ask(near_miss).fact_id == "trade"  # without the entry the fact would answer
    declined = answerer.ask(near_miss)
    assert not declined.answered and declined.citation is None
    assert answerer.ask("Wie hoch ist der Handel mit Russland?").fact_id == "trade"


@pytest.mark.parametrize(
    "question",
    [
        "Wie heißen die Leute, die das Oreshnik-System stationieren?",  # a name the text does not give
        "How did Russia respond to the Oreshnik deployment?",  # a reaction it does not report
        "Wann wird die nächste Pipeline durch Belarus gebaut?",  # a future event
        "In welcher Stadt wird Oreshnik stationiert?",  # a city it does not name
        "Wie viele Oreshnik-Systeme sind heute noch stationiert?",  # a current count
        "Welche Pipeline genau führt durch Belarus?",  # a detail beyond the general statement
    ],
)
def test_questions_asking_for_what_the_text_does_not_hold_are_not_answered(question: str) -> None:
    assert not make_answerer().ask(question).answered
