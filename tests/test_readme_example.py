"""The README's example output is what `layerlint check fixtures/demo_app` prints."""

from __future__ import annotations

import os
import re
from pathlib import Path

from click.testing import CliRunner

from layerlint.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_shows_the_demo_apps_output():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"## Try it.*?```text\n(.*?)```", readme, re.S).group(1).splitlines()
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        output = CliRunner().invoke(main, ["check", "--no-cache", "fixtures/demo_app"]).output.splitlines()
    finally:
        os.chdir(cwd)
    shown = [line for line in example if line != "..."]
    assert shown[-2:] == output[-2:]  # the summary
    assert set(shown[:-2]) <= set(output)  # the findings shown
    assert len(shown) > 3
