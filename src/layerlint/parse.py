"""``ast.parse`` without the compiler's warnings.

Parsing someone else's code (a linted file, another project module, a string
annotation, a string constant that might be code) makes CPython warn about what
it finds there (``SyntaxWarning: invalid escape sequence``, ``invalid decimal
literal``): the compiler's business, not the linter's, and noise on stderr.
"""

from __future__ import annotations

import ast
import warnings


def parse_quietly(source: str | bytes, filename: str = "<unknown>", mode: str = "exec") -> ast.AST:
    """``ast.parse(source, filename, mode)`` with warnings silenced; raises as it does."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, filename=filename, mode=mode)
