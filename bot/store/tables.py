"""SQLAlchemy 2.0 tables; every change here gets an Alembic revision in bot/store/migrations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[str] = mapped_column(String(10))
    lang: Mapped[str] = mapped_column(String(5))
    url: Mapped[str | None] = mapped_column(Text)
    passages: Mapped[list[PassageRow]] = relationship(
        back_populates="source", cascade="all, delete-orphan", order_by="PassageRow.paragraph"
    )


class PassageRow(Base):
    __tablename__ = "passages"
    __table_args__ = (UniqueConstraint("source_id", "paragraph"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    paragraph: Mapped[int] = mapped_column(Integer)
    section: Mapped[str | None] = mapped_column(Text)
    sentences: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[SourceRow] = relationship(back_populates="passages")


class FactRow(Base):
    __tablename__ = "facts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    paragraph: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    origin: Mapped[str] = mapped_column(String(16))
    # Changed by a moderator since it was seeded: a re-seed then reports a conflict instead of overwriting.
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    seed_hash: Mapped[str | None] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answers: Mapped[list[AnswerRow]] = relationship(cascade="all, delete-orphan", order_by="AnswerRow.lang")
    questions: Mapped[list[QuestionRow]] = relationship(
        cascade="all, delete-orphan", order_by="(QuestionRow.kind, QuestionRow.lang, QuestionRow.position)"
    )


class AnswerRow(Base):
    __tablename__ = "fact_answers"

    fact_id: Mapped[str] = mapped_column(ForeignKey("facts.id", ondelete="CASCADE"), primary_key=True)
    lang: Mapped[str] = mapped_column(String(5), primary_key=True)
    answer: Mapped[str] = mapped_column(Text)


class QuestionRow(Base):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fact_id: Mapped[str] = mapped_column(ForeignKey("facts.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(5))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # "ask": a question the fact answers; "unanswerable": a near miss the sources do not answer.
    kind: Mapped[str] = mapped_column(String(16), default="ask", server_default="ask")


class AuditRow(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_actor", "platform", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))
    user_name: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(16))
    fact_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    undone: Mapped[bool] = mapped_column(Boolean, default=False)


class UnansweredRow(Base):
    __tablename__ = "unanswered"
    __table_args__ = (UniqueConstraint("key", "platform"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(512))
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(5))
    platform: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FeedbackRow(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("platform", "user_id", "fact_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))
    fact_id: Mapped[str] = mapped_column(String(64), index=True)
    value: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MetaRow(Base):
    """Small key/value state, such as the digest of the files last seeded."""

    __tablename__ = "kb_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RevisionRow(Base):
    """One row counting knowledge-base writes; other processes poll it (and get NOTIFY on PostgreSQL)."""

    __tablename__ = "kb_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
