"""The SQLAlchemy unit of work: one session, one transaction, the repositories bound to it."""

from __future__ import annotations

from typing import Self

from sqlalchemy import update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import StoreUnavailable
from bot.store.repository import SqlAudit, SqlFacts, SqlFeedback, SqlMeta, SqlSources, SqlUnanswered
from bot.store.tables import RevisionRow


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def __enter__(self) -> Self:
        self.session = self._factory()
        self.sources = SqlSources(self.session)
        self.facts = SqlFacts(self.session)
        self.audit = SqlAudit(self.session)
        self.unanswered = SqlUnanswered(self.session)
        self.feedback = SqlFeedback(self.session)
        self.meta = SqlMeta(self.session)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        try:
            self.session.rollback()
            self.session.close()
        except (OperationalError, InterfaceError):
            self.session.invalidate()
        if isinstance(exc, OperationalError | InterfaceError):
            # The database is down or locked: callers show "try again", and the pool reconnects later.
            raise StoreUnavailable() from exc

    def commit(self) -> None:
        self.session.commit()

    def lock_writes(self) -> None:
        # A no-op update of the revision row: a row lock on PostgreSQL, the write lock on SQLite.
        self.session.execute(update(RevisionRow).where(RevisionRow.id == 1).values(revision=RevisionRow.revision))
