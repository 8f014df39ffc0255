"""Several processes share one database: each keeps its in-memory index current."""

import asyncio
import time

import pytest

from bot.bootstrap import build
from bot.core.model import Actor, FactDraft, LangText
from bot.runner import live_sync
from tests.conftest import make_settings

QUOTE = "Bis Ende 2025 soll das russische Raketensystem Oreshnik auf belarussischem Gebiet stationiert werden."
QUESTION = "Welche Farbe hat das Oreshnik-Testgelände am Sonntag?"


def _draft() -> FactDraft:
    return FactDraft(QUOTE, {"de": LangText("Dazu sagt der Artikel nur: bis Ende 2025.", (QUESTION,))})


def _answers(bot, fact_id: str) -> bool:
    return bot.ask(QUESTION).fact_id == fact_id


def test_a_fact_written_by_one_process_is_answered_by_another_after_sync(store_url: str, moderator: Actor) -> None:
    writer, reader = build(make_settings(store_url)), build(make_settings(store_url))
    try:
        fact = writer.bot.moderation.add(moderator, _draft())
        assert _answers(writer.bot, fact.id) and not _answers(reader.bot, fact.id)
        assert reader.bot.sync() >= 1
        assert _answers(reader.bot, fact.id)
        writer.bot.moderation.remove(moderator, fact.id)
        reader.bot.sync()
        assert not _answers(reader.bot, fact.id)
        assert reader.bot.sync() == 0
    finally:
        writer.close()
        reader.close()


@pytest.mark.postgres
async def test_notify_wakes_the_other_process_within_two_seconds(pg_database_url: str, moderator: Actor) -> None:
    """Polling is set to a minute here, so only LISTEN/NOTIFY can make this pass."""
    settings = make_settings(pg_database_url, sync_interval_seconds=60)
    writer, reader = build(settings), build(settings)
    stop = asyncio.Event()
    syncer = asyncio.create_task(live_sync(reader.bot, settings, stop))
    try:
        await asyncio.sleep(0.5)  # the listener connects
        fact = await asyncio.to_thread(writer.bot.moderation.add, moderator, _draft())
        started = time.monotonic()
        while not _answers(reader.bot, fact.id):
            assert time.monotonic() - started < 2.0, "the other process did not pick the fact up in 2 s"
            await asyncio.sleep(0.05)
        await asyncio.to_thread(writer.bot.moderation.remove, moderator, fact.id)
        started = time.monotonic()
        while _answers(reader.bot, fact.id):
            assert time.monotonic() - started < 2.0, "the removal did not reach the other process in 2 s"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await syncer
        writer.close()
        reader.close()
