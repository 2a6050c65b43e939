"""The fix driver: files kept byte-for-byte where untouched, atomic writes, encodings,
BOM and line endings, unparsable output never written, bounded passes, import edits."""

from __future__ import annotations

import os
import stat
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from harness import scratch_path
from layerlint import fixer
from layerlint.config import Settings
from layerlint.diagnostics import FIX_SAFE, Diagnostic
from layerlint.fixer import fix_file, fix_text
from layerlint.fixes.imports import add_import_from

SETTINGS = Settings()
OPTIONAL_SOURCE = 'from typing import Optional\n\n\ndef f(x: Optional[int]) -> Optional[str]:\n    return None\n'
FIXED_SOURCE = "def f(x: int | None) -> str | None:\n    return None\n"  # (no blank lines left at the top)


def write(tmp_path: Path, text: str | bytes, name: str = "mod.py") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_diagnostic_keeps_its_seven_positional_fields():
    d = Diagnostic("LL101", "m", "p.py", 1, 2, 3, 4)
    assert d.fix is None
    assert Diagnostic("LL101", "m", "p.py", 1, 2, 3, 4, FIX_SAFE).fix == FIX_SAFE


def test_fix_file_rewrites_and_second_run_changes_nothing(tmp_path):
    path = write(tmp_path, OPTIONAL_SOURCE)
    result = fix_file(str(path), SETTINGS)
    assert result.written and result.applied == {"LL501": 2}
    assert path.read_text() == FIXED_SOURCE
    again = fix_file(str(path), SETTINGS)
    assert not again.changed and not again.written and not again.applied


def test_file_without_fixable_finding_is_never_rewritten(tmp_path):
    path = write(tmp_path, "from typing import Optional\n\nAlias = Optional[int]\n")  # runtime: unsafe only
    before = os.stat(path)
    result = fix_file(str(path), SETTINGS)
    assert not result.changed
    after = os.stat(path)
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert [d.code for d in result.result.diagnostics] == ["LL501"]


def test_diff_mode_writes_nothing(tmp_path):
    path = write(tmp_path, OPTIONAL_SOURCE)
    result = fix_file(str(path), SETTINGS, write=False)
    assert result.changed and not result.written
    assert path.read_text() == OPTIONAL_SOURCE
    diff = result.diff()
    assert "-def f(x: Optional[int]) -> Optional[str]:\n+def f(x: int | None) -> str | None:\n" in diff


def test_bom_crlf_and_encoding_are_kept(tmp_path):
    text = OPTIONAL_SOURCE.replace("\n", "\r\n")
    path = write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert fix_file(str(path), SETTINGS).written
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].decode("utf-8") == FIXED_SOURCE.replace("\n", "\r\n")


def test_latin1_coding_cookie_is_kept(tmp_path):
    source = "# -*- coding: latin-1 -*-\nfrom typing import Optional\n\nNAME = 'caf\xe9'\n\n\ndef f(x: Optional[int]): ...\n"
    path = write(tmp_path, source.encode("latin-1"))
    assert fix_file(str(path), SETTINGS).written
    assert path.read_bytes() == source.replace("from typing import Optional\n\n", "\n").replace(
        "Optional[int]", "int | None"
    ).encode("latin-1")


def test_mixed_line_endings_survive(tmp_path):
    source = "from typing import Optional\r\nimport os\n\n\ndef f(x: Optional[int]):\r\n    return os\n"
    path = write(tmp_path, source)
    fix_file(str(path), SETTINGS)
    assert path.read_bytes() == b"import os\n\n\ndef f(x: int | None):\r\n    return os\n"


def test_write_keeps_mode_and_symlink(tmp_path):
    real = write(tmp_path, OPTIONAL_SOURCE, "real.py")
    os.chmod(real, 0o640)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    assert fix_file(str(link), SETTINGS).written
    assert link.is_symlink() and real.read_text() == FIXED_SOURCE
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".layerlint-fix")]


def test_unparsable_fix_output_is_not_written_and_reported(tmp_path, monkeypatch):
    path = write(tmp_path, OPTIONAL_SOURCE)
    monkeypatch.setattr(fixer, "apply_fixes_once", lambda *a: ("def broken(:\n", {"LL501": 1}))
    result = fix_file(str(path), SETTINGS)
    assert result.error and "does not parse" in result.error and "left unchanged" in result.error
    assert not result.written and path.read_text() == OPTIONAL_SOURCE
    assert [d.code for d in result.result.diagnostics] == ["LL501", "LL501"]  # the original findings


