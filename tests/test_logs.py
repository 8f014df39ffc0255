"""One structured log line per question; question texts stay out when LOG_QUESTIONS=false."""

import logging

import pytest

from bot.bootstrap import build
from bot.logs import KeyValueFormatter, RedactSecrets
from tests.conftest import make_settings

QUESTION = "Wie viele politische Gefangene wurden freigelassen? geheim-4711"


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = KeyValueFormatter("%(levelname)s %(name)s %(message)s")
    return [formatter.format(r) for r in caplog.records if r.name == "bot.core.service"]


@pytest.mark.parametrize("log_questions", [True, False])
def test_one_line_per_question_with_its_fields(
    database_url: str, caplog: pytest.LogCaptureFixture, log_questions: bool
) -> None:
    app = build(make_settings(database_url, log_questions=log_questions))
    try:
        with caplog.at_level(logging.INFO, logger="bot.core.service"):
            app.bot.ask(QUESTION, platform="telegram")
    finally:
        app.close()
    (line,) = _lines(caplog)
    for field in ("platform='telegram'", "lang='de'", "fact_id='prisoners-released'", "confidence=", "latency_ms="):
        assert field in line
    assert ("geheim-4711" in line) is log_questions


def test_secrets_are_masked_in_every_field() -> None:
    record = logging.makeLogRecord({"msg": "token %s", "args": ("123:SECRET-abc",), "url": "x/bot123:SECRET-abc/y"})
    RedactSecrets(["123:SECRET-abc"]).filter(record)
    line = KeyValueFormatter("%(message)s").format(record)
    assert "SECRET" not in line and "***" in line
