import pytest

from bot.core.qtype import Expect, expected, insists_on_detail, provides, quotes_verbatim

KELLOGG = "Wenige Tage zuvor war der US-Sondergesandte Keith Kellogg in Belarus eingetroffen."
PRISONERS = "Nach dem Besuch kündigte Minsk die Freilassung von 14 politischen Gefangenen an."


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Wie viele Gefangene kamen frei?", Expect.COUNT),
        ("What percentage of trade goes to Russia?", Expect.PERCENT),
        ("Seit wann ist Lukaschenko Präsident?", Expect.TIME),
        ("In welchem Jahr war das?", Expect.YEAR),
        ("Wie heißt der Gesandte?", Expect.NAME),
        ("How did Moscow respond?", Expect.REACTION),
        ("Wann ist die nächste Wahl?", Expect.FUTURE),
        ("How many prisoners are still in jail?", Expect.CURRENT_COUNT),
        ("Warum verschlechterten sich die Beziehungen?", None),
        ("Which Belarusian banks are under sanctions?", Expect.NAME),
        ("Welche amerikanischen Firmen sind in Belarus aktiv?", Expect.NAME),
        ("Welche Länder sind Mitglied?", None),
        ("An welchem Tag traf Kellogg Lukaschenko?", Expect.DATE),
        ("On what date did the forum take place?", Expect.DATE),
    ],
)
def test_expected_answer_type(question: str, kind: Expect | None) -> None:
    assert expected(question) == kind


def test_a_name_needs_a_proper_name_in_the_quote_itself() -> None:
    assert provides(Expect.NAME, KELLOGG)
    assert not provides(Expect.NAME, PRISONERS, "After Keith Kellogg's visit, 14 prisoners were released.")


def test_a_count_is_not_a_year() -> None:
    assert provides(Expect.COUNT, PRISONERS)
    assert not provides(Expect.COUNT, "Bis Ende 2025 soll das System stationiert werden.")
    assert provides(Expect.YEAR, "Bis Ende 2025 soll das System stationiert werden.")


@pytest.mark.parametrize(
    ("question", "kind", "text", "fits"),
    [
        ("Was kosten die neuen Grenzposten?", Expect.COST, "Es plant sechs neue Grenzposten.", False),
        ("How much did the pipeline cost?", Expect.COST, "It cost 70 million dollars.", True),
        ("Is Kellogg still the envoy today?", Expect.CURRENT, "Kellogg traf Lukaschenko.", False),
        ("Sucht Minsk immer noch den Ausgleich?", Expect.CURRENT, "Minsk ist weiterhin um Ausgleich bemüht.", True),
        ("In which Belarusian city will it be stationed?", Expect.CITY, "Auf belarussischem Gebiet.", False),
    ],
)
def test_cost_current_state_and_city_questions(question: str, kind: Expect, text: str, fits: bool) -> None:
    assert expected(question) == kind
    assert provides(kind, text) is fits


@pytest.mark.parametrize(
    ("question", "insists"),
    [
        ("Welche Banken genau sollen entlastet werden?", True),
        ("Which specific products were allowed again?", True),
        ("On what exact date did Kellogg arrive?", True),
        ("Was hat Lukaschenko konkret gesagt?", True),
        ("Worüber macht sich Minsk genau wie Moskau Sorgen?", False),  # "genau wie" compares
        ("Which banks will the US relieve?", False),
    ],
)
def test_questions_that_insist_on_a_detail(question: str, insists: bool) -> None:
    assert insists_on_detail(question) is insists


def test_only_a_literal_quotation_gives_a_detail_word_for_word() -> None:
    assert quotes_verbatim("Er erklärte, dass „beide Länder bald ihre Beziehungen wieder aufnehmen werden“.")
    assert not quotes_verbatim(PRISONERS)


def test_a_date_is_a_calendar_day_not_a_vague_time() -> None:
    assert not provides(Expect.DATE, "Wenige Tage zuvor war Kellogg in Belarus eingetroffen.")
    assert provides(Expect.DATE, "Am 26. Juni war Kellogg in Minsk.")
    assert provides(Expect.DATE, "Kellogg arrived in Minsk on June 26.")


def test_capitalised_german_nouns_are_no_name_unless_the_english_answer_names_someone_too() -> None:
    companies = "Im Jahr 2018 waren 181 Unternehmen tätig, die 70 Millionen US-Dollar investierten."
    assert not provides(Expect.NAME, companies, names="In 2018, 181 US companies invested 70 million dollars.")
    assert provides(Expect.NAME, KELLOGG, names="US special envoy Keith Kellogg arrived in Belarus.")


def test_a_figure_must_stand_in_a_sentence_about_what_was_asked() -> None:
    quote = f"{PRISONERS} Im Gegenzug sollen die USA die Sanktionen gegen Kaliexporte lockern."
    potash = (("potash", "kali", "kalium"),)
    prisoners = (("prisoner", "gefangene", "gefangenen"),)
    assert not provides(Expect.COUNT, quote, about=potash)
    assert provides(Expect.COUNT, quote, about=prisoners)
    assert provides(Expect.COUNT, quote)  # nothing distinctive asked: any figure will do


def test_a_figure_for_another_year_is_no_answer() -> None:
    quote = "Der Handelsumsatz stieg bis 2024 auf einen Rekordwert von 51,8 Milliarden Dollar."
    trade = (("handel", "trade"),)
    assert provides(Expect.COUNT, quote, about=trade, years=frozenset({"2024"}))
    assert not provides(Expect.COUNT, quote, about=trade, years=frozenset({"2020"}))