def test_a_fixer_that_raises_leaves_the_file_and_is_reported(tmp_path, monkeypatch):
    path = write(tmp_path, OPTIONAL_SOURCE)

    def boom(*args):
        raise RuntimeError("fixer bug")

    monkeypatch.setattr(fixer, "apply_fixes_once", boom)
    result = fix_file(str(path), SETTINGS)
    assert result.error and "internal error in the fixer of LL501" in result.error and "fixer bug" in result.error
    assert path.read_text() == OPTIONAL_SOURCE


def test_passes_are_bounded(monkeypatch):
    counter = {"n": 0}

    def never_done(text, *args):
        counter["n"] += 1
        return text + f"\nx{counter['n']} = 1\n", {"LL501": 1}

    monkeypatch.setattr(fixer, "apply_fixes_once", never_done)
    outcome = fix_text(OPTIONAL_SOURCE, scratch_path("m.py"), SETTINGS)
    assert outcome.passes == fixer.MAX_ITERATIONS == 10
    assert outcome.warning and "did not converge" in outcome.warning


def test_libcst_parse_failure_is_a_warning(monkeypatch):
    def cannot(*args):
        raise fixer._CstCannotParse("unsupported syntax")

    monkeypatch.setattr(fixer, "apply_fixes_once", cannot)
    outcome = fix_text(OPTIONAL_SOURCE, scratch_path("m.py"), SETTINGS)
    assert outcome.text == OPTIONAL_SOURCE and outcome.warning and "libcst cannot parse" in outcome.warning


def test_noqa_finding_is_not_fixed():
    source = "from typing import Optional\n\n\ndef f(a: Optional[int], b: Optional[str]):  # noqa: LL501\n    pass\n"
    outcome = fix_text(source, scratch_path("m.py"), SETTINGS)
    assert outcome.text == source and not outcome.applied


def test_fixes_in_one_file_compose_in_one_pass():
    source = "from typing import Optional, Union\n\nx: Optional[dict[str, Union[int, str, None]]] = None\n"
    outcome = fix_text(source, scratch_path("m.py"), SETTINGS)
    assert outcome.text == "x: dict[str, int | str | None] | None = None\n"
    assert outcome.passes == 1 and outcome.applied == {"LL501": 1, "LL502": 1}


# -- import removal -----------------------------------------------------------------

def fixed(source: str, unsafe: bool = False, path: str = scratch_path("m.py")) -> str:
    outcome = fix_text(textwrap.dedent(source), path, SETTINGS, unsafe=unsafe)
    assert outcome.error is None, outcome.error
    return outcome.text


def test_import_kept_while_used_elsewhere_and_in_strings():
    assert fixed("""\
        from typing import Optional

        a: Optional[int] = None
        b: "Optional[int]" = None
        """) == 'from typing import Optional\n\na: int | None = None\nb: "Optional[int]" = None\n'
    assert fixed("""\
        from typing import Optional

        __all__ = ["Optional"]
        a: Optional[int] = None
        """).startswith("from typing import Optional\n")


def test_strings_spelling_a_name_in_a_nested_string_or_in_other_letters_keep_an_import():
    # only strings that can spell a removable name are parsed: these can, though the
    # name is not in them as it is
    for use in ("list['Opt' 'ional']", "\uff2fptional[int]"):
        assert fixed(f"""\
            from typing import Optional

            a: Optional[int] = None
            b = "{use}"
            """).startswith("from typing import Optional\n")


def test_prose_and_docstrings_do_not_keep_an_import():
    assert fixed('''\
        """Optional things."""
        from typing import Optional

        HELP = "Optional value: may be omitted."
        a: Optional[int] = None
        ''') == '"""Optional things."""\n\nHELP = "Optional value: may be omitted."\na: int | None = None\n'


def test_literal_values_do_not_keep_an_import():
    assert fixed("""\
        from typing import Literal, Optional

        mode: Literal["Mandatory", "Optional"] = "Mandatory"
        a: Optional[int] = None
        """) == 'from typing import Literal\n\nmode: Literal["Mandatory", "Optional"] = "Mandatory"\na: int | None = None\n'


def test_one_name_of_a_parenthesized_import_goes_and_comments_stay():
    assert fixed("""\
        # typing helpers
        from typing import (  # the usual
            Any,
            Optional,
        )
        import os

        a: Optional[Any] = os
        """) == "# typing helpers\nfrom typing import (  # the usual\n    Any,\n)\nimport os\n\na: Any | None = os\n"


