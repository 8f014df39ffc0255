"""`python -m bot …`: ask, chat, run, and the operator's commands for facts, sources and the database."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from sqlalchemy.exc import OperationalError

from bot import logs
from bot.config import Settings
from bot.core.errors import BotError, StoreUnavailable

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are one line too, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m bot", description="Cited answers about Belarus–West relations.")
    sub = p.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="answer one question, or one per line from stdin with '-'")
    ask.add_argument("question", nargs="+", help="the question, or '-' to read questions from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer")
    ask.add_argument("--lang", choices=["de", "en"], help="language when the question does not tell")

    chat = sub.add_parser("chat", help="interactive console chat (reads piped stdin too)")
    chat.add_argument("--lang", choices=["de", "en"], default="en")

    run = sub.add_parser("run", help="run the chat platforms that have a token, else the console chat")
    run.add_argument("--platform", choices=["telegram", "discord", "all"], help="overrides PLATFORM")

    sub.add_parser("health", help="exit 0 when the database answers and the index is loaded")
    sub.add_parser("unanswered", help="the most frequent questions without an answer").add_argument(
        "--limit", type=int, default=20
    )
    seed = sub.add_parser("seed", help="load facts/ into the database (idempotent)")
    seed.add_argument("--force", action="store_true", help="re-read the files even if unchanged")

    bench = sub.add_parser("bench", help="performance benchmark (see `make bench`)")
    bench.add_argument("--sizes", default="1000,10000,100000")
    bench.add_argument("--questions", type=int, default=300)

    db = sub.add_parser("db", help="schema migrations").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade").add_argument("revision", nargs="?", default="head")
    db.add_parser("downgrade").add_argument("revision")
    db.add_parser("current")

    sources = sub.add_parser("sources", help="the articles behind the bot").add_subparsers(
        dest="sources_command", required=True
    )
    sources.add_parser("list")
    imp = sources.add_parser("import", help="add an article (plain text, one paragraph per line)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--id", required=True, dest="source_id", help="slug, e.g. belarus-eu-2025-09")
    imp.add_argument("--title", required=True)
    imp.add_argument("--lang", default="de", choices=["de", "en"])
    imp.add_argument("--url")
    imp.add_argument("--date", help="YYYY-MM when the file has no `date` prefix")

    facts = sub.add_parser("facts", help="list and moderate facts (as the local operator)").add_subparsers(
        dest="facts_command", required=True
    )
    ls = facts.add_parser("list")
    ls.add_argument("search", nargs="?", default="")
    ls.add_argument("--page", type=int, default=1)
    ls.add_argument("--all", action="store_true", help="include removed facts")
    facts.add_parser("show").add_argument("id")
    for name in ("add", "edit"):
        cmd = facts.add_parser(name)
        if name == "edit":
            cmd.add_argument("id")
        cmd.add_argument("--quote", help="one or more whole sentences of an article")
        for lang in ("de", "en"):
            cmd.add_argument(f"--{lang}-answer", dest=f"{lang}_answer")
            cmd.add_argument(f"--{lang}-question", dest=f"{lang}_questions", action="append", default=[])
    facts.add_parser("remove").add_argument("id")
    facts.add_parser("restore").add_argument("id")
    facts.add_parser("undo")
    facts.add_parser("import").add_argument("file", type=Path)
    facts.add_parser("export").add_argument("file", nargs="?", type=Path)
    return p


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Entry point; every expected error is one line on stderr and a non-zero exit code."""
    args = _parser().parse_args(argv)
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    hidden: list[str] = []
    try:
        settings = Settings()
        hidden = settings.secret_values()
        # Servers log at LOG_LEVEL; one-shot commands stay quiet unless LOG_LEVEL is set explicitly.
        explicit = args.command == "run" or "log_level" in settings.model_fields_set
        logs.setup(settings.log_level if explicit else "WARNING", hidden)
        from bot.commands import dispatch

        return dispatch(args, settings, stdin, stdout)
    except BotError as exc:
        return _failed(exc.message("en"), hidden)
    except OperationalError as exc:
        log.debug("database error", exc_info=True)
        return _failed(f"{StoreUnavailable().message('en')} ({str(exc.orig).splitlines()[0]})", hidden)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the promise is one line, never a traceback; DEBUG logs it in full
        log.debug("unexpected error", exc_info=True)
        return _failed(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", hidden)


def _failed(message: str, hidden: list[str]) -> int:
    """One line on stderr; errors may quote what was configured (a host name), so secrets are masked here too."""
    print(f"error: {logs.redact(message, hidden)}", file=sys.stderr)
    return 1


def operator() -> dict[str, str]:
    """Who runs the CLI: the local operator, a moderator by definition."""
    try:
        name = getpass.getuser()
    except OSError:
        name = "operator"
    return {"user_id": name, "name": name}


def print_json(data: object, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")
    out.flush()
