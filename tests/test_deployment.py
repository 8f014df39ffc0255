"""The deployment files agree with the code (no Docker engine is needed to check these)."""

import re

import yaml

from bot.config import Settings
from tests.conftest import ROOT


def test_env_example_documents_every_setting() -> None:
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert {name.upper() for name in Settings.model_fields} <= documented


def test_dockerfile_runs_as_non_root_with_a_health_check() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
    assert "HEALTHCHECK" in dockerfile and '"bot", "health"' in dockerfile
    assert dockerfile.index("COPY pyproject.toml") < dockerfile.index("COPY bot ")  # dependencies layer first


def test_compose_runs_platforms_as_separate_services_on_postgres() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "migrate", "telegram", "discord"} <= set(services)
    assert services["telegram"]["command"] == ["run", "--platform", "telegram"]
    assert services["discord"]["command"] == ["run", "--platform", "discord"]
    for name in ("migrate", "telegram", "discord"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
