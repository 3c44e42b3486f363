"""Report formats of `mllens audit`, found by name in the entry point group `mllens.reports`.

A package adds a format by registering a `report.base.Report` subclass in its own metadata::

    [project.entry-points."mllens.reports"]
    csv = "my_package.csv_report:CsvReport"

or at run time with `formats.register("csv", CsvReport)`. The bundled formats are registered the
same way in mllens-jupyter's own pyproject.toml (and below, for a source checkout that is not installed).
"""

from __future__ import annotations

import importlib
from importlib.metadata import EntryPoint, entry_points

from ..errors import UsageError
from .base import Report

ENTRY_POINT_GROUP = "mllens.reports"
BUILTIN = {
    "table": "mllens_jupyter.report.table:TableReport",
    "json": "mllens_jupyter.report.json:JsonReport",
    "markdown": "mllens_jupyter.report.markdown:MarkdownReport",
    "html": "mllens_jupyter.report.html:HtmlReport",
    "sarif": "mllens_jupyter.report.sarif:SarifReport",
    "junit": "mllens_jupyter.report.junit:JunitReport",
}


def _load(target: str) -> type[Report]:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


class FormatRegistry:
    """Report formats by name: the bundled ones, entry points of `mllens.reports`, and registered classes."""

    def __init__(self) -> None:
        self._targets: dict[str, str | EntryPoint] = dict(BUILTIN)
        self._classes: dict[str, type[Report]] = {}
        self._entry_points_read = False

    def register(self, name: str, report_class: type[Report]) -> None:
        self._classes[name] = report_class

    def register_entry_points(self) -> None:
        if not self._entry_points_read:
            for ep in entry_points(group=ENTRY_POINT_GROUP):
                if ep.value != self._targets.get(ep.name):
                    self._targets[ep.name] = ep
            self._entry_points_read = True

    def names(self) -> list[str]:
        self.register_entry_points()
        extra = sorted({*self._targets, *self._classes} - set(BUILTIN))
        return [*BUILTIN, *extra]

    def get(self, name: str) -> type[Report]:
        """The class of format `name`; UsageError listing the known names when there is none."""
        self.register_entry_points()
        if name in self._classes:
            return self._classes[name]
        target = self._targets.get(name)
        if target is None:
            raise UsageError(f"unknown report format {name!r}; use one of {', '.join(self.names())}")
        try:
            found = target.load() if isinstance(target, EntryPoint) else _load(target)
        except Exception as err:  # a third-party plugin must not produce a traceback
            raise UsageError(f"report format {name!r} cannot be loaded: {err}") from None
        self._classes[name] = found
        return found


formats = FormatRegistry()


def render(report: dict, format_name: str) -> str:
    """The report rendered in the named format."""
    return formats.get(format_name)().render(report)


__all__ = ["ENTRY_POINT_GROUP", "FormatRegistry", "Report", "formats", "render"]
