import pytest

from bot.core.text import clean, detect_language, is_greeting, lexicon_concept, soft_tokens, tokens


@pytest.mark.parametrize(
    "spelling", ["Lukaschenko", "Lukashenko", "Lukashenka", "Lukaschenka", "Lukaschenkos", "lukashenko's"]
)
def test_name_spellings_fold_to_one_token(spelling: str) -> None:
    assert tokens(f"Was sagt {spelling}?", "de") == tokens("Was sagt Lukaschenko?", "de")


@pytest.mark.parametrize(
    ("a", "b", "lang"),
    [
        ("Weißrussland", "Belarus", "de"),
        ("Weissrussland", "Belorussia", "de"),
        ("Druschba", "Druzhba", "de"),
        ("Jamal", "Yamal", "en"),
        ("Oreschnik", "Oreshnik", "de"),
        ("United States", "USA", "en"),
        ("Americans", "US", "en"),
        ("Vereinigte Staaten", "Amerikaner", "de"),
        ("Häftlinge", "Gefangene", "de"),
        ("freed", "released", "en"),
    ],
)
def test_synonyms_and_transliterations(a: str, b: str, lang: str) -> None:
    assert tokens(a, lang) == tokens(b, lang)


def test_umlauts_and_sharp_s_fold() -> None:
    assert tokens("Unterstützung Außenpolitik", "de") == tokens("Unterstuetzung Aussenpolitik", "de")


def test_stop_words_are_dropped_but_content_stays() -> None:
    assert tokens("Wie hoch ist der Handel mit Russland?", "de") == tokens("Handel Russland", "de")
    assert tokens("What is the trade with Russia?", "en") == tokens("trade Russia", "en")


def test_pronoun_us_is_not_the_country() -> None:
    assert "usa" not in tokens("tell us about sanctions", "en")
    assert "usa" in tokens("us sanctions on Belarus", "en")


def test_misspelt_lexicon_word_names_its_concept() -> None:
    assert lexicon_concept(tokens("gefangenne", "de")[0]) == tokens("Gefangene", "de")[0]
    assert lexicon_concept("zzzzzz") is None


def test_clean_drops_invisible_characters() -> None:
    assert clean("Lu\u200bkaschenko\u202e \x00 ok") == "Lukaschenko ok"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Wie viele politische Gefangene wurden freigelassen?", "de"),
        ("How many political prisoners were released?", "en"),
        ("Was schrieb Lukaschenko über die Beziehungen?", "de"),
        ("Was schrieb Lukaschenko?", None),
        ("Why is Moscow not worried?", "en"),
        ("Druschba Pipeline", None),
    ],
)
def test_language_detection(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


def test_greetings_are_recognised_but_questions_are_not() -> None:
    assert is_greeting("Hallo!")
    assert is_greeting("help")
    assert is_greeting("Guten Morgen")
    assert not is_greeting("Hallo, wie viele Gefangene kamen frei?")


def test_soft_tokens_are_the_non_nouns_of_a_capitalised_german_question() -> None:
    soft = soft_tokens("Welches Einfuhrverbot hat die Regierung gekippt?", "de")
    assert tokens("gekippt", "de")[0] in soft
    assert tokens("Einfuhrverbot", "de")[0] not in soft
