"""The retention campaign's economics, as agreed with Finance and the retention team (see 01).

Every figure the notebooks use to turn model scores into money comes from here.
"""

from __future__ import annotations

import numpy as np

OFFER_COST = 6.50
"""Euros per contacted customer: half a month free on an average fee of 12 EUR, plus the e-mail and app message."""
SAVE_RATE = 0.25
"""Share of would-be churners who stay when they receive the offer (A/B test of spring 2026)."""
VALUE_OF_A_SAVE = 120.0
"""Contribution margin of a customer kept: about 10 more months at 12 EUR."""
CAPACITY = 0.10
"""Share of the active base the campaign budget lets us contact each month."""


def break_even_precision() -> float:
    """The share of real churners among contacted customers below which the campaign loses money."""
    return OFFER_COST / (SAVE_RATE * VALUE_OF_A_SAVE)


def top_share(scores: np.ndarray, share: float = CAPACITY) -> np.ndarray:
    """A boolean mask of the `share` highest-scored customers."""
    scores = np.asarray(scores, dtype=float)
    selected = np.zeros(len(scores), dtype=bool)
    selected[np.argsort(-scores, kind="stable")[: int(round(share * len(scores)))]] = True
    return selected


def precision_at_capacity(y_true, scores, share: float = CAPACITY) -> float:
    return float(np.asarray(y_true)[top_share(scores, share)].mean())


def campaign_value(y_true, scores, share: float = CAPACITY) -> float:
    """Expected euros gained by contacting the top `share` of customers by score."""
    contacted = np.asarray(y_true)[top_share(scores, share)]
    return float(contacted.sum() * SAVE_RATE * VALUE_OF_A_SAVE - len(contacted) * OFFER_COST)
