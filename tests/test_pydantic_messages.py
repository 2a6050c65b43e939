"""What the Pydantic findings tell the user to do matches the code they are on."""

from __future__ import annotations

import re
from pathlib import Path

from layerlint.config import Settings
from layerlint.engine import lint_source

FIXTURES = Path(__file__).parent / "fixtures" / "pydantic"


def messages(fixture: str, code: str) -> dict[int, str]:
    source = (FIXTURES / fixture).read_text(encoding="utf-8")
    path = re.match(r"# fixture-path: (\S+)", source).group(1)
    result = lint_source(source, path, Settings(), codes=frozenset({code}))
    return {d.line: d.message for d in result.diagnostics}


def test_ll203_on_fields_of_an_instance_names_the_class_attribute():
    found = messages("LL203_fields.py", "LL203")
    # since Pydantic 2.11, `model_fields` read on an instance is deprecated too
    assert found[10] == "`__fields__` is Pydantic v1: use `type(self).model_fields` (not on the instance: deprecated too)"
    assert found[24] == "`__fields__` is Pydantic v1: use `type(item).model_fields` (not on the instance: deprecated too)"
    assert found[14] == found[27] == "`__fields__` is Pydantic v1: use `model_fields`"


def test_ll201_on_a_nested_class_that_is_no_config_says_to_rename_it():
    found = messages("LL201_named_config.py", "LL201")
    assert found == {
        10: "a nested class named `Config` is read by Pydantic as the model's v1 config class: rename it",
        18: "`class Config` is Pydantic v1: use `model_config = ConfigDict(...)`",
        23: "`class Config` is Pydantic v1: use `model_config = ConfigDict(...)`",
        32: "`class Config` is Pydantic v1: use `model_config = ConfigDict(...)`",
        41: "a nested class named `Config` is read by Pydantic as the model's v1 config class: rename it",
        46: "a nested class named `Config` is read by Pydantic as the model's v1 config class: rename it",
    }


def test_ll206_on_another_name_of_env_settings_does_not_speak_of_base_settings():
    # (review 59: `SettingsSourceCallable` was told that `BaseSettings` moved)
    source = (
        "from pydantic.env_settings import SettingsSourceCallable\nfrom pydantic.env_settings import BaseSettings\n"
        "from pydantic import env_settings\n"
    )
    result = lint_source(source, "app/core/config.py", Settings(), codes=frozenset({"LL206"}))
    assert [(d.line, d.message) for d in result.diagnostics] == [
        (1, "`pydantic.env_settings` is Pydantic v1: settings and their sources moved to `pydantic-settings` "
            "(`pydantic_settings`)"),
        (2, "`BaseSettings` moved to `pydantic-settings` in Pydantic v2: import it from `pydantic_settings`"),
        (3, "`pydantic.env_settings` is Pydantic v1: settings and their sources moved to `pydantic-settings` "
            "(`pydantic_settings`)"),
    ]
