"""Plain domain types shared by every layer; platform and database objects stop before here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

LANGS: tuple[str, ...] = ("de", "en")


@dataclass(frozen=True, slots=True)
class Passage:
    """One body paragraph of a source, split into its sentences."""

    source_id: str
    paragraph: int
    section: str | None
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@dataclass(frozen=True, slots=True)
class Source:
    """An article the knowledge base is built from."""

    id: str
    title: str
    date: str
    lang: str
    url: str | None
    passages: tuple[Passage, ...] = ()


@dataclass(frozen=True, slots=True)
class LangText:
    """The answer and the question variants of a fact in one language."""

    answer: str
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fact:
    """A curated, cited answer: a verbatim quote of one passage plus answers per language."""

    id: str
    source_id: str
    paragraph: int
    quote: str
    texts: dict[str, LangText]
    removed: bool = False
    version: int = 1
    origin: str = "seed"
    # Questions close to this fact that the sources do not answer ("Which banks exactly?"): the bot declines them.
    unanswerable: tuple[str, ...] = ()

    def questions(self, lang: str) -> tuple[str, ...]:
        text = self.texts.get(lang)
        return text.questions if text else ()

    def first_question(self, lang: str) -> str:
        """The question shown for this fact, in `lang` when it has one."""
        for code in (lang, *LANGS):
            if questions := self.questions(code):
                return questions[0]
        return self.id


@dataclass(frozen=True, slots=True)
class FactDraft:
    """What a moderator submits to add or edit a fact; validated by the moderation service."""

    quote: str
    texts: dict[str, LangText]
    source_id: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    source_id: str
    source: str
    date: str
    section: str | None
    paragraph: int
    quote: str
    passage: str
    url: str | None


class AnswerKind(StrEnum):
    FACT = "fact"
    PASSAGE = "passage"
    UNSURE = "unsure"
    UNKNOWN = "unknown"
    INTRO = "intro"
    EMPTY = "empty"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class Suggestion:
    fact_id: str
    question: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What `ask()` returns: either a cited answer or a polite refusal with suggestions."""

    question: str
    kind: AnswerKind
    text: str
    lang: str
    confidence: float = 0.0
    fact_id: str | None = None
    matched_question: str | None = None
    citation: Citation | None = None
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def answered(self) -> bool:
        return self.kind in (AnswerKind.FACT, AnswerKind.PASSAGE)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who performs an action; adapters map platform roles to `is_moderator`."""

    platform: str
    user_id: str
    name: str
    is_moderator: bool = False


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    platform: str
    user_id: str
    user_name: str
    action: str
    fact_id: str
    before: dict | None
    after: dict | None
    undone: bool = False


@dataclass(frozen=True, slots=True)
class Unanswered:
    text: str
    lang: str
    platform: str
    count: int
    first_at: datetime
    last_at: datetime


@dataclass(frozen=True, slots=True)
class SourceInfo:
    source: Source
    fact_count: int


@dataclass(frozen=True, slots=True)
class FactDetails:
    """One fact with what moderators need to judge it: history and votes."""

    fact: Fact
    history: tuple[AuditEntry, ...] = ()
    votes_up: int = 0
    votes_down: int = 0


@dataclass(frozen=True, slots=True)
class Page:
    items: tuple[Fact, ...]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """Where a moderator's quote was found: the exact passage text replaces what was pasted."""

    quote: str
    passage: Passage
    exact: bool
    similarity: float = 100.0


@dataclass(slots=True)
class SeedReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
