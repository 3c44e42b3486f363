"""Setting one member of a JSON object in place: only that member's text changes, in the file's style."""

from __future__ import annotations

import json

import pytest

from mllens_jupyter.jsonedit import object_at, root_object, set_member

NS = {"answers": {"A1-B1": {"status": "done"}}, "schema_version": 1}


def set_in_metadata(text: str, value, fallback_unit=" ") -> str:
    metadata = root_object(text).last("metadata")
    return set_member(text, object_at(text, metadata.value_start), "mllens", value, fallback_unit=fallback_unit)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # nbformat's own layout (indent 1), the new key sorted between the others
        ('{\n "metadata": {\n  "kernelspec": {},\n  "zeta": 1\n }\n}',
         '{\n "metadata": {\n  "kernelspec": {},\n  "mllens": {\n   "answers": {\n    "A1-B1": {\n     "status": "done"\n'
         '    }\n   },\n   "schema_version": 1\n  },\n  "zeta": 1\n }\n}'),
        # appended after the last key, indent 2
        ('{\n  "metadata": {\n    "a": 1\n  }\n}',
         '{\n  "metadata": {\n    "a": 1,\n    "mllens": {\n      "answers": {\n        "A1-B1": {\n'
         '          "status": "done"\n        }\n      },\n      "schema_version": 1\n    }\n  }\n}'),
        # compact, on one line
        ('{"metadata":{"a":1},"nbformat":4}', '{"metadata":{"a":1,"mllens":{"answers":{"A1-B1":{"status":"done"}},"schema_version":1}},"nbformat":4}'),
        ('{"metadata": {"a": 1, "z": 2}}', '{"metadata": {"a": 1, "mllens": {"answers": {"A1-B1": {"status": "done"}}, "schema_version": 1}, "z": 2}}'),
        # tabs, and Windows line endings
        ('{\n\t"metadata": {\n\t\t"a": 1\n\t}\n}',
         '{\n\t"metadata": {\n\t\t"a": 1,\n\t\t"mllens": {\n\t\t\t"answers": {\n\t\t\t\t"A1-B1": {\n\t\t\t\t\t"status": "done"\n'
         '\t\t\t\t}\n\t\t\t},\n\t\t\t"schema_version": 1\n\t\t}\n\t}\n}'),
        ('{\r\n "metadata": {\r\n  "a": 1\r\n }\r\n}',
         '{\r\n "metadata": {\r\n  "a": 1,\r\n  "mllens": {\r\n   "answers": {\r\n    "A1-B1": {\r\n     "status": "done"\r\n'
         '    }\r\n   },\r\n   "schema_version": 1\r\n  }\r\n }\r\n}'),
        # an empty metadata object opens one level below its line
        ('{\n "metadata": {},\n "nbformat": 4\n}',
         '{\n "metadata": {\n  "mllens": {\n   "answers": {\n    "A1-B1": {\n     "status": "done"\n    }\n   },\n'
         '   "schema_version": 1\n  }\n },\n "nbformat": 4\n}'),
        # an existing value is replaced where it stands, whatever its old layout
        ('{"metadata": {"mllens": [1,\n2], "a": 1e400}}', '{"metadata": {"mllens": {"answers": {"A1-B1": {"status": "done"}}, "schema_version": 1}, "a": 1e400}}'),
    ],
)
def test_set_member_writes_only_the_member_in_the_objects_style(before, after):
    assert set_in_metadata(before, NS) == after
    assert json.loads(after)["metadata"]["mllens"] == NS


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('{"metadata": {"a": 1, "mllens": {}, "z": 2}}', '{"metadata": {"a": 1, "z": 2}}'),
        ('{"metadata": {"a": 1, "mllens": {}}}', '{"metadata": {"a": 1}}'),
        ('{"metadata": {"mllens": {}, "z": 2}}', '{"metadata": {"z": 2}}'),
        ('{\n "metadata": {\n  "mllens": {}\n }\n}', '{\n "metadata": {}\n}'),
        ('{"metadata": {"a": 1}}', '{"metadata": {"a": 1}}'),
    ],
)
def test_removing_a_member_takes_its_separator_with_it(before, after):
    assert set_in_metadata(before, None) == after


def test_a_repeated_key_is_edited_where_json_reads_it_the_last_one():
    text = '{"metadata": {"mllens": 1, "mllens": 2}}'
    edited = set_in_metadata(text, {"schema_version": 1})
    assert edited == '{"metadata": {"mllens": 1, "mllens": {"schema_version": 1}}}'


def test_members_are_found_past_strings_that_look_like_json():
    text = '{"cells": [{"source": "\\"metadata\\": {}, }{"}], "metadata": {"a": "}"}}'
    span = root_object(text)
    assert [m.key for m in span.members] == ["cells", "metadata"]
    assert json.loads(set_in_metadata(text, {"schema_version": 1}))["metadata"] == {"a": "}", "mllens": {"schema_version": 1}}
