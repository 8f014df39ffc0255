"""The one place that wires settings → engine → store → index → services."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from bot.config import Settings
from bot.core.answering import Answerer
from bot.core.matching import Index
from bot.core.model import SeedReport
from bot.core.ports import UnitOfWork
from bot.core.service import FactBot
from bot.metrics import Metrics
from bot.store import migrate
from bot.store.database import make_engine, make_session_factory
from bot.store.seeding import seed
from bot.store.unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    engine: Engine
    uow: Callable[[], UnitOfWork]
    bot: FactBot
    seed_report: SeedReport | None = None
    metrics: Metrics | None = None

    def close(self) -> None:
        self.engine.dispose()


def open_store(settings: Settings) -> tuple[Engine, Callable[[], UnitOfWork]]:
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    return engine, lambda: SqlUnitOfWork(sessions)


def build(settings: Settings, *, prepare: bool = True) -> App:
    """Open the store, migrate and seed it when `prepare`, and load the in-memory index."""
    started = time.perf_counter()
    engine, uow = open_store(settings)
    report = None
    if prepare:
        if migrate.ensure_schema(engine):
            log.info("database migrated to %s", migrate.head())
        report = seed(uow, settings.facts_dir)
        if report:
            log.info(
                "seeded: %d added, %d updated, %d unchanged, %d conflicts",
                len(report.added),
                len(report.updated),
                report.unchanged,
                len(report.conflicts),
            )
            for fact_id in report.conflicts:
                log.warning("fact %s was changed in chat and in facts/; kept the chat version", fact_id)
    metrics = Metrics() if settings.metrics_port else None
    bot = FactBot(uow, Answerer(Index()), log_questions=settings.log_questions, observer=metrics)
    count = bot.load()
    log.info("index ready: %d facts in %.0f ms", count, (time.perf_counter() - started) * 1000)
    return App(settings, engine, uow, bot, report, metrics)