def test_a_removed_statement_leaves_its_comments_and_an_empty_block_gets_pass():
    assert fixed("""\
        import os
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            # only for annotations
            from typing import Optional


        def f(a: "int") -> Optional[int]:
            return os
        """) == (
        "import os\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    pass\n"
        "    # only for annotations\n\n\ndef f(a: \"int\") -> int | None:\n    return os\n"
    )


def test_imports_in_try_blocks_and_module_aliases():
    source = """\
        import typing as t

        try:
            from typing import Optional
        except ImportError:
            from typing_extensions import Optional

        a: Optional[int] = None
        b: t.Optional[int] = None
        """
    assert fixed(source) == (
        "try:\n    from typing import Optional\nexcept ImportError:\n"
        "    from typing_extensions import Optional\n\na: int | None = None\nb: int | None = None\n"
    )


def test_import_inside_a_function_goes_too():
    assert fixed("""\
        def f():
            from typing import Optional
            x: Optional[int] = None
            return x
        """) == "def f():\n    x: int | None = None\n    return x\n"


def test_add_import_from():
    module = cst.parse_module('"""Doc."""\nfrom __future__ import annotations\n\nimport os\n\nX = 1\n')
    added = add_import_from(module, "fastapi", "status").code
    assert added == '"""Doc."""\nfrom __future__ import annotations\n\nimport os\nfrom fastapi import status\n\nX = 1\n'
    assert add_import_from(cst.parse_module(added), "fastapi", "status").code == added
    joined = add_import_from(cst.parse_module("from fastapi import Depends\n"), "fastapi", "status").code
    assert joined == "from fastapi import Depends, status\n"
    empty = add_import_from(cst.parse_module("X = 1\n"), "fastapi.responses", "JSONResponse").code
    assert empty == "from fastapi.responses import JSONResponse\nX = 1\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # a parenthesized list keeps its layout: one name per line, its trailing comma (or none)
        ("from fastapi import (\n    Depends,\n    Query,\n)\n", "from fastapi import (\n    Depends,\n    Query,\n    status,\n)\n"),
        ("from fastapi import (\n    Depends,\n    Query\n)\n", "from fastapi import (\n    Depends,\n    Query,\n    status\n)\n"),
        ("from fastapi import (Depends,\n                     Query)\n", "from fastapi import (Depends,\n                     Query,\n                     status)\n"),
        ("from fastapi import (Depends, Query)\n", "from fastapi import (Depends, Query, status)\n"),
        # a comment among the names would be copied with the separator: a statement of its own
        ("from fastapi import (\n    Depends,  # auth\n    Query,\n)\n", "from fastapi import (\n    Depends,  # auth\n    Query,\n)\nfrom fastapi import status\n"),
    ],
)
def test_add_import_from_joins_a_parenthesized_import(before, after):
    assert add_import_from(cst.parse_module(before), "fastapi", "status").code == after


@pytest.mark.parametrize(
    ("before", "name", "after"),
    [
        # names in isort's and ruff's default order (CONSTANTS, Classes, the rest): the new one
        # takes its place, so that an import sorter has nothing to redo
        ("from sqlalchemy.orm import DeclarativeBase, relationship\n", "Mapped",
         "from sqlalchemy.orm import DeclarativeBase, Mapped, relationship\n"),
        ("from fastapi import status\n", "HTTPException", "from fastapi import HTTPException, status\n"),
        ("from fastapi import Depends\n", "HTTP_OK", "from fastapi import HTTP_OK, Depends\n"),
        ("from sqlalchemy.orm import (\n    DeclarativeBase,\n    relationship,\n)\n", "Mapped",
         "from sqlalchemy.orm import (\n    DeclarativeBase,\n    Mapped,\n    relationship,\n)\n"),
        ("from sqlalchemy.orm import (DeclarativeBase,\n                            relationship)\n", "Mapped",
         "from sqlalchemy.orm import (DeclarativeBase,\n                            Mapped,\n                            relationship)\n"),
        # names in some other order: the new one goes last
        ("from fastapi import status, Depends\n", "Query", "from fastapi import status, Depends, Query\n"),
    ],
)
def test_add_import_from_keeps_sorted_names_sorted(before, name, after):
    module = before.split()[1]
    assert add_import_from(cst.parse_module(before), module, name).code == after


