"""Looking up what a person typed: one rule for `mllens lens show`, `%mllens TARGET` and `--pillar`."""

from __future__ import annotations

import pytest

from mllens_jupyter.errors import UsageError
from mllens_jupyter.lookup import find

from .conftest import run_cli


@pytest.mark.parametrize("typed, kind, found", [
    ("MLOPS03-BP01", "practice", "MLOPS03-BP01"),
    ("mlops03-bp01", "practice", "MLOPS03-BP01"),
    ("MLOE-10", "practice", "MLOPS03-BP01"),
    ("security", "pillar", "security"),
    ("MLSEC", "pillar", "security"),
    ("Performance efficiency", "pillar", "performance_efficiency"),
    ("perf", "pillar", "performance_efficiency"),
    ("monitoring", "phase", "monitoring"),
    ("monitor", "phase", "monitoring"),
    ("Model development", "phase", "model_development"),
    ("data-processing", "phase", "data_processing"),
    ("deploy", "phase", "deployment"),
])
def test_exact_names_first_then_an_unambiguous_beginning(lens, typed, kind, found):
    assert (find(lens, typed).kind, find(lens, typed).item.id) == (kind, found)


@pytest.mark.parametrize("typed, kinds, message", [
    ("nowhere", ("practice", "pillar", "phase"), "'nowhere' is no practice, pillar or phase of lens aws-ml-lens"),
    ("kindness", ("pillar",), "no pillar 'kindness' in lens aws-ml-lens; use one of operational_excellence"),
    ("m", ("practice", "pillar", "phase"), "'m' is ambiguous in lens aws-ml-lens: it could be pillar"),
    ("monitor", ("pillar",), "no pillar 'monitor'"),
])
def test_nothing_or_several_found_is_a_clear_usage_error(lens, typed, kinds, message):
    with pytest.raises(UsageError) as raised:
        find(lens, typed, kinds)
    assert message in str(raised.value)


def test_the_command_line_and_the_magic_find_the_same_thing():
    result = run_cli("lens", "show", "monitor")
    assert result.returncode == 0 and result.stdout.startswith("Monitoring")
