"""SQLAlchemy implementations of the core's repositories; rows become domain dataclasses here."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from bot.core.errors import Conflict
from bot.core.model import Actor, AuditEntry, Fact, LangText, Passage, Source, Unanswered
from bot.store.notify import announce
from bot.store.tables import (
    AnswerRow,
    AuditRow,
    FactRow,
    FeedbackRow,
    MetaRow,
    PassageRow,
    QuestionRow,
    RevisionRow,
    SourceRow,
    UnansweredRow,
)

UNANSWERED_KEY_CHARS = 512
ASK, UNANSWERABLE = "ask", "unanswerable"


def _question_rows(fact: Fact) -> list[dict]:
    rows = [
        {"fact_id": fact.id, "lang": lang, "position": i, "text": q, "kind": ASK}
        for lang, t in fact.texts.items()
        for i, q in enumerate(t.questions)
    ]
    return rows + [
        {"fact_id": fact.id, "lang": "", "position": i, "text": q, "kind": UNANSWERABLE}
        for i, q in enumerate(fact.unanswerable)
    ]


def _now() -> datetime:
    return datetime.now(UTC)


def _source(row: SourceRow) -> Source:
    passages = tuple(Passage(row.id, p.paragraph, p.section, tuple(p.sentences)) for p in row.passages)
    return Source(row.id, row.title, row.date, row.lang, row.url, passages)


def _fact(row: FactRow) -> Fact:
    answers = {a.lang: a.answer for a in row.answers}
    texts = {
        lang: LangText(answer, tuple(q.text for q in row.questions if q.lang == lang and q.kind == ASK))
        for lang, answer in answers.items()
    }
    return Fact(
        id=row.id,
        source_id=row.source_id,
        paragraph=row.paragraph,
        quote=row.quote,
        texts=texts,
        removed=row.removed,
        version=row.version,
        origin=row.origin,
        unanswerable=tuple(q.text for q in row.questions if q.kind == UNANSWERABLE),
    )


def _upsert(session: Session, table: type, values: dict, keys: list[str], changes: dict) -> None:
    """INSERT … ON CONFLICT DO UPDATE: concurrent writers of the same key never collide."""
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
    session.execute(insert(table).values(**values).on_conflict_do_update(index_elements=keys, set_=changes))


def next_revision(session: Session) -> int:
    """Bump the write counter; the row lock also serialises concurrent writers in commit order."""
    revision = session.execute(
        update(RevisionRow)
        .where(RevisionRow.id == 1)
        .values(revision=RevisionRow.revision + 1)
        .returning(RevisionRow.revision)
    ).scalar_one()
    announce(session, revision)
    return revision


class SqlSources:
    def __init__(self, session: Session) -> None:
        self._s = session

    def all(self) -> list[Source]:
        rows = self._s.scalars(select(SourceRow).options(selectinload(SourceRow.passages)).order_by(SourceRow.id))
        return [_source(r) for r in rows]

    def get(self, source_id: str) -> Source | None:
        row = self._s.get(SourceRow, source_id)
        return _source(row) if row else None

    def save(self, source: Source) -> None:
        row = self._s.get(SourceRow, source.id)
        if row is None:
            row = SourceRow(id=source.id)
        else:
            # Delete the old passages first: the ORM would insert the new ones before deleting the old and
            # trip the (source_id, paragraph) unique key.
            self._s.execute(delete(PassageRow).where(PassageRow.source_id == source.id))
            self._s.expire(row, ["passages"])
        row.title, row.date, row.lang, row.url = source.title, source.date, source.lang, source.url
        row.passages = [
            PassageRow(paragraph=p.paragraph, section=p.section, sentences=list(p.sentences)) for p in source.passages
        ]
        self._s.add(row)
        next_revision(self._s)
        self._s.flush()


class SqlFacts:
    def __init__(self, session: Session) -> None:
        self._s = session

    def _query(self) -> Select[tuple[FactRow]]:
        return select(FactRow).options(selectinload(FactRow.answers), selectinload(FactRow.questions))

    def get(self, fact_id: str) -> Fact | None:
        row = self._s.scalars(self._query().where(FactRow.id == fact_id)).one_or_none()
        return _fact(row) if row else None

    def all(self) -> list[Fact]:
        return [_fact(r) for r in self._s.scalars(self._query().order_by(FactRow.source_id, FactRow.paragraph))]

    def ids(self) -> set[str]:
        return set(self._s.scalars(select(FactRow.id)))

    def add(self, fact: Fact, *, edited: bool, seed_hash: str | None = None) -> Fact:
        row = FactRow(id=fact.id, version=1, origin=fact.origin, edited=edited, seed_hash=seed_hash)
        self._fill(row, fact)
        self._s.add(row)
        self._s.flush()
        return _fact(row)

    def add_many(self, facts: list[Fact], *, edited: bool) -> list[Fact]:
        """Insert new facts with a few multi-row statements (imports of large exports)."""
        if not facts:
            return []
        revision, now = next_revision(self._s), _now()
        self._s.execute(
            insert(FactRow),
            [
                {"id": f.id, "source_id": f.source_id, "paragraph": f.paragraph, "quote": f.quote,
                 "removed": f.removed, "version": 1, "origin": f.origin, "edited": edited, "seed_hash": None,
                 "revision": revision, "updated_at": now}
                for f in facts
            ],
        )  # fmt: skip
        self._s.execute(
            insert(AnswerRow),
            [{"fact_id": f.id, "lang": lang, "answer": t.answer} for f in facts for lang, t in f.texts.items()],
        )
        self._s.execute(insert(QuestionRow), [row for f in facts for row in _question_rows(f)])
        return [replace(f, version=1) for f in facts]

    def update(self, fact: Fact, *, expected_version: int, edited: bool, seed_hash: str | None = None) -> Fact:
        # Compare-and-set on the version: of two concurrent edits, the second fails instead of overwriting.
        claimed = self._s.execute(
            update(FactRow)
            .where(FactRow.id == fact.id, FactRow.version == expected_version)
            .values(version=expected_version + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            raise Conflict(f"fact {fact.id!r}", de=f"Eintrag {fact.id!r}")
        row = self._s.scalars(self._query().where(FactRow.id == fact.id)).one()
        self._s.refresh(row, ["version"])
        row.edited = row.edited or edited
        if seed_hash is not None:
            row.seed_hash = seed_hash
        self._fill(row, fact)
        self._s.flush()
        return _fact(row)

    def _fill(self, row: FactRow, fact: Fact) -> None:
        row.source_id, row.paragraph, row.quote, row.removed = fact.source_id, fact.paragraph, fact.quote, fact.removed
        row.revision = next_revision(self._s)
        row.updated_at = _now()
        if row.answers or row.questions:
            # Replace children with explicit deletes so the unique keys are free before the inserts.
            self._s.execute(delete(AnswerRow).where(AnswerRow.fact_id == fact.id))
            self._s.execute(delete(QuestionRow).where(QuestionRow.fact_id == fact.id))
            self._s.expire(row, ["answers", "questions"])
        row.answers = [AnswerRow(lang=lang, answer=t.answer) for lang, t in fact.texts.items()]
        row.questions = [QuestionRow(**{k: v for k, v in r.items() if k != "fact_id"}) for r in _question_rows(fact)]

    def seed_state(self, fact_id: str) -> tuple[str | None, bool] | None:
        row = self._s.execute(select(FactRow.seed_hash, FactRow.edited).where(FactRow.id == fact_id)).one_or_none()
        return (row.seed_hash, row.edited) if row else None

    def changed_since(self, revision: int) -> tuple[list[Fact], int]:
        current = self._s.scalar(select(RevisionRow.revision).where(RevisionRow.id == 1)) or 0
        if current <= revision:
            return [], current
        rows = self._s.scalars(self._query().where(FactRow.revision > revision, FactRow.revision <= current))
        return [_fact(r) for r in rows], current


class SqlAudit:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, actor: Actor, action: str, fact_id: str, before: dict | None, after: dict | None) -> AuditEntry:
        row = AuditRow(
            at=_now(),
            platform=actor.platform,
            user_id=actor.user_id,
            user_name=actor.name,
            action=action,
            fact_id=fact_id,
            before=before,
            after=after,
            undone=False,
        )
        self._s.add(row)
        self._s.flush()
        return _entry(row)

    def add_many(self, actor: Actor, action: str, changes: list[tuple[str, dict | None, dict | None]]) -> None:
        """One audit entry per (fact id, before, after), written in one statement."""
        if changes:
            now = _now()
            self._s.execute(
                insert(AuditRow),
                [
                    {"at": now, "platform": actor.platform, "user_id": actor.user_id, "user_name": actor.name,
                     "action": action, "fact_id": fact_id, "before": before, "after": after, "undone": False}
                    for fact_id, before, after in changes
                ],
            )  # fmt: skip

    def last_undoable(self, actor: Actor) -> AuditEntry | None:
        row = self._s.scalars(
            select(AuditRow)
            .where(
                AuditRow.platform == actor.platform,
                AuditRow.user_id == actor.user_id,
                AuditRow.undone.is_(False),
                AuditRow.action != "undo",
            )
            .order_by(AuditRow.id.desc())
            .limit(1)
        ).first()
        return _entry(row) if row else None

    def mark_undone(self, entry_id: int) -> None:
        self._s.execute(update(AuditRow).where(AuditRow.id == entry_id).values(undone=True))

    def history(self, fact_id: str) -> list[AuditEntry]:
        rows = self._s.scalars(select(AuditRow).where(AuditRow.fact_id == fact_id).order_by(AuditRow.id))
        return [_entry(r) for r in rows]


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        row.id,
        row.at,
        row.platform,
        row.user_id,
        row.user_name,
        row.action,
        row.fact_id,
        row.before,
        row.after,
        row.undone,
    )


class SqlUnanswered:
    def __init__(self, session: Session) -> None:
        self._s = session

    def record(self, text: str, lang: str, platform: str, at: datetime) -> None:
        key = " ".join(text.casefold().split())[:UNANSWERED_KEY_CHARS]
        values = {"key": key, "text": text[:2000], "lang": lang, "platform": platform, "count": 1}
        _upsert(
            self._s,
            UnansweredRow,
            {**values, "first_at": at, "last_at": at},
            ["key", "platform"],
            {"count": UnansweredRow.count + 1, "last_at": at, "lang": lang},
        )

    def top(self, limit: int) -> list[Unanswered]:
        rows = self._s.scalars(
            select(UnansweredRow).order_by(UnansweredRow.count.desc(), UnansweredRow.last_at.desc()).limit(limit)
        )
        return [Unanswered(r.text, r.lang, r.platform, r.count, r.first_at, r.last_at) for r in rows]


class SqlFeedback:
    def __init__(self, session: Session) -> None:
        self._s = session

    def vote(self, platform: str, user_id: str, fact_id: str, value: int, at: datetime) -> None:
        values = {"platform": platform, "user_id": user_id, "fact_id": fact_id, "value": value, "at": at}
        _upsert(self._s, FeedbackRow, values, ["platform", "user_id", "fact_id"], {"value": value, "at": at})

    def counts(self, fact_id: str) -> tuple[int, int]:
        rows = self._s.execute(
            select(FeedbackRow.value, func.count()).where(FeedbackRow.fact_id == fact_id).group_by(FeedbackRow.value)
        ).all()
        by_value = {value: count for value, count in rows}
        return by_value.get(1, 0), by_value.get(-1, 0)


class SqlMeta:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, key: str) -> str | None:
        return self._s.scalar(select(MetaRow.value).where(MetaRow.key == key))

    def set(self, key: str, value: str) -> None:
        self._s.merge(MetaRow(key=key, value=value))