@pytest.mark.parametrize(
    ("before", "args", "after"),
    [
        # a module of the standard library: among those (`import` statements first), in order
        ("import os\nfrom typing import Any\n\nimport sqlalchemy as sa\n", ("datetime", "datetime"),
         "import os\nfrom datetime import datetime\nfrom typing import Any\n\nimport sqlalchemy as sa\n"),
        ("import os\n\nimport sqlalchemy as sa\n", ("uuid", "UUID"),
         "import os\nfrom uuid import UUID\n\nimport sqlalchemy as sa\n"),
        # ... or in a group of its own above the others (below a docstring and `__future__`)
        ('"""Doc."""\n\nimport sqlalchemy as sa\n', ("datetime", "datetime"),
         '"""Doc."""\n\nfrom datetime import datetime\n\nimport sqlalchemy as sa\n'),
        ("from __future__ import annotations\n\nimport sqlalchemy as sa\nX = 1\n", ("decimal", "Decimal"),
         "from __future__ import annotations\n\nfrom decimal import Decimal\n\nimport sqlalchemy as sa\nX = 1\n"),
        # a renamed name: a statement of its own, right after the module's other one
        ("from fastapi import APIRouter\nfrom pydantic import BaseModel\n", ("fastapi", "status", "http_status"),
         "from fastapi import APIRouter\nfrom fastapi import status as http_status\nfrom pydantic import BaseModel\n"),
    ],
)
def test_add_import_from_near_places_a_new_statement_as_an_import_sorter_would(before, args, after):
    assert add_import_from(cst.parse_module(before), *args, near=True).code == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # among the third-party imports (`import` statements first)
        ("import os\n\nimport sqlalchemy as sa\nfrom starlette import x\n\nfrom app import y\n",
         "import os\n\nimport sqlalchemy as sa\nfrom fastapi import status\nfrom starlette import x\n\nfrom app import y\n"),
        # none: a group of its own above the project's imports (relative ones too) ...
        ("import uuid\n\nfrom app.log import log_error\n",
         "import uuid\n\nfrom fastapi import status\n\nfrom app.log import log_error\n"),
        ("import os\n\nfrom . import x\n", "import os\n\nfrom fastapi import status\n\nfrom . import x\n"),
        # ... or below the standard library's
        ("import os\nX = 1\n", "import os\n\nfrom fastapi import status\nX = 1\n"),
    ],
)
def test_add_import_from_near_places_a_third_party_module_among_those(before, after):
    added = add_import_from(
        cst.parse_module(before), "fastapi", "status", near=True, first_party=lambda module: module.startswith("app")
    )
    assert added.code == after


@pytest.mark.parametrize("name", ["__init__.py", "models.py"])
def test_removal_also_in_package_init(tmp_path, name):
    path = write(tmp_path, OPTIONAL_SOURCE, name)
    fix_file(str(path), SETTINGS)
    assert "import Optional" not in path.read_text()


def test_fixing_prints_no_compiler_warnings_about_the_code(tmp_path):
    # the fixer parses the file, and string constants that might be code ("2or more" is
    # `2 or more` with a SyntaxWarning); an invalid escape warns too: none of it is ours
    import warnings

    source = textwrap.dedent('''\
        from typing import Optional

        PATTERN = "\\d+ items"
        HINT = "2or more"


        def pick(limit: Optional[int]) -> str:
            return HINT
    ''')
    path = tmp_path / "app" / "module.py"
    path.parent.mkdir(parents=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcome = fix_text(source, str(path), Settings())
    assert "limit: int | None" in outcome.text
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("from sqlalchemy import Column  # noqa: F401\n", True),
        ("from sqlalchemy import Column  # noqa\n", True),
        ("from sqlalchemy import Column  #noqa:F401,E501\n", True),
        ("from sqlalchemy import Column  # noqa: E501, F\n", True),
        ("from sqlalchemy import Column  # NOQA: f401\n", True),
        ("from sqlalchemy import (  # noqa: F401\n    Column,\n    String,\n)\n", True),
        ("from sqlalchemy import Column  # noqa: E501\n", False),
        ("from sqlalchemy import Column  # not a noqa\n", False),
        ("from sqlalchemy import Column\n", False),
    ],
)
def test_a_noqa_covering_f401_keeps_an_import_line(line, kept):
    from layerlint.fixes.imports import _silences_unused_import

    statement = cst.parse_module(line).body[0]
    assert _silences_unused_import(statement) is kept
