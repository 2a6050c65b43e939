"""``pathnames.absolute`` is ``os.path.abspath``, with a shortcut for normal absolute paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from layerlint.pathnames import absolute


@pytest.mark.parametrize(
    "path",
    [
        "app/models.py",
        "./app/models.py",
        "app/../app/models.py",
        ".",
        "",
        "/srv/app/models.py",
        "/srv/app/./models.py",
        "/srv/app/../models.py",
        "/srv//app/models.py",
        "/srv/app/",
        "/srv/.hidden/models.py",
        "/srv/app/models.py.",
        "/",
        "//srv/app.py",
    ],
)
def test_absolute_is_abspath(path):
    assert absolute(path) == os.path.abspath(path)


def test_absolute_takes_path_objects():
    assert absolute(Path("app") / "models.py") == os.path.abspath(os.path.join("app", "models.py"))
