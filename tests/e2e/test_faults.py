"""What the store survives: killed processes, concurrent writers, a database that goes away."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from bot.bootstrap import build
from bot.core.errors import StoreUnavailable
from bot.core.model import Actor, FactDraft, LangText
from tests.conftest import ROOT, make_settings
from tests.pgserver import PgServer

pytestmark = pytest.mark.slow


def _worker(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.worker", *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )  # fmt: skip


def test_kill_minus_nine_during_a_burst_of_writes_loses_no_acknowledged_write(store_url: str) -> None:
    worker = _worker("burst", store_url)
    acked: list[str] = []
    assert worker.stdout is not None
    while len(acked) < 25:
        line = worker.stdout.readline()
        assert line, worker.stderr.read() if worker.stderr else "worker died"
        acked.append(line.split()[1])
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)

    app = build(make_settings(store_url))  # "restart": open the same database again
    try:
        for fact_id in acked:
            fact = app.bot.index.fact(fact_id)
            assert fact is not None, f"acknowledged fact {fact_id} is missing"
            assert fact.texts["de"].questions and fact.texts["de"].answer
            assert [e.action for e in app.bot.moderation.show(fact_id).history] == ["add"]
        engine = create_engine(store_url)
        with engine.connect() as connection:  # nothing half-written: every fact has its answer and question
            orphans = connection.execute(
                text(
                    "SELECT count(*) FROM facts f"
                    " WHERE NOT EXISTS (SELECT 1 FROM fact_answers a WHERE a.fact_id = f.id)"
                    " OR NOT EXISTS (SELECT 1 FROM questions q WHERE q.fact_id = f.id)"
                )
            ).scalar_one()
            audited = connection.execute(text("SELECT count(*) FROM audit_entries WHERE action = 'add'")).scalar_one()
            added = connection.execute(text("SELECT count(*) FROM facts WHERE origin = 'chat'")).scalar_one()
        engine.dispose()
        assert orphans == 0
        assert audited == added >= len(acked)
    finally:
        app.close()


def test_concurrent_edits_and_questions_across_two_processes(store_url: str) -> None:
    fact_id, edits, questions = "prisoners-released", 10, 1000
    workers = [_worker("load", store_url, role, str(edits), str(questions), fact_id) for role in ("a", "b")]
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))

    assert [r["errors"] for r in reports] == [[], []]
    assert sum(r["answered"] + r["declined"] for r in reports) == 2 * questions
    done = [e for r in reports for e in r["edits"]]
    assert len(done) + sum(r["conflicts"] for r in reports) == 2 * edits
    versions = sorted(e["version"] for e in done)
    assert len(set(versions)) == len(versions), "two edits claimed the same version: an update was lost"

    app = build(make_settings(store_url))
    try:
        details = app.bot.moderation.show(fact_id)
        assert details.fact.version == 1 + len(done)
        last = max(done, key=lambda e: e["version"])
        assert details.fact.texts["de"].answer == last["answer"]
        assert sum(e.action == "edit" for e in details.history) == len(done)
    finally:
        app.close()


@pytest.mark.postgres
def test_database_outage_answers_from_memory_and_recovers(pg_server: PgServer, pg_database_url: str) -> None:
    app = build(make_settings(pg_database_url))
    actor = Actor("test", "mod", "Mod", is_moderator=True)
    draft = FactDraft(
        "Nach dem Besuch kündigte Minsk die Freilassung von 14 politischen Gefangenen an.",
        {"de": LangText("Vierzehn.", ("Ausfalltest: wie viele kamen frei?",))},
    )
    try:
        pg_server.pause()
        try:
            assert app.bot.ask("Wie viele politische Gefangene wurden freigelassen?").answered
            assert not app.bot.ask("Wie wird das Wetter morgen in Minsk?").answered  # logging fails quietly
            with pytest.raises(StoreUnavailable) as failure:
                app.bot.moderation.add(actor, draft)
            assert "try again" in failure.value.message("en")
            with pytest.raises(StoreUnavailable):  # the runner's live sync logs this and keeps going
                app.bot.sync()
        finally:
            pg_server.resume()
        deadline = time.monotonic() + 15
        while True:
            try:
                fact = app.bot.moderation.add(actor, draft)
                break
            except StoreUnavailable:
                assert time.monotonic() < deadline, "the bot did not recover after the database came back"
                time.sleep(0.2)
        assert app.bot.ask("Ausfalltest: wie viele kamen frei?").fact_id == fact.id
    finally:
        app.close()
