"""Build ``a.b.c`` as libcst nodes without parsing (``cst.parse_expression`` costs a
parse per fix; a file can have hundreds of status codes or columns)."""

from __future__ import annotations

from functools import lru_cache

import libcst as cst


@lru_cache(maxsize=1024)
def dotted_expression(text: str) -> cst.Name | cst.Attribute:
    """``status.HTTP_404_NOT_FOUND`` -> Attribute(Name("status"), Name("HTTP_404_NOT_FOUND"))."""
    first, *rest = text.split(".")
    node: cst.Name | cst.Attribute = cst.Name(first)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node
