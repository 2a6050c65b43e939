"""docs/rules/ is generated from the rule docstrings and must be up to date;
``layerlint rule CODE --output-format json``."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from layerlint.cli import main
from layerlint.registry import all_rules
from layerlint.ruledocs import index_page, pages, rule_page

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "rules"
SCRIPT = ROOT / "scripts" / "gen_rule_docs.py"


def _script():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_rule_pages_are_up_to_date():
    stale = _script().stale(DOCS)
    assert not stale, (
        f"docs/rules is stale ({', '.join(stale)}): run `python scripts/gen_rule_docs.py` and commit the result"
    )


def test_every_rule_has_a_page_and_an_index_row():
    generated = pages()
    assert set(generated) == {f"{code}.md" for code in all_rules()} | {"README.md"}
    index = generated["README.md"]
    for code, cls in all_rules().items():
        assert f"[{code}]({code}.md)" in index and cls.name in index
        page = generated[f"{code}.md"]
        assert page.startswith(f"# {code}: {cls.name}\n")
        assert "## What it does" in page and "## Fix safety" in page


def test_generator_works_for_any_set_of_rules(tmp_path):
    from layerlint.rule import Option

    class Extra:  # looks like a rule of another family (not a Rule subclass: stays out of the registry)
        code = "LL999"
        name = "extra-rule"
        summary = "an extra | rule"
        default_enabled = False
        fix_availability = "always"
        options = (Option("extra", "names", list, ["a"], "the names"),)

        @classmethod
        def documentation(cls):
            return "LL999 extra-rule: an extra rule.\n\n## What it does\nThings."

    Extra.__module__ = "layerlint.rules.extra.extra_rule"
    rules = {**all_rules(), "LL999": Extra}
    page = rule_page(Extra)
    assert "opt-in" in page and "fixable" in page and "## What it does\nThings." in page
    assert "LL999 extra-rule: an extra rule." not in page
    assert '`[tool.layerlint.extra]` `names` | list | `["a"]` | the names |' in page
    index = index_page(rules)
    assert "## extra" in index and "an extra \\| rule" in index
    module = _script()
    module.write(tmp_path)  # writes the real registry's pages into a scratch folder
    (tmp_path / "LL998.md").write_text("old")
    assert module.stale(tmp_path) == ["LL998.md"]
    module.write(tmp_path)
    assert module.stale(tmp_path) == [] and not (tmp_path / "LL998.md").exists()


def test_check_mode_of_the_script():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rule_as_json():
    result = CliRunner().invoke(main, ["rule", "LL101", "--output-format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["code"] == "LL101" and data["name"] == "route-imports-repository"
    assert data["family"] == "layers" and data["default_enabled"] is True
    assert data["fix_availability"] == "never" and data["options"] == []
    assert data["explanation"].startswith("## What it does")
    assert "url" in data
    listing = json.loads(CliRunner().invoke(main, ["rules", "--output-format", "json"]).output)
    assert [r["code"] for r in listing] == list(all_rules())
