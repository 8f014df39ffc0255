"""From match evidence to a calibrated probability that the best fact really answers the question.

A raw match score cannot tell "a paraphrase with one unknown verb" from "a near-topic question that
asks for a detail the article does not give". A small logistic model over a dozen signals can do much
better. It is fitted with `python tests/eval/calibrate.py` on the development sets in `tests/eval/`;
the weights below are its output. The probability is what an answer reports as its confidence.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the matcher knows about its best candidate for one question."""

    score: float  # F-score of the best matching text (after the answer-type check)
    recall: float  # share of the question's weight that text explains
    precision: float  # share of the text's weight the question touches
    is_question: float  # 1 when the best text is a curated question variant, 0 for a fact's bag of words
    margin: float  # lead over the best candidate citing another passage (capped)
    missing: float  # weight share of the most important question word the fact lacks
    unknown: float  # weight share of question words the knowledge base has never seen
    n_tokens: float  # log(1 + number of content words)
    fits: float  # 1 when the fact holds the kind of answer asked for (a number for "how many" …)
    unanswerable: float  # score of the closest question known NOT to be answered by the sources
    sentence: float  # score of the best article sentence
    ambiguous: float  # 1 when the question's language could not be told

    def vector(self) -> tuple[float, ...]:
        values = astuple(self)
        score, fits, unanswerable = self.score, self.fits, self.unanswerable
        return (1.0, *values, score * fits, unanswerable - score)


# Intercept, the twelve fields of Evidence in order, then score×fits and unanswerable−score.
WEIGHTS: tuple[float, ...] = (
    -5.27, 1.51, 0.48, 0.31, 0.02, 2.06, -1.03, -0.97, 1.82, 0.43, -0.55, 0.83, 0.63, 1.73, -2.06,
)  # fmt: skip
MARGIN_CAP = 0.3


def probability(evidence: Evidence, weights: tuple[float, ...] = WEIGHTS) -> float:
    z = sum(w * x for w, x in zip(weights, evidence.vector(), strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
