"""Secrets never reach logs or error messages: the real `python -m bot` at LOG_LEVEL=DEBUG with recognisable fake
tokens, against both emulators, while it answers, when its APIs go away, with a rejected token, with an unreachable
API, and CLI errors with a password in DATABASE_URL. Every line the process writes (stdout and stderr) is searched
for the secrets and for their distinctive parts (a Telegram token's part after the colon, a Discord token's parts).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.adapters.discord_emulator import DiscordEmulator
from tests.adapters.telegram_emulator import TelegramEmulator
from tests.conftest import ROOT
from tests.processes import ensure_stopped, exit_code

pytestmark = pytest.mark.slow
TELEGRAM_TOKEN = "123456:SECRET-TOKEN-DO-NOT-LOG-xyz"
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.DISCRD.SECRET-DISCORD-DO-NOT-LOG-xyz"
SECRETS = (
    TELEGRAM_TOKEN,
    TELEGRAM_TOKEN.split(":", 1)[1],
    DISCORD_TOKEN,
    *DISCORD_TOKEN.split(".")[1:],
    "DO-NOT-LOG",
)
PASSWORD = "p4ssw0rd-XYZ"
CLOSED = "127.0.0.1:9"  # the discard port: nothing listens there
_FOREIGN = ("TELEGRAM_", "DISCORD_", "DATABASE_URL", "PLATFORM", "RATE_LIMIT", "LOG_", "METRICS_")


@dataclass
class Run:
    process: asyncio.subprocess.Process
    stdout: Path
    stderr: Path

    def output(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")

    async def finish(self, within: float) -> int:
        return await exit_code(self.process, within)


async def start(tmp_path: Path, name: str, *args: str, **env: str) -> Run:
    """`python -m bot *args` in its own empty directory (no .env), configured only through `env`, at DEBUG."""
    workdir = tmp_path / name
    workdir.mkdir()
    values = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    values |= {"LOG_LEVEL": "DEBUG", "LOG_QUESTIONS": "true", "PYTHONPATH": str(ROOT)} | env
    out, err = workdir / "stdout.log", workdir / "stderr.log"
    with out.open("wb") as stdout, err.open("wb") as stderr:  # files: a chatty DEBUG log never fills a pipe
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=workdir, env=values,
            stdin=asyncio.subprocess.DEVNULL, stdout=stdout, stderr=stderr,
        )  # fmt: skip
    return Run(process, out, err)


async def until_logged(run: Run, text: str, within: float = 10.0) -> None:
    """Until the process logged `text` (its log is a file, so it is read again every 0.1 s)."""
    for _ in range(int(within * 10)):
        if text in run.stderr.read_text(errors="replace"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{text!r} not logged within {within}s")


def assert_no_secret(output: str, *secrets: str) -> None:
    leaked = [secret for secret in secrets if secret in output]
    lines = [line[:300] for line in output.splitlines() if any(secret in line for secret in leaked)]
    assert not leaked, f"secrets in the output: {leaked}\n" + "\n".join(lines[:10])


@pytest.fixture
def database(seeded_sqlite: Path, tmp_path: Path) -> str:
    """A copy of the seeded store, so each process starts quickly."""
    path = tmp_path / "bot.sqlite3"
    shutil.copy(seeded_sqlite, path)
    return f"sqlite:///{path}"


def bot_env(database: str, telegram: str, discord_api: str, discord_gateway: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_BASE_URL": telegram,
        "TELEGRAM_MODERATOR_IDS": "1001",
        "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
        "DISCORD_API_BASE_URL": discord_api,
        "DISCORD_GATEWAY_URL": discord_gateway,
    }


async def test_tokens_stay_out_of_a_debug_log_while_answering_and_when_the_apis_go_away(
    tmp_path: Path, database: str
) -> None:
    telegram_api = TelegramEmulator(token=TELEGRAM_TOKEN)
    await telegram_api.start()
    discord_api = DiscordEmulator(DISCORD_TOKEN)
    await discord_api.start()
    env = bot_env(database, telegram_api.base_url, discord_api.api_base, discord_api.gateway_url)
    run = await start(tmp_path, "run", "run", **env)
    try:
        polling = asyncio.create_task(telegram_api.wait_call("getUpdates", finished=False, within=30))
        await asyncio.gather(polling, discord_api.wait_ready(within=30))
        user = telegram_api.user(2002, "Ulli")
        answer = await telegram_api.reply(telegram_api.send(user, "How many political prisoners were released?"))
        assert "14 political prisoners" in answer.text
        removed = await telegram_api.reply(telegram_api.send(telegram_api.user(1001, "Mona"), "/delfact kellogg-visit"))
        assert removed.text.startswith("Removed kellogg-visit")
        asked = await discord_api.slash("ask", {"question": "Wie viele politische Gefangene kamen frei?"})
        assert "14" in (await discord_api.reply(asked))["embeds"][0]["description"]
        await telegram_api.close()  # both APIs become unreachable while the bot runs
        await discord_api.close()
        await until_logged(run, "polling failed")  # the gateway tries to reconnect meanwhile, logged at DEBUG
        run.process.send_signal(signal.SIGTERM)
        assert await run.finish(15) == 0
    finally:
        await telegram_api.close()
        await discord_api.close()
        await ensure_stopped(run.process)
    output = run.output()
    assert " DEBUG " in output and "question" in output and "polling failed" in output, "the log was not verbose"
    # Interaction tokens too: for 15 minutes each lets anyone answer in the bot's name.
    interaction_tokens = [interaction.token for interaction in discord_api.interactions.values()]
    assert_no_secret(output, *SECRETS, *interaction_tokens)
    sent = str([call.params for call in telegram_api.calls]) + str(list(discord_api.messages.values()))
    assert_no_secret(sent, *SECRETS)  # nor in anything the bot said to users


async def test_tokens_stay_out_of_startup_errors(tmp_path: Path, database: str) -> None:
    """A rejected token and an unreachable API, on each platform: one line naming the problem, never the token."""
    telegram_api = TelegramEmulator()  # both emulators know other tokens: ours are rejected
    await telegram_api.start()
    try:
        async with DiscordEmulator() as discord_api:
            rejected = bot_env(database, telegram_api.base_url, discord_api.api_base, discord_api.gateway_url)
            closed = bot_env(database, f"http://{CLOSED}/bot", f"http://{CLOSED}/api/v10", f"ws://{CLOSED}/gateway")
            cases = {
                (platform, expected): env | {"PLATFORM": platform}
                for platform in ("telegram", "discord")
                for expected, env in (("token", rejected), ("reach", closed))
            }
            runs = {case: await start(tmp_path, "-".join(case), "run", **env) for case, env in cases.items()}
            codes = await asyncio.gather(*(run.finish(30) for run in runs.values()))
    finally:
        await telegram_api.close()
    for ((platform, expected), run), code in zip(runs.items(), codes, strict=True):
        output = run.output()
        errors = [line for line in output.splitlines() if line.startswith("error:")]
        assert code != 0 and len(errors) == 1, (platform, code, output[-2000:])
        assert errors[0].startswith(f"error: {platform}: ") and expected in errors[0], errors
        assert_no_secret(output, *SECRETS)


# (command, DATABASE_URL): each way a bad database URL ends, from the runner, the health check and the commands
CLI_CASES = [
    (["ask", "hello"], f"postgresql+psycopg://user:{PASSWORD}@{CLOSED}/db"),  # connection refused
    (["run"], f"postgresql+psycopg://user:{PASSWORD}@host.invalid/db"),  # unknown host
    # an '@' left unencoded in the password: SQLAlchemy takes the rest for the host, and the error names it
    (["ask", "hello"], f"postgresql+psycopg://user:not@{PASSWORD}@{CLOSED}/db"),
    (["health"], f"postgresql+psycopg://user:{PASSWORD}@{CLOSED}/db"),
    (["facts", "list"], f"postgresql+psycopg://user:{PASSWORD}@127.0.0.1:notaport/db"),  # unparsable port
    (["db", "current"], f"user:{PASSWORD}@{CLOSED}/db"),  # not a URL at all
]


async def test_cli_errors_never_echo_the_database_password(tmp_path: Path) -> None:
    runs = [await start(tmp_path, f"cli-{n}", *args, DATABASE_URL=url) for n, (args, url) in enumerate(CLI_CASES)]
    codes = await asyncio.gather(*(run.finish(30) for run in runs))
    for (args, _), run, code in zip(CLI_CASES, runs, codes, strict=True):
        output = run.output()
        assert code == 1, (args, code, output[-1000:])
        assert any(line.startswith(("error:", "unhealthy:")) for line in output.splitlines()), (args, output)
        assert_no_secret(output, PASSWORD, "p4ssw0rd")
