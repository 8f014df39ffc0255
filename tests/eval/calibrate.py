"""Fit the answer/decline model of bot/core/calibration.py on the development sets.

    .venv/bin/python tests/eval/calibrate.py            # prints WEIGHTS and a threshold table

Each question becomes an Evidence vector (what the matcher knows about its best fact) labelled 1 when
that fact's passage answers it (per the set's `expect` phrases) and 0 otherwise, including every
question the article cannot answer. A logistic regression (Newton's method, L2) turns the evidence into
a probability; paste the printed WEIGHTS into calibration.py and pick Thresholds.answer from the table.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.core.answering import Answerer  # noqa: E402
from bot.core.calibration import Evidence, probability  # noqa: E402
from bot.core.matching import Index  # noqa: E402
from bot.core.ranking import evidence, rank  # noqa: E402
from bot.core.text import clean, detect_language  # noqa: E402
from bot.store.seeding import read_knowledge  # noqa: E402

SETS = [ROOT / "tests/eval/dev.yaml", ROOT / "tests/eval/holdout.yaml", ROOT.parent / "shared/eval/public.yaml"]
L2 = 1.0


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def dataset(answerer: Answerer, paths: list[Path]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, labels, answerable = [], [], []
    for path in paths:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            q = clean(case["q"])
            ranking = rank(answerer.index, q, detect_language(q))
            found = evidence(answerer.index, q, ranking)
            if found is None:
                found = Evidence(*([0.0] * 12))
            passage = answerer.index.passage(*ranking.candidates[0].passage_key).text if ranking.candidates else ""
            is_answerable = case["expect"] != "none"
            right = is_answerable and any(_norm(n) in _norm(passage) for n in case["expect"])
            rows.append(found.vector())
            labels.append(float(right))
            answerable.append(is_answerable)
    return np.array(rows), np.array(labels), np.array(answerable)


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, rounds: int = 50) -> np.ndarray:
    w = np.zeros(x.shape[1])
    penalty = l2 * np.eye(len(w))
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(rounds):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + penalty
        w -= np.linalg.solve(hessian, x.T @ (p - y) + penalty @ w)
    return w


def main() -> None:
    sources, facts = read_knowledge(ROOT / "facts")
    index = Index()
    for source in sources:
        index.add_source(source)
    index.add_facts(facts)
    x, y, answerable = dataset(Answerer(index), [p for p in SETS if p.exists()])
    w = fit(x, y)
    print("WEIGHTS = (" + ", ".join(f"{v:.2f}" for v in w) + ")")
    chance = np.array([probability(Evidence(*row[1:13]), tuple(w)) for row in x])
    for threshold in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65):
        answered = chance >= threshold
        right = np.sum(answered & (y == 1)) / answerable.sum()
        declined = np.sum(~answered & ~answerable) / (~answerable).sum()
        print(f"threshold {threshold:.2f}: right {right:.1%}, declined {declined:.1%}")


if __name__ == "__main__":
    main()
