"""Answer quality through the real batch interface, scored by the shared evaluation script."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED

SCORER = SHARED / "eval" / "score.py"


def _score(eval_set: Path, database: Path, min_answered: float, min_abstained: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [
            sys.executable, str(SCORER), "--set", str(eval_set), "-v",
            "--cmd", f"{sys.executable} -m bot ask --json -",
            "--min-answered", str(min_answered), "--min-abstained", str(min_abstained),
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/eval is not present")
def test_public_evaluation_set(tmp_path: Path) -> None:
    result = _score(SCORER.parent / "public.yaml", tmp_path / "bot.sqlite3", 0.95, 1.0)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("name", "answered", "declined"), [("dev.yaml", 0.92, 0.92), ("holdout.yaml", 0.86, 0.88)])
def test_development_sets_of_paraphrases_typos_and_unanswerable_questions(
    tmp_path: Path, name: str, answered: float, declined: float
) -> None:
    """Written blind to facts/ (see tests/eval/README.md); guards against regressions in matching."""
    result = _score(ROOT / "tests" / "eval" / name, tmp_path / "bot.sqlite3", answered, declined)
    assert result.returncode == 0, result.stdout + result.stderr
