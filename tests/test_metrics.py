"""METRICS_PORT: questions, answered/declined, latency and moderation actions, scraped over HTTP."""

import socket
import urllib.request

from bot.bootstrap import App, build
from bot.core.model import Actor
from tests.conftest import make_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_metrics_count_questions_outcomes_and_moderation(database_url: str) -> None:
    port = _free_port()
    app = build(make_settings(database_url, metrics_port=port))
    try:
        assert app.metrics is not None
        app.metrics.serve(port, "127.0.0.1")
        app.bot.ask("Wie viele politische Gefangene wurden freigelassen?", platform="telegram")
        app.bot.ask("What is the capital of France?", platform="discord")
        app.bot.moderation.remove(Actor("cli", "op", "Operator", is_moderator=True), "prisoners-released")
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    finally:
        app.close()
    assert 'factbot_questions_total{outcome="answered",platform="telegram"} 1.0' in page
    assert 'factbot_questions_total{outcome="declined",platform="discord"} 1.0' in page
    assert 'factbot_answer_seconds_count{platform="telegram"} 1.0' in page
    assert 'factbot_moderation_actions_total{action="remove"} 1.0' in page


def test_no_metrics_without_a_port(app: App) -> None:
    assert app.metrics is None
