"""Optional Prometheus metrics (METRICS_PORT): questions, answered/declined, latency, moderation actions."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server

from bot.core.model import Answer


class Metrics:
    """An Observer of the core with its own registry (no process-global state)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._questions = Counter(
            "factbot_questions", "Questions asked", ["platform", "outcome"], registry=self.registry
        )
        self._latency = Histogram(
            "factbot_answer_seconds",
            "Time to answer a question in the core",
            ["platform"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
            registry=self.registry,
        )
        self._changes = Counter("factbot_moderation_actions", "Moderation actions", ["action"], registry=self.registry)

    def question(self, platform: str, answer: Answer, seconds: float) -> None:
        outcome = "answered" if answer.answered else "declined"
        self._questions.labels(platform, outcome).inc()
        self._latency.labels(platform).observe(seconds)

    def change(self, action: str) -> None:
        self._changes.labels(action).inc()

    def serve(self, port: int, address: str = "0.0.0.0") -> None:  # noqa: S104 - scraped from other hosts
        start_http_server(port, addr=address, registry=self.registry)
