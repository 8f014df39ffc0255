"""Rank the facts for a question and collect the evidence the calibration needs."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

from bot.core import lexicon
from bot.core.calibration import MARGIN_CAP, Evidence
from bot.core.matching import DocKind, Hit, Index
from bot.core.model import LANGS, Fact
from bot.core.qtype import FIGURES, Expect, expected, insists_on_detail, provides, quotes_verbatim
from bot.core.text import soft_tokens, surface_forms, tokens

TYPE_MISMATCH = 0.45  # a fact that cannot answer the question (see `fits`): suggested, never cited
DISTINCTIVE = 0.5  # a word in fewer than this share of the facts tells what a question is about
MIN_FORM = 4  # shorter forms ("eu") would be found inside unrelated words
# A fact whose second-best text matches too is likelier than one with a single lucky variant: that share
# of the runner-up's score is added (it also breaks ties between facts of different passages).
SUPPORT = 0.2
_YEAR = re.compile(r"(1[89]|20)\d\d")
_CAPITALISED = re.compile(r"(?<=\s)[A-ZÄÖÜ][a-zäöüß]{2,}")


@dataclass(frozen=True, slots=True)
class Candidate:
    fact: Fact
    hit: Hit
    score: float
    fits: bool

    @property
    def passage_key(self) -> tuple[str, int]:
        return self.fact.source_id, self.fact.paragraph


class Ranking(NamedTuple):
    candidates: list[Candidate]
    sentence: Hit | None  # the best article sentence of the expected answer type
    unanswerable: Hit | None  # the closest question the sources are known not to answer
    lang: str | None  # the language the question was read in (None: it did not tell)
    queries: dict[str, tuple[tuple[str, ...], frozenset[str]]]  # per language read in: tokens and soft ones


def rank(index: Index, q: str, lang: str | None) -> Ranking:
    """Best text per fact, best fact first; both languages when the question's language is unknown."""
    queries = {code: (tokens(q, code), soft_tokens(q, code)) for code in ((lang,) if lang else LANGS)}
    hits: dict[int, Hit] = {}
    for query, soft in queries.values():
        for hit in index.search(query, soft=soft):
            key = id(hit.doc)
            if key not in hits or hits[key].score < hit.score:
                hits[key] = hit
    expect, detail = expected(q), insists_on_detail(q)
    about = _distinctive(index, queries) if expect in FIGURES else ()
    words = {t for query, _ in queries.values() for t in query}
    years = frozenset(w for w in words if _YEAR.fullmatch(w))
    named = (words & lexicon.ENTITIES) | years  # a year is named too
    outside = _outsiders(index, q, lang)
    best: dict[str, Hit] = {}
    runner_up: dict[str, float] = {}
    sentence: Hit | None = None
    unanswerable: Hit | None = None
    for hit in sorted(hits.values(), key=lambda h: h.score, reverse=True):
        if hit.doc.kind == DocKind.SENTENCE:
            fits = (
                not outside
                and provides(expect, hit.doc.text)
                and named.issubset(hit.doc.tokens)
                and (not detail or quotes_verbatim(hit.doc.text))
            )
            if sentence is None and fits:
                sentence = hit
        elif hit.doc.kind == DocKind.UNANSWERABLE:
            if unanswerable is None and _same_ask(hit.doc.text, expect, detail):
                unanswerable = hit
        elif hit.doc.unit not in best:
            best[hit.doc.unit] = hit
        else:
            runner_up.setdefault(hit.doc.unit, hit.score)
    candidates = []
    for unit, hit in best.items():
        if fact := index.fact(unit):
            # A fact fits when it holds the kind of answer asked for and every named thing asked about.
            fits = (
                not outside
                and provides(
                    expect,
                    fact.quote,
                    *(t.answer for t in fact.texts.values()),
                    names=_english(fact),
                    about=about,
                    years=years,
                )
                and (not named or named.issubset(index.bag(unit)))
                and (not detail or quotes_verbatim(fact.quote))
            )
            score = hit.score + SUPPORT * runner_up.get(unit, 0.0)
            candidates.append(Candidate(fact, hit, score if fits else score * TYPE_MISMATCH, fits))
    candidates.sort(key=lambda c: c.score, reverse=True)
    return Ranking(candidates, sentence, unanswerable, lang, queries)


def evidence(index: Index, q: str, ranking: Ranking) -> Evidence | None:
    """The calibration's view of the best candidate (None when there is none)."""
    candidates = ranking.candidates
    if not candidates:
        return None
    top = candidates[0]
    rival = next((c for c in candidates[1:] if c.passage_key != top.passage_key), None)
    code = ranking.lang or (top.hit.doc.lang if top.hit.doc.kind == DocKind.QUESTION else "de")
    query, soft = ranking.queries.get(code) or (tokens(q, code), soft_tokens(q, code))
    missing, unknown = index.coverage(query, soft, top.fact.id)
    return Evidence(
        score=top.score,
        recall=top.hit.recall,
        precision=top.hit.precision,
        is_question=float(top.hit.doc.kind == DocKind.QUESTION),
        margin=min(top.score - (rival.score if rival else 0.0), MARGIN_CAP),
        missing=missing,
        unknown=unknown,
        n_tokens=math.log1p(len(query)),
        fits=float(top.fits),
        unanswerable=ranking.unanswerable.score if ranking.unanswerable else 0.0,
        sentence=ranking.sentence.score if ranking.sentence else 0.0,
        ambiguous=float(ranking.lang is None),
    )


def _distinctive(
    index: Index, queries: dict[str, tuple[tuple[str, ...], frozenset[str]]]
) -> tuple[tuple[str, ...], ...]:
    """The question's words few facts hold ("potash", not "Belarus"), each with its spellings and the
    known words it may be a typo of."""
    limit = DISTINCTIVE * max(1, len(index))
    out = []
    for query, _ in queries.values():
        for token in query:
            if index.vocab.df.get(token, 0) < limit:
                related = (token, *index.vocab.expand(token))
                forms = {f for t in related for f in surface_forms(t) if len(f) >= MIN_FORM}
                if forms:
                    out.append(tuple(forms))
    return tuple(out)


def _english(fact: Fact) -> str | None:
    text = fact.texts.get("en")
    return text.answer if text else None


def _same_ask(near_miss: str, expect: Expect | None, detail: bool) -> bool:
    """Whether a known-unanswerable question asks what the user asks: its words alone do not tell, as the
    question words are stop words ("Wo genau wird Oreshnik stationiert?" vs "Bis wann …?")."""
    kind = expected(near_miss)
    return (kind is None or expect is None or kind == expect) and (detail or not insists_on_detail(near_miss))


def _outsiders(index: Index, q: str, lang: str | None) -> list[str]:
    """Names in the question the facts never mention ("Trump", "Tsikhanouskaya", "GDP").

    A capitalised word after the first that no fact or passage contains, not even misspelt: in English
    that marks a name; in German, where every noun is capitalised, only words the knowledge base knows
    from its list of unanswerable questions count.
    """
    found = []
    for word in _CAPITALISED.findall(q):
        token = next(iter(tokens(word, lang or "en")), None)
        if token is None or any(index.answerable(t) for t in index.vocab.expand(token)):
            continue
        if lang == "en" or token in index.vocab:
            found.append(token)
    return found
