"""The index's vocabulary: which texts and facts hold a token, and which known tokens a new word may mean.

Postings are append-only int32 arrays (4 bytes per occurrence, viewed by numpy without copying); texts
that were removed stay in them until the index compacts, and are masked out when a question is scored.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.text import lexicon_concept

HEAD_MIN = 4  # "pipeline" in "Ölpipeline": the head of a German compound is its last part …
MODIFIER_MIN = 5  # … while "Handel" in "Handelsumsatz", a first part, is weaker evidence
HEAD_SIM = 0.8
MODIFIER_SIM = 0.65
TYPO_MIN_LEN = 4
COMPLETIONS = 50


def _max_typos(token: str) -> int:
    return 1 if len(token) <= 7 else 2


def _is_number(token: str) -> bool:
    return token.replace(".", "").isdigit()


class Vocabulary:
    def __init__(self) -> None:
        self.doc_postings: dict[str, array] = {}
        self.unit_postings: dict[str, array] = {}
        self.df: dict[str, int] = {}  # live units (facts, passages) holding the token
        self._sorted: list[str] | None = None
        self._reversed: list[str] | None = None
        self._by_length: dict[int, list[str]] | None = None
        self._expansions: dict[tuple[str, bool], dict[str, float]] = {}  # valid until the vocabulary changes

    def __contains__(self, token: str) -> bool:
        return self.df.get(token, 0) > 0

    def add(
        self,
        docs: list[tuple[int, tuple[str, ...]]],
        units: list[tuple[int, tuple[str, ...]]],
        extra: list[tuple[str, ...]],
    ) -> None:
        """Register texts and units (their bags of words) in bulk: the hot path of an index build.

        A unit's words count towards document frequencies, and so do `extra` words it knows beyond its
        bag (those of its unanswerable questions).
        """
        _extend(self.doc_postings, docs)
        counts = _extend(self.unit_postings, units)
        counts.update(itertools.chain.from_iterable(extra))
        df, new = self.df, False
        for token, count in counts.items():
            known = df.get(token, 0)
            new = new or not known
            df[token] = known + count
        if new:
            self._changed()

    def forget(self, unit_tokens: tuple[str, ...]) -> None:
        df = self.df
        for token in unit_tokens:
            if df[token] <= 1:
                del df[token]
                self._changed()
            else:
                df[token] -= 1

    def rebuild(self, docs: list[tuple[int, tuple[str, ...]]], units: list[tuple[int, tuple[str, ...]]]) -> None:
        """Drop removed texts from the postings (compaction)."""
        self.doc_postings.clear()
        self.unit_postings.clear()
        _extend(self.doc_postings, docs)
        _extend(self.unit_postings, units)

    @staticmethod
    def view(postings: dict[str, array], token: str) -> np.ndarray:
        found = postings.get(token)
        return np.frombuffer(found, dtype=np.int32) if found else np.empty(0, dtype=np.int32)

    # --- from a word to known tokens ------------------------------------------------------

    def _changed(self) -> None:
        self._sorted = self._reversed = self._by_length = None
        self._expansions.clear()

    def expand(self, token: str, *, prefix: bool = False) -> dict[str, float]:
        """Known tokens that `token` may stand for, with a similarity in 0..1 (memoised: typo search is dear)."""
        key = (token, prefix)
        found = self._expansions.get(key)
        if found is None:
            if len(self._expansions) > 100_000:
                self._expansions.clear()
            found = self._expansions[key] = self._expand(token, prefix=prefix)
        return found

    def _expand(self, token: str, *, prefix: bool) -> dict[str, float]:
        found: dict[str, float] = {token: 1.0} if token in self else {}
        if _is_number(token):
            return found
        if prefix:  # autocomplete: the last word may be unfinished
            found.update(dict.fromkeys(self._starting(token), 1.0))
            return found
        if len(token) < TYPO_MIN_LEN:
            return found
        for other, sim in self._compound_relatives(token):
            found.setdefault(other, sim)
        if token not in self:
            concept = lexicon_concept(token)
            if concept and concept in self:
                found[concept] = max(found.get(concept, 0.0), 0.9)
            for other, distance in self._typos(token):
                found[other] = max(found.get(other, 0.0), 0.9 - 0.1 * distance)
        return found

    def _compound_relatives(self, token: str) -> Iterable[tuple[str, float]]:
        """Known compounds built on `token`, and known parts of `token` if it is a compound."""
        if len(token) >= MODIFIER_MIN:
            yield from ((w, MODIFIER_SIM) for w in self._starting(token) if len(w) >= len(token) + 3)
        if len(token) >= HEAD_MIN:
            yield from ((w, HEAD_SIM) for w in self._ending(token) if len(w) >= len(token) + 3)
        for i in range(MODIFIER_MIN, len(token) - 2):
            if token[:i] in self:
                yield token[:i], MODIFIER_SIM
        for i in range(3, len(token) - HEAD_MIN + 1):
            if token[i:] in self:
                yield token[i:], HEAD_SIM

    def _starting(self, prefix: str) -> list[str]:
        if len(prefix) < 2:
            return []
        if self._sorted is None:
            self._sorted = sorted(self.df)
        return _range(self._sorted, prefix)

    def _ending(self, suffix: str) -> list[str]:
        if self._reversed is None:
            self._reversed = sorted(w[::-1] for w in self.df)
        return [w[::-1] for w in _range(self._reversed, suffix[::-1])]

    def _typos(self, token: str) -> list[tuple[str, int]]:
        """Known words within one or two edits (transpositions count once), numbers excluded."""
        if self._by_length is None:
            self._by_length = defaultdict(list)
            for word in self.df:
                if not _is_number(word):
                    self._by_length[len(word)].append(word)
        typos = _max_typos(token)
        found = [
            (word, distance)
            for n in range(len(token) - typos, len(token) + typos + 1)
            for word, distance, _ in process.extract(
                token, self._by_length.get(n, ()), scorer=OSA.distance, score_cutoff=typos, limit=5
            )
        ]
        return sorted(found, key=lambda item: item[1])[:5]


def _extend(postings: dict[str, array], items: Sequence[tuple[int, tuple[str, ...]]]) -> Counter[str]:
    """Append each item id to the postings of its tokens, grouped with numpy instead of a loop per token.

    Tokens are grouped by object identity: the tokeniser hands out one string object per token, and
    `id()` never reads the string, which a hash lookup per occurrence would (millions of cache misses in
    an index build). Equal strings that are distinct objects form separate groups and simply add up.
    Returns how many items hold each token.
    """
    counts: Counter[str] = Counter()
    token_lists = [item_tokens for _, item_tokens in items]
    flat = list(itertools.chain.from_iterable(token_lists))
    if not flat:
        return counts
    identities = np.fromiter(map(id, flat), dtype=np.intp, count=len(flat))
    owners = np.repeat(np.asarray([item_id for item_id, _ in items], dtype=np.int32), [len(t) for t in token_lists])
    order = np.argsort(identities)  # the order within one token does not matter
    identities = identities[order]
    starts = np.flatnonzero(np.concatenate(([True], identities[1:] != identities[:-1])))
    grouped = owners[order]
    bounds = [*starts.tolist(), len(flat)]
    for group, first in enumerate(order[starts].tolist()):
        token, begin, end = flat[first], bounds[group], bounds[group + 1]
        chunk = grouped[begin:end].tobytes()
        found = postings.get(token)
        if found is None:
            postings[token] = array("i", chunk)
        else:
            found.frombytes(chunk)
        counts[token] += end - begin
    return counts


def _range(sorted_words: list[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(sorted_words, prefix)
    out = []
    for word in sorted_words[start : start + COMPLETIONS]:
        if not word.startswith(prefix):
            break
        out.append(word)
    return out
