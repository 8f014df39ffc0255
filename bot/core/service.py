"""The one entry point adapters call: questions, suggestions, votes, sources and live sync."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from bot.core.answering import Answerer
from bot.core.errors import InvalidInput, NotFound, StoreUnavailable
from bot.core.matching import DocKind
from bot.core.model import Answer, AnswerKind, SourceInfo, Suggestion
from bot.core.moderation import Moderation
from bot.core.ports import Observer, UnitOfWork
from bot.core.text import clean, tokens

log = logging.getLogger(__name__)
_LOGGED_KINDS = (AnswerKind.UNKNOWN, AnswerKind.UNSURE)


class FactBot:
    """Questions are answered from memory; only the unanswered log and votes touch the database."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        answerer: Answerer,
        *,
        log_questions: bool = True,
        observer: Observer | None = None,
    ) -> None:
        self._uow = uow
        self.answerer = answerer
        self.index = answerer.index
        self.moderation = Moderation(uow, self.index, observer)
        self._observer = observer
        self._revision = 0
        self._hits: Counter[str] = Counter()
        self._log_questions = log_questions

    # --- asking -------------------------------------------------------------------------

    def ask(self, question: str, *, lang_hint: str | None = None, platform: str = "cli") -> Answer:
        """Answer a question and log it when it stays unanswered (blocking: call off the event loop)."""
        started = time.perf_counter()
        answer = self.answerer.ask(question, lang_hint)
        if answer.fact_id:
            self._hits[answer.fact_id] += 1
        if answer.kind in _LOGGED_KINDS:
            try:
                with self._uow() as uow:
                    uow.unanswered.record(clean(question), answer.lang, platform, datetime.now(UTC))
                    uow.commit()
            except StoreUnavailable:  # the answer comes from memory; losing one log entry is acceptable
                log.warning("unanswered question not logged: database unavailable")
        seconds = time.perf_counter() - started
        if self._observer:
            self._observer.question(platform, answer, seconds)
        log.info(
            "question",
            extra={
                "platform": platform,
                "lang": answer.lang,
                "kind": str(answer.kind),
                "fact_id": answer.fact_id,
                "confidence": answer.confidence,
                "latency_ms": round(seconds * 1000, 2),
                "question": question[:300] if self._log_questions else None,
            },
        )
        return answer

    def answer_fact(self, fact_id: str, lang: str) -> Answer:
        """The answer of one fact (a pressed suggestion button); NotFound when it was removed."""
        fact = self.index.fact(fact_id)
        if fact is None:
            raise NotFound(f"fact {fact_id!r}", de=f"Eintrag {fact_id!r}")
        self._hits[fact_id] += 1
        return self.answerer.fact_answer(fact, lang)

    def search(self, query: str, lang: str, limit: int = 5) -> list[Answer]:
        """Up to `limit` answers for a query, best first (inline mode)."""
        out = []
        for candidate in self.answerer.rank(query, lang)[:limit]:
            if candidate.score >= self.answerer.thresholds.suggest:
                out.append(self.answerer.fact_answer(candidate.fact, lang, question=query, hit=candidate.hit))
        return out

    def complete(self, typed: str, lang: str, limit: int = 25) -> list[Suggestion]:
        """Known questions for what a user is typing (autocomplete): in memory, no database."""
        query = tokens(typed, lang)
        if not query:
            return self.popular(lang, limit)
        hits = self.index.search(query, kinds=frozenset({DocKind.QUESTION}), lang=lang, prefix_last=True)
        seen: dict[str, Suggestion] = {}
        for hit in hits:
            if hit.doc.unit not in seen:
                seen[hit.doc.unit] = Suggestion(hit.doc.unit, hit.doc.text)
            if len(seen) == limit:
                break
        return list(seen.values())

    def popular(self, lang: str, limit: int = 5) -> list[Suggestion]:
        """The most asked facts since start, then the rest in knowledge-base order."""
        facts = sorted(self.index.facts(), key=lambda f: -self._hits[f.id])
        return [Suggestion(f.id, f.first_question(lang)) for f in facts[:limit]]

    def vote(self, platform: str, user_id: str, fact_id: str, value: int) -> tuple[int, int]:
        """One vote per user and fact (+1 or -1), changeable; returns (up, down)."""
        if value not in (1, -1):
            raise InvalidInput("a vote is +1 or -1", de="eine Stimme ist +1 oder -1")
        with self._uow() as uow:
            if uow.facts.get(fact_id) is None:
                raise NotFound(f"fact {fact_id!r}", de=f"Eintrag {fact_id!r}")
            uow.feedback.vote(platform, user_id, fact_id, value, datetime.now(UTC))
            uow.commit()
            return uow.feedback.counts(fact_id)

    def sources(self) -> list[SourceInfo]:
        counts = Counter(f.source_id for f in self.index.facts())
        return [SourceInfo(s, counts[s.id]) for s in self.index.sources()]

    def intro(self, lang: str) -> str:
        return self.answerer.ask("hallo" if lang == "de" else "hello", lang).text

    def examples(self, lang: str, limit: int = 3) -> list[str]:
        return self.answerer.examples(lang, limit)

    # --- live sync ----------------------------------------------------------------------

    def load(self) -> int:
        """Build the in-memory index from the database (once at start)."""
        with self._uow() as uow:
            sources = uow.sources.all()
            facts, self._revision = uow.facts.changed_since(-1)
        for source in sources:
            self.index.add_source(source)
        self.index.add_facts(facts)
        return len(self.index)

    def sync(self) -> int:
        """Apply facts other processes changed since the last sync; returns how many."""
        with self._uow() as uow:
            facts, revision = uow.facts.changed_since(self._revision)
            sources = uow.sources.all() if revision > self._revision else []
        known = {s.id: s for s in self.index.sources()}
        for source in sources:
            if known.get(source.id) != source:
                self.index.add_source(source)
        self.index.add_facts(facts)
        self._revision = max(self._revision, revision)
        return len(facts)

    @property
    def revision(self) -> int:
        return self._revision
