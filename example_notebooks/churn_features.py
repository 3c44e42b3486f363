"""Cleaning and features for the churn model, shared by training, serving and monitoring.

The model pipeline starts with `prepare`, so a customer record is cleaned and enriched the same way
when the model is trained (02, 03), when it answers a request or scores a batch (04), and when live
data are compared with the training data (05).
"""

from __future__ import annotations

import pandas as pd

ID = "customer_id"
TARGET = "churned_30d"
CATEGORICAL = ["country", "plan", "billing_cycle", "payment_method"]
RAW_NUMERIC = [
    "tenure_months", "monthly_fee", "sessions_30d", "hours_watched_30d", "days_since_last_session",
    "devices", "support_tickets_90d", "failed_payments_90d", "nps_score",
]
FLAGS = ["discount_active"]
DERIVED = ["hours_per_session", "viewing_tracked", "nps_answered", "recent_payment_failure"]
NUMERIC = RAW_NUMERIC + DERIVED
INPUT_COLUMNS = CATEGORICAL + RAW_NUMERIC + FLAGS


def normalise(customers: pd.DataFrame) -> pd.DataFrame:
    """Values as the model expects them: trimmed lower-case categories, "not tracked" as missing."""
    out = customers.copy()
    for column in CATEGORICAL:
        out[column] = out[column].astype(str).str.strip().str.lower()
    for column in RAW_NUMERIC:
        out[column] = pd.to_numeric(out[column], errors="coerce")
    out["hours_watched_30d"] = out["hours_watched_30d"].where(out["hours_watched_30d"] >= 0)
    out["nps_score"] = out["nps_score"].where(out["nps_score"].between(0, 10))
    out["discount_active"] = out["discount_active"].astype(bool)
    return out


def add_features(customers: pd.DataFrame) -> pd.DataFrame:
    out = customers.copy()
    out["hours_per_session"] = out["hours_watched_30d"] / out["sessions_30d"].clip(lower=1)
    out["viewing_tracked"] = out["hours_watched_30d"].notna().astype(int)
    out["nps_answered"] = out["nps_score"].notna().astype(int)
    out["recent_payment_failure"] = (out["failed_payments_90d"] > 0).astype(int)
    return out


def prepare(customers: pd.DataFrame) -> pd.DataFrame:
    """The model's input columns, cleaned and enriched, in a fixed order."""
    prepared = add_features(normalise(customers[INPUT_COLUMNS]))
    return prepared[CATEGORICAL + NUMERIC].join(prepared[FLAGS].astype(int))
