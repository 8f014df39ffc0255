"""A bot process for the e2e tests: `python -m tests.e2e.worker MODE DATABASE_URL [ARGS]`.

`burst`: add facts one by one and print `ACK <id>` after each commit (the parent kills it with -9).
`load ROLE N_EDITS N_QUESTIONS FACT_ID`: concurrent edits of one fact and questions; prints a JSON report.
"""

from __future__ import annotations

import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from bot.bootstrap import build
from bot.config import Settings
from bot.core.errors import BotError, Conflict
from bot.core.model import Actor, FactDraft, LangText

QUOTE = "Nach dem Besuch kündigte Minsk die Freilassung von 14 politischen Gefangenen an."
QUESTIONS = [
    "Wie viele politische Gefangene wurden freigelassen?",
    "How much does Belarus trade with Russia?",
    "What is the population of Belarus?",
    "Wann soll Oreshnik stationiert werden?",
]


def _settings(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url, rate_limit_per_minute=0)  # type: ignore[call-arg]


def burst(url: str) -> None:
    app = build(_settings(url), prepare=False)
    actor = Actor("test", "crash", "Crash Test", is_moderator=True)
    for n in range(10_000):
        draft = FactDraft(QUOTE, {"de": LangText(f"Antwort {n}", (f"Absturztest Frage Nummer {n}?",))})
        fact = app.bot.moderation.add(actor, draft)
        print(f"ACK {fact.id}", flush=True)


def load(url: str, role: str, edits: int, questions: int, fact_id: str) -> None:
    app = build(_settings(url), prepare=False)
    actor = Actor("test", f"mod-{role}", f"Moderator {role}", is_moderator=True)
    report: dict = {"edits": [], "conflicts": 0, "errors": [], "answered": 0, "declined": 0}
    lock = threading.Lock()
    start = threading.Barrier(edits)

    def edit(n: int) -> None:
        start.wait()
        current = app.bot.moderation.show(fact_id).fact
        answer = f"Bearbeitung {role}-{n}"
        texts = {**current.texts, "de": LangText(answer, current.texts["de"].questions)}
        try:
            fact = app.bot.moderation.edit(actor, fact_id, FactDraft(current.quote, texts), current.version)
        except Conflict as exc:
            with lock:
                report["conflicts"] += 1
                assert "changed this entry" in exc.message("en")
            return
        except BotError as exc:
            with lock:
                report["errors"].append(repr(exc))
            return
        with lock:
            report["edits"].append({"version": fact.version, "answer": answer})

    def ask(n: int) -> None:
        try:
            answer = app.bot.ask(QUESTIONS[n % len(QUESTIONS)], platform=f"load-{role}")
        except Exception as exc:  # every failure is a test failure, reported to the parent
            with lock:
                report["errors"].append(repr(exc))
            return
        with lock:
            report["answered" if answer.answered else "declined"] += 1

    with ThreadPoolExecutor(max_workers=edits + 8) as pool:
        jobs = [pool.submit(edit, n) for n in range(edits)] + [pool.submit(ask, n) for n in range(questions)]
        for job in jobs:
            job.result()
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    mode, url, *rest = sys.argv[1:]
    if mode == "burst":
        burst(url)
    else:
        load(url, rest[0], int(rest[1]), int(rest[2]), rest[3])
