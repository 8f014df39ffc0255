from dataclasses import replace

from bot.core.matching import DocKind
from bot.core.text import tokens
from tests.core.kb import FACTS, make_index


def _best(index, question: str, lang: str = "de") -> str | None:
    hits = [h for h in index.search(tokens(question, lang)) if h.doc.kind != DocKind.SENTENCE]
    return hits[0].doc.unit if hits else None


def test_rare_words_weigh_more_than_common_ones() -> None:
    index = make_index()
    assert index.weight(tokens("Oreshnik", "de")[0]) > index.weight(tokens("Belarus", "de")[0])


def test_unknown_words_weigh_most_unless_they_look_like_verbs() -> None:
    index = make_index()
    unknown, known = tokens("Inflation", "de")[0], tokens("Oreshnik", "de")[0]
    assert index.weight(unknown) > index.weight(known)
    assert index.weight(unknown, soft=True) < index.weight(unknown)


def test_typos_and_transliterations_find_the_fact() -> None:
    index = make_index()
    assert _best(index, "Welche Piplein führt durch Weissrussland?") == "pipeline"
    assert _best(index, "When will Oreschnik be deployed?", "en") == "oreshnik"
    assert _best(index, "Since when is Lukashenka presdient?", "en") == "president-since"


def test_compound_heads_match_their_parts() -> None:
    index = make_index()
    assert _best(index, "Ölpipeline Belarus") == "pipeline"


def test_incremental_updates_without_rebuild() -> None:
    index = make_index()
    index.remove_fact("trade")
    assert index.fact("trade") is None
    assert _best(index, "Wie hoch ist der Handel mit Russland?") != "trade"
    edited = replace(FACTS[1], texts={**FACTS[1].texts})
    index.add_fact(edited)
    assert _best(index, "Wie hoch ist der Handel mit Russland?") == "trade"
    index.add_fact(replace(FACTS[1], removed=True))
    assert index.fact("trade") is None


def test_shortlist_agrees_with_exhaustive_search() -> None:
    index = make_index()
    for question in ["Pipeline Belarus", "Handel Russland Milliarden", "Oreshnik 2025"]:
        query = tokens(question, "de")
        assert index.search(query)[0].doc == index.exhaustive(query)[0].doc


def test_prefix_search_for_autocomplete() -> None:
    index = make_index()
    hits = index.search(tokens("Welche Pipe", "de"), kinds=frozenset({DocKind.QUESTION}), lang="de", prefix_last=True)
    assert hits and hits[0].doc.unit == "pipeline"


def test_an_edited_fact_is_matched_only_by_its_new_words() -> None:
    index = make_index()
    old = FACTS[0]
    new_texts = {lang: replace(t, questions=("Welcher Kanal verbindet die Flüsse?",)) for lang, t in old.texts.items()}
    index.add_fact(replace(old, texts=new_texts, quote=old.quote))
    bag_hits = [h for h in index.search(tokens("Kanal Flüsse", "de")) if h.doc.kind == DocKind.FACT]
    assert bag_hits and bag_hits[0].doc.unit == "pipeline"
    old_words = [h for h in index.search(tokens("Welche Pipeline", "de")) if h.doc.kind == DocKind.QUESTION]
    assert all(h.doc.unit != "pipeline" for h in old_words)


def test_compaction_keeps_results_identical() -> None:
    index = make_index()
    before = [(h.doc.unit, round(h.score, 6)) for h in index.search(tokens("Handel Russland", "de"))]
    for _ in range(700):  # each re-add retires the old texts; compaction kicks in along the way
        index.add_fact(FACTS[2])
    after = [(h.doc.unit, round(h.score, 6)) for h in index.search(tokens("Handel Russland", "de"))]
    assert after == before
    assert len(index._docs) < 700 * 7
    index.remove_fact(FACTS[2].id)  # the renumbered texts of a fact are still removed together
    assert all(h.doc.unit != FACTS[2].id for h in index.search(tokens("Handel Russland", "de")))


def test_words_only_near_misses_use_are_known_until_their_fact_goes() -> None:
    index = make_index()
    inflation = tokens("Inflation", "de")[0]
    unknown = index.weight(inflation)
    index.add_fact(replace(FACTS[2], unanswerable=("Wie hoch ist die Inflation in Belarus?",)))
    assert index.weight(inflation) < unknown  # a known word: the near miss makes it count as on topic
    assert not index.answerable(inflation)  # … yet no fact or passage holds it
    index.remove_fact(FACTS[2].id)
    assert index.weight(inflation) == index.weight(tokens("Xylophon", "de")[0])  # unknown again
