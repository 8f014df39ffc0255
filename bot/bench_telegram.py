"""`make bench`, Telegram part: 10 000 questions through the real Telegram path against a local Bot API stub.

The bot runs in its own process as in production: the adapter's `build_application()` (every handler, the
per-chat update processor, AIORateLimiter) long-polling a tiny aiohttp Bot API stub that plays Telegram in the
bench process. The stub stamps when getUpdates hands each question out and when its sendMessage arrives.
Virtual users ask closed-loop (the next question after the answer), so latency is measured at a known load;
a run stops early, and says so, when it exceeds its time budget (100k facts cost the matcher far more per question).
The stub lives here, not in tests/, so that `make bench` needs nothing outside the installed package; the test
emulator validates HTML and much more, which is not what a load driver should spend its time on.
For the bench only: RATE_LIMIT_PER_MINUTE=0, and AIORateLimiter without flood limits (Telegram's 30 messages/s
would otherwise cap the measurement at 30 questions/s).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

from aiohttp import web

QUESTIONS = 10_000
WARMUP = 200
USERS = 8
BUDGET_SECONDS = 300.0  # 10 000 questions at 100k facts take about 3 minutes on 2 cores
SYNTHETIC = 100_000
UNKNOWN_SHARE = 0.2
STUB_TOKEN = "123456:bench-token"  # noqa: S105 - the stub accepts any token; this one is no secret
BOT_USER = {"id": 42, "is_bot": True, "first_name": "FactBot", "username": "factbot_bench_bot"}
_FOREIGN = "bcdfgklmnprstvz"


class BotApiStub:
    """getUpdates (long polling with offsets) and sendMessage, timed; every other method answers `true`."""

    def __init__(self) -> None:
        self.pending: list[dict[str, Any]] = []
        self.polling = asyncio.Event()
        self.delivered: dict[int, float] = {}  # update id → when getUpdates handed it out
        self.latencies: list[float] = []
        self.from_fact = self.unexpected = 0
        self._waiting: dict[int, tuple[int, asyncio.Future[None]]] = {}  # chat id → its open question
        self._new = asyncio.Event()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}/bot"

    async def close(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def ask_all(self, questions: list[tuple[str, str]], users: int, budget: float = float("inf")) -> None:
        """Each user asks its share of the questions one after another, all users at once, until the budget ends."""
        deadline = time.perf_counter() + budget
        await asyncio.gather(*(self._user(1000 + i, questions[i::users], deadline) for i in range(users)))

    async def _user(self, chat_id: int, questions: list[tuple[str, str]], deadline: float) -> None:
        user = {"id": chat_id, "is_bot": False, "first_name": "User"}
        chat = {"id": chat_id, "type": "private", "first_name": "User"}
        for text, lang in questions:
            if time.perf_counter() > deadline:
                return
            update_id = next(self._ids)
            answered = asyncio.get_running_loop().create_future()
            self._waiting[chat_id] = (update_id, answered)
            message = {"message_id": update_id, "date": int(time.time()), "chat": chat, "text": text}
            self.pending.append({"update_id": update_id, "message": message | {"from": user | {"language_code": lang}}})
            self._new.set()
            await asyncio.wait_for(answered, 60)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = dict(await request.post())
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        elif method == "sendMessage":
            result = self._send_message(params)
        elif method == "getMe":
            result = BOT_USER
        else:  # deleteWebhook, setMyCommands …
            result = True
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.polling.set()
        if offset := int(params.get("offset") or 0):
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        while not self.pending:
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), timeout)
            except TimeoutError:
                return []
        batch = self.pending[: int(params.get("limit") or 100)]
        now = time.perf_counter()
        for update in batch:
            self.delivered.setdefault(update["update_id"], now)
        return batch

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        now = time.perf_counter()
        chat_id = int(params["chat_id"])
        waiting = self._waiting.pop(chat_id, None)
        if waiting is None:  # a second message for one question (an error reply …): the bench is broken
            self.unexpected += 1
        else:
            update_id, answered = waiting
            self.latencies.append(now - self.delivered.pop(update_id))
            self.from_fact += '"v:+:' in str(params.get("reply_markup"))  # the 👍 button: answered from a fact
            answered.set_result(None)
        chat = {"id": chat_id, "type": "private", "first_name": "User"}
        return {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, "text": str(params["text"])}


async def drive(synthetic: int, questions: int, users: int = USERS, budget: float = BUDGET_SECONDS) -> dict[str, Any]:
    """Start the stub and the bot process, warm up, then time `questions` questions from `users` users."""
    stub = BotApiStub()
    base_url = await stub.start()
    with tempfile.TemporaryDirectory() as tmp:
        stderr_path = Path(tmp) / "bot.stderr"
        with stderr_path.open("wb") as stderr:
            bot = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "bot.bench_telegram", base_url, str(synthetic), str(questions + WARMUP), tmp),
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
                limit=2**26,  # the question list comes as one JSON line
            )
        try:
            line = await asyncio.wait_for(bot.stdout.readline(), 600)  # type: ignore[union-attr]
            if not line:
                raise RuntimeError(f"the bench bot failed: {stderr_path.read_text()[-2000:]}")
            info = json.loads(line)
            await asyncio.wait_for(stub.polling.wait(), 60)
            asked = [tuple(q) for q in info.pop("questions")]
            await stub.ask_all(asked[:WARMUP], users)  # type: ignore[arg-type]
            stub.latencies.clear()
            stub.from_fact = 0
            started = time.perf_counter()
            await stub.ask_all(asked[WARMUP:], users, budget)  # type: ignore[arg-type]
            elapsed = time.perf_counter() - started
        finally:
            if bot.returncode is None:
                bot.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(bot.wait(), 30)
        await stub.close()
    lat = sorted(stub.latencies)
    return info | {
        "planned": questions,
        "questions": len(lat),
        "users": users,
        "seconds": round(elapsed, 1),
        "per_second": round(len(lat) / elapsed, 1),
        "p50_ms": round(lat[len(lat) // 2] * 1000, 1),
        "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 1),
        "from_fact": round(stub.from_fact / len(lat), 3),
        "unexpected": stub.unexpected,
        "exit_code": code,
    }


def run_telegram_bench(out: TextIO, questions: int = QUESTIONS) -> None:
    """The Telegram load test with the shipped facts and with 100k synthetic facts added; one line each."""
    out.write(
        f"\nTelegram path: {questions:,} questions ({UNKNOWN_SHARE:.0%} unanswerable), {USERS} users asking "
        "closed-loop, getUpdates → Application (real handlers) → sendMessage at a local Bot API stub.\n"
        "Bench only: RATE_LIMIT_PER_MINUTE=0 and AIORateLimiter flood limits off for the stub "
        "(in production Telegram's 30 messages/s would cap throughput).\n"
    )
    out.flush()
    for synthetic in (0, SYNTHETIC):
        r = asyncio.run(drive(synthetic, questions))
        label = f"shipped + {synthetic // 1000}k synthetic" if synthetic else "shipped"
        done = f"{r['questions']:,} in {r['seconds']} s"
        if r["questions"] < r["planned"]:
            done += f", stopped at the {BUDGET_SECONDS:.0f} s budget"
        out.write(
            f"{r['facts']:>8,} facts ({label}): {r['per_second']} questions/s ({done}), "
            f"latency delivered → sendMessage p50 {r['p50_ms']} ms p99 {r['p99_ms']} ms, answered from a fact "
            f"{r['from_fact']:.0%}, unexpected replies {r['unexpected']}, bot exit {r['exit_code']}; the matcher "
            f"alone {r['core_ms']} ms/question\n"
        )
        out.flush()


# --- the bot process -------------------------------------------------------------------------------


def question_mix(rng: random.Random, facts: list[Any], n: int) -> list[tuple[str, str]]:
    """Stored questions with a word dropped (as people type them), and a share no fact answers."""
    out = []
    for _ in range(n):
        fact = rng.choice(facts)
        lang = rng.choice(sorted(fact.texts))
        if rng.random() < UNKNOWN_SHARE:
            noise = "".join(rng.choice(_FOREIGN) + rng.choice("aeiou") for _ in range(4))
            out.append((f"{noise} {noise[::-1]} {noise[2:]}?", lang))
            continue
        words = rng.choice(fact.texts[lang].questions).split()
        if len(words) > 3:
            del words[rng.randrange(1, len(words))]
        out.append((" ".join(words), lang))
    return out


def serve_bot(base_url: str, synthetic: int, questions: int, tmp: str) -> int:
    """Migrate and seed a fresh SQLite store, add synthetic facts to the index, poll the stub until SIGTERM."""
    from pydantic import SecretStr
    from telegram.ext import AIORateLimiter

    from bot.adapters.telegram_app import build_application, run_until_stopped
    from bot.bench import synthetic_facts
    from bot.bootstrap import build
    from bot.config import Settings

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp}/bench.sqlite3",
        telegram_bot_token=SecretStr(STUB_TOKEN),
        telegram_api_base_url=base_url,
        rate_limit_per_minute=0,
    )
    app = build(settings)
    facts = app.bot.index.facts()
    started = time.perf_counter()
    if synthetic:  # in the index only: answering never reads facts from the database
        source, facts = synthetic_facts(synthetic)
        app.bot.index.add_source(source)
        for fact in facts:
            app.bot.index.add_fact(fact)
    info: dict[str, Any] = {"facts": len(app.bot.index.facts()), "index_s": round(time.perf_counter() - started, 1)}
    mix = question_mix(random.Random(synthetic), facts, questions)
    started = time.perf_counter()
    for text, lang in mix[:WARMUP]:  # the matcher alone, to tell its share from the Telegram path's
        app.bot.answerer.ask(text, lang)
    info["core_ms"] = round((time.perf_counter() - started) / WARMUP * 1000, 1)
    print(json.dumps(info | {"questions": mix}), flush=True)
    unthrottled = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=0)
    application = build_application(app.bot, settings, rate_limiter=unthrottled)

    async def serve() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await run_until_stopped(application, stop)

    try:
        asyncio.run(serve())
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(serve_bot(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
