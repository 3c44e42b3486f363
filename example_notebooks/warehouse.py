"""A stand-in for Lumen's data warehouse, so that the example notebooks run offline.

`extract_customers(snapshot)` returns what the monthly extract returns in the real project: one row
per active subscriber at the end of the snapshot month, their plan and billing, their viewing over
the last 30 days, their contacts with support, and, once the following 30 days are over, whether
they cancelled (`churned_30d`).

The rows are simulated. The simulation keeps the blemishes of the real extract (a billing join that
duplicates a few rows, plan names typed by hand in the old CRM, -1 for "viewing not tracked") and
the events of the project's timeline: from August 2026 the basic and standard plans cost more, a
competitor streams football in Spain and Italy, and app release 5.0 counts sessions differently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTRIES = {"DE": 0.32, "FR": 0.24, "ES": 0.18, "IT": 0.16, "NL": 0.10}
PLANS = {"basic": 0.46, "standard": 0.38, "premium": 0.16}
PRICES = {"basic": 9.99, "standard": 17.99, "premium": 24.99}
PRICES_FROM_AUGUST_2026 = {"basic": 11.99, "standard": 19.99, "premium": 24.99}
PAYMENT_METHODS = {"card": 0.55, "paypal": 0.25, "direct_debit": 0.20}
CHANGES_FROM = "2026-08"
OUTCOME_KNOWN_UNTIL = "2026-10"


def extract_customers(snapshot: str, n: int = 2000, seed: int | None = None) -> pd.DataFrame:
    """Active subscribers at the end of `snapshot` ("YYYY-MM").

    `churned_30d` is empty for snapshots whose following month is not over yet.
    """
    rng = np.random.default_rng(int(snapshot.replace("-", "")) if seed is None else seed)
    after_changes = snapshot >= CHANGES_FROM
    customers = _profile(rng, n, snapshot, after_changes)
    _add_usage(rng, customers, after_changes)
    customers["churned_30d"] = _outcome(rng, customers, after_changes)
    if snapshot > OUTCOME_KNOWN_UNTIL:
        customers["churned_30d"] = pd.NA
    customers = customers.drop(columns="engagement")
    return _with_blemishes(rng, customers)


def _pick(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    return rng.choice(list(weights), size=n, p=list(weights.values()))


def _profile(rng: np.random.Generator, n: int, snapshot: str, after_changes: bool) -> pd.DataFrame:
    plan = _pick(rng, PLANS, n)
    annual = rng.random(n) < np.where(plan == "premium", 0.40, 0.22)
    prices = PRICES_FROM_AUGUST_2026 if after_changes else PRICES
    discount = rng.random(n) < 0.12
    fee = np.array([prices[p] for p in plan]) * np.where(annual, 0.83, 1.0) * np.where(discount, 0.7, 1.0)
    payment = PAYMENT_METHODS if not after_changes else {"card": 0.50, "paypal": 0.32, "direct_debit": 0.18}
    return pd.DataFrame({
        "customer_id": [f"C{i:06d}" for i in rng.choice(900_000, size=n, replace=False) + 100_000],
        "snapshot": snapshot,
        "country": _pick(rng, COUNTRIES, n),
        "plan": plan,
        "billing_cycle": np.where(annual, "annual", "monthly"),
        "payment_method": _pick(rng, payment, n),
        "tenure_months": np.minimum(rng.gamma(1.3, 14, n).astype(int) + 1, 96),
        "monthly_fee": fee.round(2),
        "discount_active": discount,
        "engagement": rng.lognormal(0.0, 0.6, n),
    })


def _add_usage(rng: np.random.Generator, customers: pd.DataFrame, after_changes: bool) -> None:
    n = len(customers)
    engagement = customers["engagement"].to_numpy()
    sessions = rng.poisson(14 * engagement)
    customers["hours_watched_30d"] = (sessions * rng.gamma(4.0, 0.3, n)).round(1)
    if after_changes:
        on_release_5 = rng.random(n) < 0.65
        sessions = np.where(on_release_5, (sessions * 1.8).round(), sessions).astype(int)
    customers["sessions_30d"] = sessions
    customers["days_since_last_session"] = np.minimum(rng.exponential(3 / np.sqrt(engagement)), 30).astype(int)
    customers["devices"] = np.minimum(1 + rng.poisson(0.6 + 0.5 * (customers["plan"] != "basic")), 5)
    customers["support_tickets_90d"] = rng.poisson(0.25 + 0.15 * (engagement < 0.6), n)
    card = (customers["payment_method"] == "card").to_numpy()
    customers["failed_payments_90d"] = rng.poisson(np.where(card, 0.12, 0.05))
    surveyed = rng.random(n) < 0.38
    nps = np.clip(np.round(rng.normal(6.5 + 1.2 * np.log(engagement), 2.0)), 0, 10)
    customers["nps_score"] = np.where(surveyed, nps, np.nan)


def _outcome(rng: np.random.Generator, c: pd.DataFrame, after_changes: bool) -> np.ndarray:
    logit = (
        -3.2
        + 0.9 * (c["billing_cycle"] == "monthly")
        - 0.4 * (c["plan"] == "premium")
        - 2.0 * np.log(c["engagement"])
        + 0.03 * c["days_since_last_session"]
        - 0.8 * np.log1p(c["tenure_months"] / 12)
        + 0.6 * c["support_tickets_90d"]
        + 1.2 * c["failed_payments_90d"]
        + 0.6 * c["discount_active"]
        - 0.2 * c["nps_score"].fillna(6.5).sub(6.5)
    )
    if after_changes:
        price_rise = (c["billing_cycle"] == "monthly") & (c["plan"] != "premium")
        football_fans = c["country"].isin(["ES", "IT"]) & (c["engagement"] > 1.1)
        logit = logit + 0.4 * price_rise + 2.2 * football_fans
    return (rng.random(len(c)) < 1 / (1 + np.exp(-logit))).astype(int)


def _with_blemishes(rng: np.random.Generator, customers: pd.DataFrame) -> pd.DataFrame:
    n = len(customers)
    untracked = rng.random(n) < 0.02
    customers.loc[untracked, "hours_watched_30d"] = -1.0
    legacy = rng.random(n) < 0.03
    customers.loc[legacy, "plan"] = customers.loc[legacy, "plan"].str.title().radd(" ")
    duplicated = customers.sample(frac=0.01, random_state=int(rng.integers(1 << 31)))
    return pd.concat([customers, duplicated]).sample(frac=1.0, random_state=0).reset_index(drop=True)
