"""In-memory index over fact questions, answers, quotes and passage sentences.

A question is scored against each indexed text by weighted token overlap: every token weighs its
inverse document frequency, so rare words ("Oreshnik", "Kaliningrad") count more than common ones
("Belarus"). Recall (how much of the question the text explains) dominates; precision (how much of
the text the question touches) breaks ties. Words the knowledge base has never seen keep a high
weight, which is what makes off-topic questions score low. Typos and German compounds are matched
through the vocabulary (rapidfuzz ratio, shared prefixes/suffixes). Candidates come from an
inverted index, so a question touches only texts that share a token with it.
"""

from __future__ import annotations

import heapq
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.model import Fact, Passage, Source
from bot.core.text import tokens


class DocKind(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"
    QUOTE = "quote"
    FACT = "fact"  # every word of a fact at once: paraphrases mix words of several variants
    SENTENCE = "sentence"


@dataclass(frozen=True, slots=True)
class Doc:
    kind: DocKind
    unit: str  # fact id, or "source_id#paragraph" for sentences
    lang: str
    text: str
    tokens: tuple[str, ...]
    position: int = 0  # order of the question within its fact, or of the sentence within its passage


@dataclass(frozen=True, slots=True)
class Hit:
    doc: Doc
    score: float
    recall: float
    precision: float


# How each kind of text turns recall/precision into a score: (beta of the F-measure, factor).
# Curated questions are the best evidence; answers and quotes are longer, so precision matters less.
_KIND_SCORING = {
    DocKind.QUESTION: (1.2, 1.0),
    DocKind.ANSWER: (3.0, 0.9),
    DocKind.QUOTE: (3.0, 0.9),
    DocKind.FACT: (4.0, 0.85),
    DocKind.SENTENCE: (3.0, 0.9),
}
_TYPO_MIN_LEN = 4
_HEAD_MIN = 4  # "pipeline" in "Ölpipeline": the head of a German compound is its last part
_MODIFIER_MIN = 5  # "Handel" in "Handelsumsatz": first parts are weaker evidence
_HEAD_SIM = 0.8
_MODIFIER_SIM = 0.65
_CANDIDATES = 300


def _max_typos(token: str) -> int:
    return 1 if len(token) <= 7 else 2


def _affixes(token: str) -> Iterable[tuple[str, float]]:
    """Proper prefixes and suffixes that may be words of a German compound, with their similarity."""
    for i in range(_MODIFIER_MIN, len(token) - 2):
        yield token[:i], _MODIFIER_SIM
    for i in range(3, len(token) - _HEAD_MIN + 1):
        yield token[i:], _HEAD_SIM


class Index:
    """Thread-safe: writers (moderation, live sync) and readers (questions) take one lock."""

    def __init__(self, unknown_weight: float = 1.15, unknown_soft_weight: float = 0.5) -> None:
        self._lock = threading.RLock()
        self._docs: list[Doc | None] = []
        self._units: dict[str, list[int]] = {}
        self._unit_tokens: dict[str, frozenset[str]] = {}
        self._postings: dict[str, set[int]] = defaultdict(set)
        self._df: Counter[str] = Counter()
        self._affix: dict[str, dict[str, float]] = defaultdict(dict)
        self._vocab: list[str] | None = None
        self._facts: dict[str, Fact] = {}
        self._sources: dict[str, Source] = {}
        self._unknown_weight = unknown_weight
        self._unknown_soft_weight = unknown_soft_weight

    # --- writing --------------------------------------------------------------------------

    def add_fact(self, fact: Fact) -> None:
        """Index a fact's questions, answers and quote; replaces an older version of it."""
        docs = [Doc(DocKind.QUOTE, fact.id, "de", fact.quote, tokens(fact.quote, "de"))]
        for lang, text in fact.texts.items():
            docs.append(Doc(DocKind.ANSWER, fact.id, lang, text.answer, tokens(text.answer, lang)))
            docs += [
                Doc(DocKind.QUESTION, fact.id, lang, q, tokens(q, lang), position=i)
                for i, q in enumerate(text.questions)
            ]
        bag = tuple(dict.fromkeys(t for d in docs for t in d.tokens))
        docs.append(Doc(DocKind.FACT, fact.id, "de", fact.quote, bag))
        with self._lock:
            self._remove_unit(fact.id)
            if not fact.removed:
                self._facts[fact.id] = fact
                self._add_unit(fact.id, docs)

    def remove_fact(self, fact_id: str) -> None:
        with self._lock:
            self._remove_unit(fact_id)

    def add_source(self, source: Source) -> None:
        """Index every sentence of every passage (for the passage fallback)."""
        self._sources[source.id] = source
        for passage in source.passages:
            unit = f"{source.id}#{passage.paragraph}"
            docs = [
                Doc(DocKind.SENTENCE, unit, source.lang, s, tokens(s, source.lang), position=i)
                for i, s in enumerate(passage.sentences)
            ]
            with self._lock:
                self._remove_unit(unit)
                self._add_unit(unit, docs)

    def _add_unit(self, unit: str, docs: list[Doc]) -> None:
        ids = []
        for doc in docs:
            ids.append(len(self._docs))
            self._docs.append(doc)
            for token in doc.tokens:
                if token not in self._postings:
                    self._vocab = None
                    for affix, sim in _affixes(token):
                        self._affix[affix][token] = sim
                self._postings[token].add(ids[-1])
        self._units[unit] = ids
        unit_tokens = frozenset(t for d in docs for t in d.tokens)
        self._unit_tokens[unit] = unit_tokens
        self._df.update(unit_tokens)

    def _remove_unit(self, unit: str) -> None:
        self._facts.pop(unit, None)
        for doc_id in self._units.pop(unit, ()):
            doc = self._docs[doc_id]
            self._docs[doc_id] = None
            for token in doc.tokens if doc else ():
                postings = self._postings[token]
                postings.discard(doc_id)
                if not postings:
                    del self._postings[token]
                    self._vocab = None
                    for affix, _ in _affixes(token):
                        self._affix[affix].pop(token, None)
        self._df.subtract(self._unit_tokens.pop(unit, frozenset()))

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
        units = len(self._units) + 1
        df = self._df.get(token, 0)
        idf = math.log(1 + units / (df + 0.5))
        if df > 0:
            return idf
        return idf * (self._unknown_soft_weight if soft else self._unknown_weight)

    def _expand(self, token: str, *, prefix: bool = False) -> dict[str, float]:
        """Vocabulary tokens that `token` may stand for, with a similarity in 0..1."""
        found: dict[str, float] = {}
        if token in self._postings:
            found[token] = 1.0
        if len(token) < _TYPO_MIN_LEN or token.replace(".", "").isdigit():
            return found
        for other, sim in self._affix.get(token, {}).items():
            found.setdefault(other, 1.0 if prefix else sim)
        if prefix:
            return found
        for affix, sim in _affixes(token):
            if affix in self._postings:
                found.setdefault(affix, sim)
        if token not in self._postings:
            if self._vocab is None:
                self._vocab = list(self._postings)
            typos = _max_typos(token)
            for other, distance, _ in process.extract(
                token, self._vocab, scorer=OSA.distance, score_cutoff=typos, limit=5
            ):
                if not other.replace(".", "").isdigit():
                    found[other] = max(found.get(other, 0.0), 0.9 - 0.1 * distance)
        return found

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
        """Score every text sharing a (fuzzy) token with the query; best first."""
        if not query_tokens:
            return []
        with self._lock:
            weights = {t: self.weight(t, soft=t in soft) for t in query_tokens}
            total = sum(weights.values())
            recall: dict[int, float] = defaultdict(float)
            best_sim: dict[str, float] = {}
            for i, token in enumerate(query_tokens):
                expansion = self._expand(token, prefix=prefix_last and i == len(query_tokens) - 1)
                per_doc: dict[int, float] = {}
                for other, sim in expansion.items():
                    best_sim[other] = max(best_sim.get(other, 0.0), sim)
                    for doc_id in self._postings.get(other, ()):
                        if per_doc.get(doc_id, 0.0) < sim:
                            per_doc[doc_id] = sim
                for doc_id, sim in per_doc.items():
                    recall[doc_id] += weights[token] * sim
            shortlist = heapq.nlargest(limit, recall.items(), key=lambda item: item[1])
            hits = []
            for doc_id, matched in shortlist:
                doc = self._docs[doc_id]
                if doc is None or (kinds and doc.kind not in kinds) or (lang and doc.lang != lang):
                    continue
                hits.append(self._score(doc, matched / total, best_sim))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits

    def _score(self, doc: Doc, recall: float, best_sim: dict[str, float]) -> Hit:
        doc_weights = [self.weight(t) for t in doc.tokens]
        covered = sum(w * best_sim.get(t, 0.0) for t, w in zip(doc.tokens, doc_weights, strict=True))
        precision = covered / sum(doc_weights) if doc_weights else 0.0
        beta, factor = _KIND_SCORING[doc.kind]
        if recall <= 0 or precision <= 0:
            return Hit(doc, 0.0, recall, precision)
        f = (1 + beta**2) * precision * recall / (beta**2 * precision + recall)
        return Hit(doc, f * factor, recall, precision)

    def exhaustive(self, query_tokens: tuple[str, ...]) -> list[Hit]:
        """Score every text, no shortlist: the reference the benchmark compares `search` with."""
        return self.search(query_tokens, limit=len(self._docs))
