"""ask(): match a question to a fact, fall back to a passage sentence, or abstain with suggestions."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import messages
from bot.core import ranking as ranking_
from bot.core.calibration import probability
from bot.core.matching import DocKind, Hit, Index
from bot.core.model import Answer, AnswerKind, Citation, Fact, Suggestion
from bot.core.ranking import Candidate, Ranking
from bot.core.text import clean, detect_language, is_greeting

MAX_QUESTION_CHARS = 500


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision points on the calibrated probability (see calibration.py) and on raw match scores."""

    answer: float = 0.5  # probability that the best fact answers the question
    floor: float = 0.35  # and the score its best text needs at least, whatever the model says
    gap: float = 0.05  # decline when a known-unanswerable question matches this much better than any fact
    sure: float = 0.9  # above this, a close runner-up from another passage does not make the bot ask back
    margin: float = 0.02  # "too close to call": runner-up's score within this of the best
    passage: float = 0.72  # score an article sentence needs to be cited when no fact fits
    suggest: float = 0.3  # score a fact needs to be offered as "did you mean"


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
        ranking = ranking_.rank(self.index, q, detected)
        if lang is None:
            best_doc = ranking.candidates[0].hit.doc if ranking.candidates else None
            lang = best_doc.lang if best_doc and best_doc.kind == DocKind.QUESTION else "en"
        found = ranking_.evidence(self.index, q, ranking)
        return self._decide(question, lang, ranking, probability(found) if found else 0.0)

    def rank(self, question: str, lang: str | None = None) -> list[Candidate]:
        """Facts matching `question`, best first (used for inline search and autocomplete)."""
        return ranking_.rank(self.index, clean(question), lang).candidates

    def _decide(self, question: str, lang: str, ranking: Ranking, chance: float) -> Answer:
        t = self.thresholds
        candidates, sentence, unanswerable = ranking.candidates, ranking.sentence, ranking.unanswerable
        top = candidates[0] if candidates else None
        # A fact that cannot answer the question (no number for "how many", another country) is only suggested.
        closer_to_a_gap = unanswerable is not None and top is not None and unanswerable.score >= top.score + t.gap
        if top and top.fits and chance >= t.answer and top.hit.score >= t.floor and not closer_to_a_gap:
            rival = next((c for c in candidates[1:] if c.passage_key != top.passage_key), None)
            close = rival is not None and top.score - rival.score < t.margin
            if not close or chance >= t.sure:
                return self.fact_answer(top.fact, lang, question=question, confidence=chance, hit=top.hit)
            return self._abstain(question, lang, AnswerKind.UNSURE, candidates, chance)
        known_gap = unanswerable is not None and sentence is not None and unanswerable.score >= sentence.score
        if sentence and sentence.score >= t.passage and not known_gap:
            return self._passage_answer(question, lang, sentence)
        kind = AnswerKind.UNSURE if top and top.score >= t.suggest else AnswerKind.UNKNOWN
        return self._abstain(question, lang, kind, candidates, chance)

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
