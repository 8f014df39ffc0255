"""The command line in-process over injected streams, plus one real `python -m bot` run from a fresh directory."""

from __future__ import annotations

import getpass
import io
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.store import migrate
from tests.conftest import FACTS_DIR

# The batch contract of ../shared/eval/score.py (its docstring).
CONTRACT = {"question", "answered", "answer", "lang", "confidence", "fact_id", "citation", "suggestions"}
CITATION = {"source", "date", "section", "paragraph", "quote", "passage", "url"}
PRISONERS_DE = "Wie viele politische Gefangene wurden freigelassen?"
PRISONERS_QUOTE = "Nach dem Besuch kündigte Minsk die Freilassung von 14 politischen Gefangenen an."
TITLE = "Belarus und der Westen: Rückkehr zur Politik des Ausgleichs?"
CANADA = (
    "Darüber hinaus sandte Lukaschenko diese Woche anlässlich des „Canada Day“ eine Botschaft an die Kanadier, "
    "in der er erklärte, dass „beide Länder bald ihre Beziehungen und eine umfassende Zusammenarbeit auf der "
    "Grundlage der gemeinsamen Interessen ihrer Völker wieder aufnehmen werden“."
)
# A second article in the format of ../shared/seed/*.txt: `date` prefix, headings, one paragraph per line.
ARTICLE = """ date 2025-09 Der Zoo von Grodno erhielt im Frühjahr zwei Amurtiger aus einem polnischen Tierpark. \
Die Tiere sollen im neuen Gehege an der Memel gezüchtet werden.

Neue Grenzübergänge

Litauen öffnete im August zwei zusätzliche Grenzübergänge für Lastwagen. \
Die durchschnittliche Wartezeit an der litauischen Grenze sank danach auf sechs Stunden.
"""

Run = Callable[..., tuple[int, str]]


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """main() configures the root logger for its process; give the next test the logger it had."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> pytest.MonkeyPatch:
    """The CLI's environment: a copy of the seeded database, no .env file, no tokens."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    for name in ("LOG_LEVEL", "FACTS_DIR", "TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    return monkeypatch


@pytest.fixture
def cli(env: pytest.MonkeyPatch) -> Run:
    def run(*argv: str, stdin: str = "") -> tuple[int, str]:
        out = io.StringIO()
        code = main(list(argv), stdin=io.StringIO(stdin), stdout=out)
        return code, out.getvalue()

    return run


def ask_json(cli: Run, question: str) -> dict:
    code, out = cli("ask", "--json", question)
    assert code == 0
    return json.loads(out)


# --- asking --------------------------------------------------------------------------------


def test_ask_json_batch_prints_one_contract_object_per_input_line(cli: Run) -> None:
    questions = [PRISONERS_DE, "How much does Belarus trade with Russia?", "What is the population of Belarus?", ""]

    code, out = cli("ask", "--json", "-", stdin="\n".join(questions) + "\n")

    assert code == 0
    replies = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in replies] == questions
    for reply in replies:
        assert set(reply) >= CONTRACT
        assert isinstance(reply["answer"], str) and isinstance(reply["suggestions"], list)
        assert 0.0 <= reply["confidence"] <= 1.0
        assert reply["lang"] in ("de", "en")
    german, english, unknown, empty = replies
    assert (german["answered"], german["lang"], german["fact_id"]) == (True, "de", "prisoners-released")
    assert set(german["citation"]) == CITATION
    assert german["citation"]["quote"] == PRISONERS_QUOTE
    assert german["citation"]["quote"] in german["citation"]["passage"]
    assert (german["citation"]["source"], german["citation"]["date"]) == (TITLE, "2025-07")
    assert (english["answered"], english["lang"]) == (True, "en")
    assert (unknown["answered"], unknown["citation"], unknown["fact_id"]) == (False, None, None)
    assert empty["answered"] is False


def test_ask_in_plain_text_shows_answer_quote_and_source_line(cli: Run) -> None:
    code, out = cli("ask", *PRISONERS_DE.split())

    assert code == 0
    lines = out.splitlines()
    assert "14 politischen Gefangenen" in lines[0]
    assert f"„{PRISONERS_QUOTE}“" in lines
    assert f"Quelle: {TITLE}, Absatz 1, 2025-07" in lines


def test_chat_answers_piped_questions(cli: Run) -> None:
    code, out = cli("chat", stdin=f"How many political prisoners were released?\n{PRISONERS_DE}\n")

    assert code == 0
    assert "> " not in out  # piped input: no prompt, no welcome
    assert "Minsk announced the release of 14 political prisoners" in out
    assert f"Source: {TITLE}, paragraph 1, 2025-07" in out
    assert f"Quelle: {TITLE}, Absatz 1, 2025-07" in out
    assert out.count(f"„{PRISONERS_QUOTE}“") == 2


