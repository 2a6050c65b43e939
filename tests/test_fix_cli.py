"""`layerlint check --fix / --unsafe-fixes / --diff` through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from layerlint.cli import main

SCHEMA = (
    "from typing import Optional\n\n"
    "from pydantic import BaseModel\n\n\n"
    "class UserPatch(BaseModel):\n"
    "    bio: Optional[str] = None\n"
    "    age: Optional[int] = None\n\n\n"
    "MaybeId = Optional[int]\n"
)
SCHEMA_FIXED = SCHEMA.replace("bio: Optional[str]", "bio: str | None").replace("age: Optional[int]", "age: int | None")


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.11"\n')
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_fixable_findings_are_marked_and_counted(tmp_path):
    root = project(tmp_path, {"app/schemas/user.py": SCHEMA})
    result = run("check", str(root))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].endswith(":7:10: LL501 [*] `Optional[X]` is the pre-3.10 spelling: write `X | None`")
    assert ":11:11: LL501 `Optional" in lines[2]  # a runtime alias: unsafe, not marked without --unsafe-fixes
    assert lines[-2] == "Found 3 findings in 1 file (1 checked)."
    assert lines[-1] == "[*] 2 fixable with `layerlint check --fix` (1 more with `--unsafe-fixes`)."
    marked = run("check", "--unsafe-fixes", str(root))
    assert marked.output.count("[*]") == 4  # three findings and the hint
    assert (root / "app/schemas/user.py").read_text() == SCHEMA  # nothing written without --fix


def test_fix_writes_safe_fixes_and_reports(tmp_path):
    root = project(tmp_path, {"app/schemas/user.py": SCHEMA, "app/schemas/clean.py": "X = 1\n"})
    result = run("check", "--fix", str(root))
    assert result.exit_code == 1, result.output  # the unsafe one remains
    assert (root / "app/schemas/user.py").read_text() == SCHEMA_FIXED
    lines = result.output.splitlines()
    assert ":11:11: LL501 `Optional" in lines[0]
    assert lines[1] == "Found 3 findings, fixed 2, 1 remaining (1 file fixed, 2 checked)."
    assert lines[2] == "1 fixable with `layerlint check --fix --unsafe-fixes`."


def test_fix_unsafe_exits_0_when_nothing_remains(tmp_path):
    root = project(tmp_path, {"app/schemas/user.py": SCHEMA})
    result = run("check", "--fix", "--unsafe-fixes", str(root))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["Found 3 findings, fixed 3, 0 remaining (1 file fixed, 1 checked)."]
    text = (root / "app/schemas/user.py").read_text()
    assert "Optional" not in text and "MaybeId = int | None" in text
    again = run("check", "--fix", "--unsafe-fixes", str(root))
    assert again.exit_code == 0 and "All checks passed" in again.output
    assert (root / "app/schemas/user.py").read_text() == text


def test_diff_prints_and_writes_nothing(tmp_path):
    root = project(tmp_path, {"app/schemas/user.py": SCHEMA})
    result = run("check", "--diff", str(root))
    assert result.exit_code == 1
    path = str(root / "app/schemas/user.py")  # outside the working folder: shown absolute
    assert f"--- {path}\n+++ {path}\n" in result.output
    assert "-    bio: Optional[str] = None\n-    age: Optional[int] = None\n+    bio: str | None = None\n" in result.output
    assert "MaybeId = int | None" not in result.output  # unsafe: not without --unsafe-fixes
    assert "Would fix 2 findings in 1 file (1 would remain)." in result.output
    assert (root / "app/schemas/user.py").read_text() == SCHEMA
    unsafe = run("check", "--diff", "--unsafe-fixes", str(root))
    assert "+MaybeId = int | None" in unsafe.output


def test_diff_paths_relative_to_the_working_folder(tmp_path, monkeypatch):
    root = project(tmp_path, {"app/schemas/user.py": SCHEMA})
    monkeypatch.chdir(root)
    result = run("check", "--diff", ".")
    assert "--- a/app/schemas/user.py\n+++ b/app/schemas/user.py\n" in result.output


def test_diff_exits_0_without_changes(tmp_path):
    root = project(tmp_path, {"app/schemas/user.py": "X: int | None = None\n"})
    result = run("check", "--diff", str(root))
    assert result.exit_code == 0
    assert "No fixes to apply." in result.output


def test_fix_that_would_not_parse_is_an_error_and_not_written(tmp_path, monkeypatch):
    from layerlint import fixer

    root = project(tmp_path, {"app/schemas/user.py": SCHEMA})
    monkeypatch.setattr(fixer, "apply_fixes_once", lambda *a: ("class (:\n", {"LL501": 2}))
    result = run("check", "--fix", str(root))
    assert result.exit_code == 2
    assert "produce code that does not parse" in result.output and "left unchanged" in result.output
    assert (root / "app/schemas/user.py").read_text() == SCHEMA


def test_fix_respects_noqa_and_per_file_selection(tmp_path):
    source = SCHEMA.replace("bio: Optional[str] = None", "bio: Optional[str] = None  # noqa: LL501")
    root = project(tmp_path, {"app/schemas/user.py": source})
    run("check", "--fix", str(root))
    text = (root / "app/schemas/user.py").read_text()
    assert "bio: Optional[str] = None  # noqa: LL501" in text and "age: int | None" in text
    root2 = project(tmp_path / "two", {"app/schemas/user.py": SCHEMA})
    result = run("check", "--fix", "--ignore", "LL501", str(root2))
    assert result.exit_code == 0 and (root2 / "app/schemas/user.py").read_text() == SCHEMA


def test_target_version_from_requires_python_decides_the_fix(tmp_path):
    source = "from typing import Optional\n\n\ndef f(x: Optional[int]) -> None: ...\n"
    old = project(tmp_path / "old", {"app/services/a.py": source})
    (old / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.9"\n')
    result = run("check", "--fix", str(old))
    assert result.exit_code == 1 and "[*]" not in result.output
    assert (old / "app/services/a.py").read_text() == source  # `int | None` would fail at import on 3.9
    pinned = project(tmp_path / "pinned", {"app/services/a.py": source})
    (pinned / "pyproject.toml").write_text(
        '[project]\nname = "x"\nrequires-python = ">=3.9"\n\n[tool.layerlint]\ntarget-version = "py311"\n'
    )
    assert run("check", "--fix", str(pinned)).exit_code == 0
    assert "x: int | None" in (pinned / "app/services/a.py").read_text()


def test_fix_on_two_processes_matches_one(tmp_path):
    from layerlint.parallel import MIN_FILES_PER_WORKER

    outputs, contents = [], []
    for jobs in ("1", "2"):
        files = {f"app/schemas/m{i:03}.py": SCHEMA for i in range(3 * MIN_FILES_PER_WORKER)}
        root = project(tmp_path / f"jobs{jobs}", files)
        result = run("check", "--fix", "--jobs", jobs, str(root))
        outputs.append(result.output.replace(str(root), "ROOT"))
        contents.append([(root / name).read_text() for name in sorted(files)])
    assert outputs[0] == outputs[1]
    assert contents[0] == contents[1] and "Optional[str]" not in contents[0][0]


def test_a_file_named_twice_through_a_symlink_is_fixed_and_shown_once(tmp_path):
    # (review 121: --diff showed the file under both paths and counted it twice)
    root = project(tmp_path, {"app/schemas/user.py": SCHEMA})
    (root / "app/schemas/alias.py").symlink_to(root / "app/schemas/user.py")
    diff = run("check", "--diff", str(root))
    assert diff.output.count("+    bio: str | None = None") == 1, diff.output
    assert "Would fix 2 findings in 1 file (1 would remain)." in diff.output
    fixed = run("check", "--fix", "--jobs", "2", str(root))
    assert fixed.exit_code == 1 and "error" not in fixed.output, fixed.output
    assert (root / "app/schemas/user.py").read_text() == SCHEMA_FIXED
    assert (root / "app/schemas/alias.py").is_symlink()


def test_both_names_of_a_hard_link_are_fixed(tmp_path):
    # (review 126: deduplicated, the atomic write split the link and left the other name
    # unfixed under "0 remaining")
    root = project(tmp_path, {"app/schemas/user.py": SCHEMA})
    import os

    os.link(root / "app/schemas/user.py", root / "app/schemas/alias.py")
    fixed = run("check", "--fix", str(root))
    assert (root / "app/schemas/user.py").read_text() == SCHEMA_FIXED
    assert (root / "app/schemas/alias.py").read_text() == SCHEMA_FIXED, fixed.output
