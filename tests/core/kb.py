"""A small hand-made knowledge base for unit tests of the matcher and the answerer (no database)."""

from bot.core.answering import Answerer
from bot.core.matching import Index
from bot.core.model import Fact, LangText, Passage, Source

SOURCE = Source(
    id="demo",
    title="Demo-Artikel",
    date="2025-07",
    lang="de",
    url="https://example.org/demo",
    passages=(
        Passage("demo", 1, None, ("Die Druschba-Ölpipeline führt durch Belarus.", "Sie ist sehr alt.")),
        Passage("demo", 2, "Handel", ("Der Handel mit Russland stieg auf 51,8 Milliarden Dollar.",)),
        Passage("demo", 3, "Militär", ("Das Raketensystem Oreshnik soll bis Ende 2025 stationiert werden.",)),
        Passage("demo", 4, "Politik", ("Lukaschenko ist seit 1994 Präsident.", "Kanada bekam eine Botschaft.")),
    ),
)


def fact(fact_id: str, paragraph: int, quote: str, de: list[str], en: list[str], answer: str = "") -> Fact:
    return Fact(
        id=fact_id,
        source_id="demo",
        paragraph=paragraph,
        quote=quote,
        texts={
            "de": LangText(answer or f"Antwort {fact_id}", tuple(de)),
            "en": LangText(answer or f"Answer {fact_id}", tuple(en)),
        },
    )


FACTS = [
    fact(
        "pipeline",
        1,
        "Die Druschba-Ölpipeline führt durch Belarus.",
        ["Welche Pipeline führt durch Belarus?"],
        ["Which pipeline crosses Belarus?"],
    ),
    fact(
        "trade",
        2,
        "Der Handel mit Russland stieg auf 51,8 Milliarden Dollar.",
        ["Wie hoch ist der Handel mit Russland?"],
        ["How much does Belarus trade with Russia?"],
        answer="51,8 Milliarden Dollar / 51.8 billion dollars",
    ),
    fact(
        "oreshnik",
        3,
        "Das Raketensystem Oreshnik soll bis Ende 2025 stationiert werden.",
        ["Wann wird Oreshnik stationiert?"],
        ["When will Oreshnik be deployed?"],
        answer="Bis Ende 2025.",
    ),
    fact(
        "president-since",
        4,
        "Lukaschenko ist seit 1994 Präsident.",
        ["Seit wann ist Lukaschenko Präsident?"],
        ["Since when is Lukashenko president?"],
        answer="Seit 1994.",
    ),
]


def make_index(facts: list[Fact] = FACTS) -> Index:
    index = Index()
    index.add_source(SOURCE)
    for f in facts:
        index.add_fact(f)
    return index


def make_answerer(facts: list[Fact] = FACTS) -> Answerer:
    return Answerer(make_index(facts))