# --- errors ---------------------------------------------------------------------------------


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, str]:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00date 2025-09 \x80\x81")
    return {"missing": str(tmp_path / "no-such-article.txt"), "binary": str(binary)}


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["facts", "show", "no-such-fact"], "Not found: fact 'no-such-fact'"),
        (["facts", "add", "--quote", "Das steht nirgends.", "--en-answer", "x", "--en-question", "y?"], "quote"),
        (["facts", "edit", "no-such-fact", "--en-answer", "x"], "Not found"),
        (["facts", "undo"], "no change that could be undone"),
        (["sources", "import", "{missing}", "--id", "second", "--title", "T"], "cannot read"),
        (["sources", "import", "{binary}", "--id", "second", "--title", "T"], "cannot read"),
        (["facts", "import", "{missing}"], "cannot read"),
    ],
)
def test_errors_are_one_line_on_stderr_and_a_nonzero_exit(
    cli: Run, capsys: pytest.CaptureFixture[str], bad_files: dict[str, str], argv: list[str], says: str
) -> None:
    code, out = cli(*(arg.format(**bad_files) for arg in argv))

    err = capsys.readouterr().err
    assert code != 0
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert says in err
    assert "Traceback" not in err


def test_an_unreachable_database_is_one_line_too(
    cli: Run, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2")

    code, _ = cli("ask", PRISONERS_DE)

    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err


# --- moderating as the local operator -------------------------------------------------------


def test_facts_add_edit_remove_restore_undo_list_show(cli: Run) -> None:
    question = "Welche Grußbotschaft schickte Lukaschenko zum Canada Day?"
    pasted = CANADA.replace("„", '"').replace("“", '"')
    code, out = cli(
        "facts",
        "add",
        "--quote",
        pasted,
        "--de-answer",
        "Lukaschenko schrieb den Kanadiern, beide Länder würden ihre Beziehungen bald wieder aufnehmen.",
        "--de-question",
        question,
        "--de-question",
        "Grußbotschaft Canada Day",
        "--en-answer",
        "Lukashenko told Canadians that relations would soon resume.",
        "--en-question",
        "What greeting did Lukashenko send for Canada Day?",
    )
    assert code == 0
    fact_id = "welche-grussbotschaft-schickte-lukaschenko-zum-canada-day"
    assert out == f"added {fact_id}\n"
    assert ask_json(cli, question)["fact_id"] == fact_id
    assert ask_json(cli, question)["citation"]["quote"] == CANADA

    code, out = cli("facts", "edit", fact_id, "--en-answer", "Lukashenko wished Canada well on Canada Day.")
    assert (code, out) == (0, f"edited {fact_id} (version 2)\n")
    reply = ask_json(cli, "What greeting did Lukashenko send for Canada Day?")
    assert (reply["fact_id"], reply["answer"]) == (fact_id, "Lukashenko wished Canada well on Canada Day.")

    code, out = cli("facts", "show", fact_id)
    assert code == 0
    (shown,) = yaml.safe_load(out)
    assert shown["quote"] == CANADA
    assert shown["de"]["questions"] == [question, "Grußbotschaft Canada Day"]
    assert shown["en"]["answer"] == "Lukashenko wished Canada well on Canada Day."
    comments = [line for line in out.splitlines() if line.startswith("#")]
    assert comments[0] == "# version 2, votes +0/-0"
    user = getpass.getuser()
    assert [c.split(" ", 3)[3] for c in comments[1:]] == [f"add by {user} (cli)", f"edit by {user} (cli)"]

    assert cli("facts", "list", "grussbotschaft-schickte") == (0, f"{fact_id}: {question}\npage 1/1, 1 facts\n")
    assert cli("facts", "remove", fact_id) == (0, f"removed {fact_id}\n")
    assert cli("facts", "list", "grussbotschaft-schickte") == (0, "page 1/1, 0 facts\n")
    assert cli("facts", "list", "--all", "grussbotschaft-schickte")[1].startswith(f"{fact_id} (removed): ")
    assert ask_json(cli, question)["fact_id"] != fact_id

    assert cli("facts", "restore", fact_id) == (0, f"restored {fact_id}\n")
    assert ask_json(cli, question)["fact_id"] == fact_id

    assert cli("facts", "undo") == (0, f"undone: {fact_id} is removed (version 5)\n")
    assert ask_json(cli, question)["fact_id"] != fact_id


def test_facts_list_pages(cli: Run) -> None:
    code, out = cli("facts", "list", "--page", "2")
    lines = out.splitlines()
    assert code == 0
    assert len(lines) == 11
    assert lines[-1].startswith("page 2/")
    assert lines[-1].endswith(" facts")


# --- sources, database, unanswered ----------------------------------------------------------


@pytest.fixture
def facts_dir(env: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A copy of facts/ that `sources import` may write to."""
    target = tmp_path / "facts"
    shutil.copytree(FACTS_DIR, target, ignore=shutil.ignore_patterns("*.md", "drafts"))
    env.setenv("FACTS_DIR", str(target))
    return target


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "grodno.de.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_sources_import_adds_an_article_answered_by_passage_fallback(cli: Run, facts_dir: Path, article: Path) -> None:
    code, out = cli("sources", "import", str(article), "--id", "grodno-zoo-2025-09", "--title", "Tiger für Grodno")

    assert code == 0
    assert out.startswith("imported grodno-zoo-2025-09: 2 passages")
    assert (facts_dir / "sources" / "grodno-zoo-2025-09.yaml").is_file()
    listing = cli("sources", "list")[1].splitlines()
    assert [line.split()[0] for line in listing] == ["belarus-west-2025-07", "grodno-zoo-2025-09"]
    assert "2 passages  0 facts  Tiger für Grodno" in listing[1]

    tigers = ask_json(cli, "Wie viele Amurtiger erhielt der Zoo von Grodno?")
    assert (tigers["answered"], tigers["fact_id"]) == (True, None)
    assert tigers["citation"]["source"] == "Tiger für Grodno"
    assert tigers["citation"]["date"] == "2025-09"
    assert (
        tigers["citation"]["quote"]
        == "Der Zoo von Grodno erhielt im Frühjahr zwei Amurtiger aus einem polnischen Tierpark."
    )
    border = ask_json(cli, "Öffnete Litauen zusätzliche Grenzübergänge für Lastwagen?")
    assert border["answered"]
    assert (border["citation"]["section"], border["citation"]["paragraph"]) == ("Neue Grenzübergänge", 2)
    assert ask_json(cli, PRISONERS_DE)["fact_id"] == "prisoners-released"

    again = cli("sources", "import", str(article), "--id", "grodno-zoo-2025-09", "--title", "Tiger für Grodno")
    assert again[0] != 0


@pytest.mark.parametrize("source_id", ["Bad Id", "../outside", "x" * 65])
def test_sources_import_refuses_a_bad_id_and_writes_nothing(
    cli: Run, facts_dir: Path, article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], source_id: str
) -> None:
    files = sorted(tmp_path.rglob("*"))

    code, _ = cli("sources", "import", str(article), "--id", source_id, "--title", "T")

    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and "slug" in err, err
    assert sorted(p for p in tmp_path.rglob("*") if "cwd" not in p.parts) == [p for p in files if "cwd" not in p.parts]
    assert ask_json(cli, PRISONERS_DE)["fact_id"] == "prisoners-released"  # the next start still works


def test_db_upgrade_reports_the_head(cli: Run, env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new' / 'bot.sqlite3'}")
    head = migrate.head()

    assert cli("db", "current") == (0, f"schema at base (head {head})\n")
    assert cli("db", "upgrade") == (0, f"schema at {head} (head {head})\n")
    assert cli("db", "current") == (0, f"schema at {head} (head {head})\n")
    assert cli("db", "downgrade", "base") == (0, f"schema at base (head {head})\n")


def test_unanswered_lists_logged_questions_most_frequent_first(cli: Run) -> None:
    cli("ask", "--json", "-", stdin="What is the population of Belarus?\nWie ist das Wetter in Paris morgen?\n")
    cli("ask", "What", "is", "the", "population", "of", "Belarus?")
    cli("ask", PRISONERS_DE)

    code, out = cli("unanswered")

    assert code == 0
    assert out.splitlines() == [
        "    2  [en] [cli] What is the population of Belarus?",
        "    1  [de] [cli] Wie ist das Wetter in Paris morgen?",
    ]


# --- the real command -----------------------------------------------------------------------


def test_python_m_bot_works_from_a_fresh_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FACTS_DIR", "LOG_LEVEL")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "-"],
        input=f"{PRISONERS_DE}\nWhat is the population of Belarus?\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["answered"], r["fact_id"]) for r in replies] == [(True, "prisoners-released"), (False, None)]
    assert (tmp_path / "data" / "bot.sqlite3").is_file()


def test_the_factbot_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "factbot"
    assert script.is_file()

    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert all(command in result.stdout for command in ("ask", "chat", "facts", "sources", "db", "unanswered"))
