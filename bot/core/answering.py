"""ask(): match a question to a fact, fall back to a passage sentence, or abstain with suggestions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from bot.core import messages
from bot.core.matching import DocKind, Hit, Index
from bot.core.model import LANGS, Answer, AnswerKind, Citation, Fact, Suggestion
from bot.core.qtype import expected, provides
from bot.core.text import clean, detect_language, is_greeting, soft_tokens, tokens

MAX_QUESTION_CHARS = 500
_TYPE_MISMATCH = 0.45  # a "how many" question against a text without a number: suggest, never answer


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Calibrated on a development set of paraphrases, typos and unanswerable near-topic questions."""

    answer: float = 0.48
    passage: float = 0.72
    margin: float = 0.03
    sure: float = 0.85
    suggest: float = 0.3
    unanswerable: float = 0.6


@dataclass(frozen=True, slots=True)
class Candidate:
    fact: Fact
    hit: Hit
    score: float

    @property
    def passage_key(self) -> tuple[str, int]:
        return self.fact.source_id, self.fact.paragraph


class Ranking(NamedTuple):
    candidates: list[Candidate]
    sentence: Hit | None
    unanswerable: Hit | None


class Answerer:
    """Stateless over an Index: everything happens in memory."""

    def __init__(self, index: Index, thresholds: Thresholds | None = None) -> None:
        self.index = index
        self.thresholds = thresholds or Thresholds()

    def ask(self, question: str, lang_hint: str | None = None) -> Answer:
        q = clean(question)
        detected = detect_language(q)
        lang = detected or (messages.pick_lang(lang_hint) if lang_hint else None)
        if not q:
            return Answer(question, AnswerKind.EMPTY, self._text("empty", lang or "en"), lang or "en")
        if len(q) > MAX_QUESTION_CHARS:
            limit = MAX_QUESTION_CHARS
            return Answer(question, AnswerKind.TOO_LONG, messages.text("too_long", lang, limit=limit), lang or "en")
        if is_greeting(q):
            return Answer(question, AnswerKind.INTRO, self._text("intro", lang or "en"), lang or "en")
        ranking = self._rank(q, detected)
        if lang is None:
            best_doc = ranking.candidates[0].hit.doc if ranking.candidates else None
            lang = best_doc.lang if best_doc and best_doc.kind == DocKind.QUESTION else "en"
        return self._decide(question, lang, ranking)

    def rank(self, question: str, lang: str | None = None) -> list[Candidate]:
        """Facts matching `question`, best first (used for inline search and autocomplete)."""
        return self._rank(clean(question), lang).candidates

    def _rank(self, q: str, lang: str | None) -> Ranking:
        hits: dict[int, Hit] = {}
        for code in (lang,) if lang else LANGS:
            for hit in self.index.search(tokens(q, code), soft=soft_tokens(q, code)):
                key = id(hit.doc)
                if key not in hits or hits[key].score < hit.score:
                    hits[key] = hit
        expect = expected(q)
        best: dict[str, Hit] = {}
        sentence: Hit | None = None
        unanswerable: Hit | None = None
        for hit in sorted(hits.values(), key=lambda h: h.score, reverse=True):
            if hit.doc.kind == DocKind.SENTENCE:
                if sentence is None and provides(expect, hit.doc.text):
                    sentence = hit
            elif hit.doc.kind == DocKind.UNANSWERABLE:
                unanswerable = unanswerable or hit
            elif hit.doc.unit not in best:
                best[hit.doc.unit] = hit
        candidates = []
        for unit, hit in best.items():
            if fact := self.index.fact(unit):
                fits = provides(expect, fact.quote, *(t.answer for t in fact.texts.values()))
                candidates.append(Candidate(fact, hit, hit.score if fits else hit.score * _TYPE_MISMATCH))
        candidates.sort(key=lambda c: c.score, reverse=True)
        return Ranking(candidates, sentence, unanswerable)

    def _decide(self, question: str, lang: str, ranking: Ranking) -> Answer:
        t = self.thresholds
        candidates, sentence, unanswerable = ranking
        top = candidates[0] if candidates else None
        if unanswerable and unanswerable.score >= max(t.unanswerable, (top.score if top else 0.0) - t.margin):
            # The question is closer to one the sources are known not to answer than to any fact.
            return self._abstain(question, lang, AnswerKind.UNSURE, candidates, unanswerable.score)
        if top and top.score >= t.answer:
            rival = next((c for c in candidates[1:] if c.passage_key != top.passage_key), None)
            close = rival is not None and top.score - rival.score < t.margin
            if not close or top.score >= t.sure:
                return self.fact_answer(top.fact, lang, question=question, confidence=top.score, hit=top.hit)
            return self._abstain(question, lang, AnswerKind.UNSURE, candidates, top.score)
        if sentence and sentence.score >= t.passage:
            return self._passage_answer(question, lang, sentence)
        kind = AnswerKind.UNSURE if top and top.score >= t.suggest else AnswerKind.UNKNOWN
        return self._abstain(question, lang, kind, candidates, top.score if top else 0.0)

    def fact_answer(
        self, fact: Fact, lang: str, *, question: str = "", confidence: float = 1.0, hit: Hit | None = None
    ) -> Answer:
        """The cited answer of one fact, in `lang` when the fact has it."""
        answer_lang = lang if lang in fact.texts else next(iter(fact.texts))
        matched = hit.doc.text if hit and hit.doc.kind == DocKind.QUESTION and hit.doc.lang == answer_lang else None
        return Answer(
            question=question or fact.first_question(answer_lang),
            kind=AnswerKind.FACT,
            text=fact.texts[answer_lang].answer,
            lang=answer_lang,
            confidence=round(min(1.0, confidence), 3),
            fact_id=fact.id,
            matched_question=matched or fact.first_question(answer_lang),
            citation=self._citation(fact.source_id, fact.paragraph, fact.quote),
        )

    def _passage_answer(self, question: str, lang: str, hit: Hit) -> Answer:
        source_id, paragraph = hit.doc.unit.rsplit("#", 1)
        citation = self._citation(source_id, int(paragraph), hit.doc.text)
        return Answer(
            question=question,
            kind=AnswerKind.PASSAGE,
            text=f"{messages.text('passage_answer', lang)} {hit.doc.text}",
            lang=lang,
            confidence=round(min(1.0, hit.score) * 0.8, 3),
            citation=citation,
        )

    def _abstain(self, question: str, lang: str, kind: AnswerKind, candidates: list[Candidate], score: float) -> Answer:
        suggestions = self.suggestions(candidates, lang)
        key = "unsure" if kind == AnswerKind.UNSURE and suggestions else "unknown"
        return Answer(
            question,
            AnswerKind.UNSURE if key == "unsure" else AnswerKind.UNKNOWN,
            messages.text(key, lang),
            lang,
            confidence=round(min(1.0, score), 3),
            suggestions=suggestions,
        )

    def suggestions(self, candidates: list[Candidate], lang: str, limit: int = 3) -> tuple[Suggestion, ...]:
        """Questions of near-miss facts, one per fact, in the user's language where possible."""
        out: list[Suggestion] = []
        for c in candidates:
            if c.score < self.thresholds.suggest or len(out) == limit:
                break
            doc = c.hit.doc
            same_lang = doc.kind == DocKind.QUESTION and doc.lang == lang
            out.append(Suggestion(c.fact.id, doc.text if same_lang else c.fact.first_question(lang)))
        return tuple(out)

    def _citation(self, source_id: str, paragraph: int, quote: str) -> Citation | None:
        source = self.index.source(source_id)
        passage = self.index.passage(source_id, paragraph)
        if source is None or passage is None:
            return None
        return Citation(
            source_id=source.id,
            source=source.title,
            date=source.date,
            section=passage.section,
            paragraph=paragraph,
            quote=quote,
            passage=passage.text,
            url=source.url,
        )

    def examples(self, lang: str, limit: int = 3) -> list[str]:
        """A few questions from different passages, to show what can be asked."""
        seen: set[tuple[str, int]] = set()
        out: list[str] = []
        facts = self.index.facts()
        step = max(1, len(facts) // (limit * 2))
        for fact in facts[::step]:
            key = (fact.source_id, fact.paragraph)
            if key not in seen and fact.questions(lang):
                seen.add(key)
                out.append(fact.questions(lang)[0])
            if len(out) == limit:
                break
        return out

    def _text(self, key: str, lang: str) -> str:
        examples = self.examples(lang)
        if key == "empty":
            return messages.text("empty", lang, example=examples[0] if examples else "…")
        titles = ", ".join(f"„{s.title}“, {s.date}" for s in self.index.sources()) or "—"
        lines = [messages.text("intro", lang, sources=titles), *(f"• {e}" for e in examples)]
        return "\n".join(lines)
