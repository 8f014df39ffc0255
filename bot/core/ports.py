"""What the core needs from storage; the store package implements it with SQLAlchemy."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, Self

from bot.core.model import Actor, Answer, AuditEntry, Fact, Source, Unanswered


class SourceRepository(Protocol):
    def all(self) -> list[Source]: ...
    def get(self, source_id: str) -> Source | None: ...
    def save(self, source: Source) -> None:
        """Insert or replace a source with its passages."""


class FactRepository(Protocol):
    def get(self, fact_id: str) -> Fact | None: ...
    def all(self) -> list[Fact]:
        """Every fact, removed ones included."""

    def ids(self) -> set[str]: ...

    def add(self, fact: Fact, *, edited: bool, seed_hash: str | None = None) -> Fact: ...
    def add_many(self, facts: list[Fact], *, edited: bool) -> list[Fact]: ...
    def update(self, fact: Fact, *, expected_version: int, edited: bool, seed_hash: str | None = None) -> Fact:
        """Write `fact` if the stored version is still `expected_version`, else raise Conflict."""

    def seed_state(self, fact_id: str) -> tuple[str | None, bool] | None:
        """(hash of the YAML it was seeded from, changed by a moderator since) or None if absent."""

    def changed_since(self, revision: int) -> tuple[list[Fact], int]:
        """Facts written after `revision` (removed ones included) and the current revision."""


class AuditLog(Protocol):
    def add(self, actor: Actor, action: str, fact_id: str, before: dict | None, after: dict | None) -> AuditEntry: ...
    def add_many(self, actor: Actor, action: str, changes: list[tuple[str, dict | None, dict | None]]) -> None: ...
    def last_undoable(self, actor: Actor) -> AuditEntry | None: ...
    def mark_undone(self, entry_id: int) -> None: ...
    def history(self, fact_id: str) -> list[AuditEntry]: ...


class UnansweredLog(Protocol):
    def record(self, text: str, lang: str, platform: str, at: datetime) -> None: ...
    def top(self, limit: int) -> list[Unanswered]: ...


class FeedbackLog(Protocol):
    def vote(self, platform: str, user_id: str, fact_id: str, value: int, at: datetime) -> None: ...
    def counts(self, fact_id: str) -> tuple[int, int]: ...


class Meta(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: `with uow_factory() as uow: ...; uow.commit()`; leaving without commit rolls back."""

    sources: SourceRepository
    facts: FactRepository
    audit: AuditLog
    unanswered: UnansweredLog
    feedback: FeedbackLog
    meta: Meta

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def lock_writes(self) -> None:
        """Wait for other writers and keep them waiting until this transaction ends."""


class Observer(Protocol):
    """Receives what happened, for metrics; must be cheap and never raise."""

    def question(self, platform: str, answer: Answer, seconds: float) -> None: ...
    def change(self, action: str) -> None: ...
