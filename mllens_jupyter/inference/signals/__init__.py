"""The signal tables (lens/signals/stages.yaml): loaded, validated, compiled into fast lookups, screened.

The tables are data so that a user can extend them; every problem in a broken file is reported with
its file, line and field, like the lens itself.
"""

from .load import default_signals_path, load_signals
from .screen import Screened, ScreenSet, requirements
from .tables import ANY_KIND, PrefixTable, Rule, Signals, any_of, remember
from .validate import signals_schema

__all__ = ["ANY_KIND", "PrefixTable", "Rule", "ScreenSet", "Screened", "Signals", "any_of", "default_signals_path",
           "load_signals", "remember", "requirements", "signals_schema"]
