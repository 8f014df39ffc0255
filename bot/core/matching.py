"""In-memory index over fact questions, facts as bags of words, and passage sentences.

A question is scored against each indexed text by weighted token overlap: every token weighs its
inverse document frequency, so rare words ("Oreshnik", "Kaliningrad") count more than common ones
("Belarus"). Recall (how much of the question the text explains) dominates; precision (how much of
the text the question touches) breaks ties. Words the knowledge base has never seen keep a high
weight, which is what makes off-topic questions score low. Typos and German compounds are matched
through the vocabulary (see vocabulary.py). Scores are accumulated with numpy over an inverted
index, so a question only costs in proportion to the texts that share a (fuzzy) token with it.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import math
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

import numpy as np

from bot.core.model import Fact, Passage, Source
from bot.core.text import detect_language, tokens
from bot.core.vocabulary import Vocabulary


class DocKind(StrEnum):
    QUESTION = "question"
    UNANSWERABLE = "unanswerable"  # a near miss of a fact that the sources do not answer
    FACT = "fact"  # every word of a fact at once (paraphrases mix words of several variants); not stored
    SENTENCE = "sentence"


class Doc(NamedTuple):
    """One indexed text (a tuple: an index build creates hundreds of thousands of them)."""

    kind: DocKind
    unit: str  # fact id, or "source_id#paragraph" for sentences
    lang: str
    text: str
    tokens: tuple[str, ...]
    position: int = 0  # order of the question within its fact, or of the sentence within its passage


class _Unit(NamedTuple):
    """A fact or a passage as the index adds it: its texts and its bag of words."""

    name: str
    docs: list[Doc]
    tokens: tuple[str, ...]
    near_misses: tuple[str, ...] = ()  # words only its unanswerable questions use; they count for IDF too


@dataclass(frozen=True, slots=True)
class Hit:
    doc: Doc
    score: float
    recall: float
    precision: float


# How each kind of text turns recall/precision into a score: (beta of the F-measure, factor).
# Curated questions are the best evidence; a fact's bag of words (its questions and quote) and
# the article's sentences are longer, so for them precision matters less.
_KIND_SCORING = {
    DocKind.QUESTION: (1.2, 1.0),
    DocKind.UNANSWERABLE: (1.2, 1.0),
    DocKind.FACT: (4.0, 0.85),
    DocKind.SENTENCE: (3.0, 0.9),
}
_CANDIDATES = 100
_KIND_CODES = {kind: i for i, kind in enumerate(DocKind)}
_LANG_CODES = {"de": 0, "en": 1}
_COMPACT_AFTER = 0.25  # rebuild the postings once a quarter of the indexed texts were removed


class Index:
    """Thread-safe: writers (moderation, live sync) and readers (questions) take one lock."""

    def __init__(self, unknown_weight: float = 1.15, unknown_soft_weight: float = 0.5) -> None:
        self._lock = threading.RLock()
        self.vocab = Vocabulary()
        self._docs: list[Doc | None] = []
        self._alive = bytearray()
        self._kinds = bytearray()
        self._langs = bytearray()
        self._dead = 0
        self._unit_ids: dict[str, int] = {}  # current id of each live unit
        self._unit_names: list[str] = []
        self._unit_alive = bytearray()
        self._unit_docs: dict[str, range] = {}  # a unit's texts are added together, so their ids are contiguous
        self._unit_tokens: dict[str, tuple[str, ...]] = {}  # a tuple: 5x smaller than a frozenset
        self._unit_near_misses: dict[str, tuple[str, ...]] = {}
        self._facts: dict[str, Fact] = {}
        self._sources: dict[str, Source] = {}
        self._bags: dict[str, Doc] = {}  # a fact as one text: its questions and quote together
        # IDF weights and per-text weight sums, valid until the next write (questions far outnumber writes).
        self._weights: dict[str, float] = {}
        self._weight_sums: dict[int, float] = {}
        self._unknown_weight = unknown_weight
        self._unknown_soft_weight = unknown_soft_weight

    # --- writing --------------------------------------------------------------------------

    def add_fact(self, fact: Fact) -> None:
        """Index a fact's questions (its quote joins its bag of words); replaces older versions."""
        self.add_facts([fact])

    def add_facts(self, facts: Iterable[Fact]) -> None:
        """Index many facts in one pass over all their words (start-up, imports, live sync)."""
        with _gc_paused():
            self._add_facts(facts)

    def _add_facts(self, facts: Iterable[Fact]) -> None:
        units: dict[str, tuple[Fact, _Unit]] = {}  # the last version of an id wins
        quotes: dict[str, tuple[str, ...]] = {}  # several facts often quote the same sentence
        for fact in facts:
            docs = [
                Doc(DocKind.QUESTION, fact.id, lang, q, tokens(q, lang), i)  # positional: 2x faster than keywords
                for lang, text in fact.texts.items()
                for i, q in enumerate(text.questions)
            ]
            # The quote counts only in the fact's bag of words: it widens recall for paraphrases. The answers
            # do not: next to the curated variants they decided 3 of 1 400 evaluation answers, and tokenising
            # them was a third of an index build.
            quote = quotes.get(fact.quote) or quotes.setdefault(fact.quote, tokens(fact.quote, self._lang(fact)))
            bag = _distinct(*(d.tokens for d in docs), quote)
            beyond: tuple[str, ...] = ()  # words only its near misses use
            if fact.unanswerable:
                near_misses = [
                    Doc(DocKind.UNANSWERABLE, fact.id, lang, q, tokens(q, lang), i)
                    for i, q in enumerate(fact.unanswerable)
                    for lang in (detect_language(q) or "de",)
                ]
                docs += near_misses
                known = set(bag)
                beyond = tuple(t for t in _distinct(*(d.tokens for d in near_misses)) if t not in known)
            units[fact.id] = (fact, _Unit(fact.id, docs, bag, beyond))
        with self._lock:
            for fact_id in units:
                self._remove_unit(fact_id)
            live = []
            for fact, unit in units.values():
                if not fact.removed:
                    live.append(unit)
                    self._facts[fact.id] = fact
                    self._bags[fact.id] = Doc(DocKind.FACT, fact.id, next(iter(fact.texts), "de"), fact.quote, ())
            self._add_units(live)

    def _lang(self, fact: Fact) -> str:
        source = self._sources.get(fact.source_id)
        return source.lang if source else "de"

    def remove_fact(self, fact_id: str) -> None:
        with self._lock:
            self._remove_unit(fact_id)

    def add_source(self, source: Source) -> None:
        """Index every sentence of every passage (for the passage fallback)."""
        self._sources[source.id] = source
        units: list[_Unit] = []
        for passage in source.passages:
            name = f"{source.id}#{passage.paragraph}"
            docs = [
                Doc(DocKind.SENTENCE, name, source.lang, s, tokens(s, source.lang), i)
                for i, s in enumerate(passage.sentences)
            ]
            units.append(_Unit(name, docs, _distinct(*(d.tokens for d in docs))))
        with self._lock:
            for unit in units:
                self._remove_unit(unit.name)
            self._add_units(units)

    def _add_units(self, units: list[_Unit]) -> None:
        self._weights.clear()
        self._weight_sums.clear()
        doc_items: list[tuple[int, tuple[str, ...]]] = []
        unit_items: list[tuple[int, tuple[str, ...]]] = []
        for unit, docs, unit_tokens, near_misses in units:
            # Every version of a unit gets a new id, so postings of an older version never count for it.
            unit_id = self._unit_ids[unit] = len(self._unit_names)
            self._unit_names.append(unit)
            first = len(self._docs)
            self._docs += docs
            self._unit_docs[unit] = range(first, len(self._docs))
            self._unit_tokens[unit] = unit_tokens
            if near_misses:
                self._unit_near_misses[unit] = near_misses
            doc_items += zip(range(first, len(self._docs)), (d.tokens for d in docs), strict=True)
            unit_items.append((unit_id, unit_tokens))
        added = [d for unit in units for d in unit.docs]
        self._unit_alive += b"\x01" * len(units)
        self._alive += b"\x01" * len(added)
        self._kinds += bytes(_KIND_CODES[d.kind] for d in added)
        self._langs += bytes(_LANG_CODES.get(d.lang, 255) for d in added)
        self.vocab.add(doc_items, unit_items, [unit.near_misses for unit in units])

    def _remove_unit(self, unit: str) -> None:
        if unit not in self._unit_tokens:  # a new fact: nothing to remove, and the weights stay valid
            return
        self._weights.clear()
        self._weight_sums.clear()
        self._facts.pop(unit, None)
        self._bags.pop(unit, None)
        self._unit_alive[self._unit_ids.pop(unit)] = 0
        self.vocab.forget(self._unit_tokens.pop(unit) + self._unit_near_misses.pop(unit, ()))
        for doc_id in self._unit_docs.pop(unit):
            self._docs[doc_id] = None
            self._alive[doc_id] = 0
            self._dead += 1
        if self._dead > 1000 and self._dead > _COMPACT_AFTER * len(self._docs):
            self._compact()

    def _compact(self) -> None:
        """Renumber the live texts so postings and arrays stop carrying removed ones."""
        live = [d for d in self._docs if d is not None]
        self._docs, self._dead = list[Doc | None](live), 0
        self._alive = bytearray(b"\x01" * len(live))
        self._kinds = bytearray(_KIND_CODES[d.kind] for d in live)
        self._langs = bytearray(_LANG_CODES.get(d.lang, 255) for d in live)
        self._unit_docs = {}
        first = 0
        for unit, docs in itertools.groupby(live, key=lambda d: d.unit):
            count = sum(1 for _ in docs)
            self._unit_docs[unit] = range(first, first + count)
            first += count
        self._unit_names = list(self._unit_tokens)
        self._unit_ids = {name: i for i, name in enumerate(self._unit_names)}
        self._unit_alive = bytearray(b"\x01" * len(self._unit_names))
        self.vocab.rebuild(
            [(i, d.tokens) for i, d in enumerate(live)],
            [(self._unit_ids[u], t) for u, t in self._unit_tokens.items()],
        )

    # --- reading --------------------------------------------------------------------------

    def fact(self, fact_id: str) -> Fact | None:
        return self._facts.get(fact_id)

    def facts(self) -> list[Fact]:
        with self._lock:
            return list(self._facts.values())

    def source(self, source_id: str) -> Source | None:
        return self._sources.get(source_id)

    def sources(self) -> list[Source]:
        return list(self._sources.values())

    def passage(self, source_id: str, paragraph: int) -> Passage | None:
        source = self._sources.get(source_id)
        return next((p for p in source.passages if p.paragraph == paragraph), None) if source else None

    def __len__(self) -> int:
        return len(self._facts)

    def weight(self, token: str, *, soft: bool = False) -> float:
        """Inverse document frequency; unknown words weigh more, unless they look like verbs."""
        units = len(self._unit_tokens) + 1
        df = self.vocab.df.get(token, 0)
        idf = math.log(1 + units / (df + 0.5))
        if df > 0:
            return idf
        return idf * (self._unknown_soft_weight if soft else self._unknown_weight)

    def search(
        self,
        query_tokens: tuple[str, ...],
        *,
        kinds: frozenset[DocKind] | None = None,
        lang: str | None = None,
        prefix_last: bool = False,
        soft: frozenset[str] = frozenset(),
        limit: int = _CANDIDATES,
    ) -> list[Hit]:
        """Score the texts sharing a (fuzzy) token with the query; best first."""
        if not query_tokens:
            return []
        with_facts = kinds is None or DocKind.FACT in kinds
        with self._lock:
            weights = {t: self.weight(t, soft=t in soft) for t in query_tokens}
            total = sum(weights.values())
            docs = np.zeros(len(self._docs), dtype=np.float32)
            units = np.zeros(len(self._unit_names), dtype=np.float32)
            best_sim: dict[str, float] = {}
            for i, token in enumerate(query_tokens):
                expansion = self.vocab.expand(token, prefix=prefix_last and i == len(query_tokens) - 1)
                for other, sim in expansion.items():
                    best_sim[other] = max(best_sim.get(other, 0.0), sim)
                _accumulate(docs, self.vocab.doc_postings, expansion, weights[token])
                if with_facts:
                    _accumulate(units, self.vocab.unit_postings, expansion, weights[token])
            docs *= np.frombuffer(self._alive, dtype=np.uint8)
            units *= np.frombuffer(self._unit_alive, dtype=np.uint8)
            if kinds:
                docs *= np.isin(np.frombuffer(self._kinds, dtype=np.uint8), [_KIND_CODES[k] for k in kinds])
            if lang:
                docs *= np.frombuffer(self._langs, dtype=np.uint8) == _LANG_CODES.get(lang, 255)
            hits = [self._score(self._docs[d], docs[d] / total, best_sim) for d in _top(docs, limit)]
            for u in _top(units, limit // 2) if with_facts else ():
                if bag := self._bags.get(self._unit_names[u]):
                    hits.append(self._score(bag, units[u] / total, best_sim))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits

    def answerable(self, token: str) -> bool:
        """Whether a live fact or passage contains the token (not only a question known to be unanswerable)."""
        with self._lock:
            units = Vocabulary.view(self.vocab.unit_postings, token)
            return bool(units.size) and bool(np.frombuffer(self._unit_alive, dtype=np.uint8)[units].any())

    def bag(self, fact_id: str) -> tuple[str, ...]:
        """Every word of a fact: its questions and quote."""
        return self._unit_tokens.get(fact_id, ())

    def coverage(self, query: tuple[str, ...], soft: frozenset[str], fact_id: str) -> tuple[float, float]:
        """(weight share of the most important query word the fact lacks, weight share of unknown words)."""
        with self._lock:
            weights = {t: self.weight(t, soft=t in soft) for t in query}
            total = sum(weights.values()) or 1.0
            bag = set(self.bag(fact_id))
            lacking = [w for t, w in weights.items() if not any(u in bag for u in self.vocab.expand(t))]
            unknown = sum(w for t, w in weights.items() if t not in self.vocab)
        return max(lacking, default=0.0) / total, unknown / total

    def _score(self, doc: Doc | None, recall: float, best_sim: dict[str, float]) -> Hit:
        assert doc is not None  # only live texts have a score above zero
        tokens = self._unit_tokens[doc.unit] if doc.kind == DocKind.FACT else doc.tokens
        covered = sum(self._weight(t) * sim for t, sim in best_sim.items() if t in tokens)
        weight_sum = self._weight_sums.get(id(doc))
        if weight_sum is None:
            weight_sum = self._weight_sums[id(doc)] = sum(self._weight(t) for t in tokens)
        precision = covered / weight_sum if weight_sum else 0.0
        recall = float(recall)
        beta, factor = _KIND_SCORING[doc.kind]
        if recall <= 0 or precision <= 0:
            return Hit(doc, 0.0, recall, precision)
        f = (1 + beta**2) * precision * recall / (beta**2 * precision + recall)
        return Hit(doc, f * factor, recall, precision)

    def _weight(self, token: str) -> float:
        weight = self._weights.get(token)
        if weight is None:
            weight = self._weights[token] = self.weight(token)
        return weight

    def exhaustive(self, query_tokens: tuple[str, ...]) -> list[Hit]:
        """Score every text, no shortlist: the reference the benchmark compares `search` with."""
        return self.search(query_tokens, limit=len(self._docs) + len(self._unit_names))


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """A bulk build creates millions of small acyclic objects; the cyclic GC would rescan them over and over."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _distinct(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(itertools.chain.from_iterable(groups)))


def _accumulate(scores: np.ndarray, postings: dict, expansion: dict[str, float], weight: float) -> None:
    """Add `weight` × the best similarity of any expansion a text holds (each query word counts once)."""
    if len(expansion) == 1:
        ((token, sim),) = expansion.items()
        scores[Vocabulary.view(postings, token)] += weight * sim
        return
    best = np.zeros_like(scores)
    for token, sim in sorted(expansion.items(), key=lambda item: item[1]):
        ids = Vocabulary.view(postings, token)
        best[ids] = np.maximum(best[ids], sim)
    scores += weight * best


def _top(scores: np.ndarray, limit: int) -> list[int]:
    """Indices of the `limit` highest positive scores, best first."""
    nonzero = np.flatnonzero(scores > 0)
    if len(nonzero) > limit:
        nonzero = nonzero[np.argpartition(scores[nonzero], -limit)[-limit:]]
    return nonzero[np.argsort(-scores[nonzero], kind="stable")].tolist()
