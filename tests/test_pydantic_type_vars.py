"""LL203 on receivers typed by a type variable bound to a model: the safety of their fix,
and the type parameters of Python 3.12 (``def f[T: M]``), which only parse there."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.engine import lint_source
from layerlint.fixer import fix_text
from layerlint.project import settings_for


@pytest.fixture
def service_path(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "t"\nrequires-python = ">=3.10"\ndependencies = ["pydantic>=2"]\n')
    target = tmp_path / "app" / "services" / "orders.py"
    target.parent.mkdir(parents=True)
    schemas = tmp_path / "app" / "schemas"
    schemas.mkdir()
    # (a schemas module is read: a class of one whose file is missing is not presumed a model)
    (schemas / "order.py").write_text(
        "from pydantic import BaseModel\n\n\nclass OrderIn(BaseModel):\n    pass\n\n\nclass OrderOut(BaseModel):\n    pass\n"
    )
    return target


def _marks(source: str, path: Path) -> list[tuple[int, str | None]]:
    result = lint_source(textwrap.dedent(source), str(path), settings_for(path))
    assert not result.errors
    return [(d.line, d.fix) for d in result.diagnostics if d.code == "LL203"]


MODULE_TYPE_VAR = '''\
    from typing import TypeVar

    from app.schemas.order import OrderIn

    OrderT = TypeVar("OrderT", bound=OrderIn)


    def by_bound(order: OrderT) -> dict:
        return order.dict()


    def by_class(order: OrderIn) -> dict:
        return order.dict()
    '''


def test_a_type_variable_receiver_gets_an_unsafe_fix(service_path):
    # a subclass of the bound may define its own dict(), which v2 still calls and model_dump() skips
    assert _marks(MODULE_TYPE_VAR, service_path) == [(9, FIX_UNSAFE), (13, FIX_SAFE)]
    out = fix_text(textwrap.dedent(MODULE_TYPE_VAR), str(service_path), settings_for(service_path), unsafe=True)
    assert out.error is None
    assert out.text.count("return order.model_dump()") == 2


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameter syntax parses from Python 3.12")
def test_type_parameters_of_functions_and_classes(service_path):
    source = '''\
        from app.schemas.order import OrderIn, OrderOut


        def by_bound[T: OrderIn](order: T) -> dict:
            return order.dict()


        def by_constraints[T: (OrderIn, OrderOut)](order: T) -> str:
            return order.json()


        def quoted[T: "OrderIn"](order: T) -> dict:
            return order.dict()


        class Repository[M: OrderIn]:
            def save(self, order: M) -> dict:
                return order.dict()

            def shadowed[M](self, order: M) -> dict:
                return order.dict()  # M is the method's own, unbound


        def unbound[T](order: T) -> dict:
            return order.dict()


        def mixed[T: (OrderIn, dict)](order: T) -> dict:
            return order.copy()


        def spec[**P](order: P) -> dict:
            return order.dict()
        '''
    assert _marks(source, service_path) == [(5, FIX_UNSAFE), (9, FIX_UNSAFE), (13, FIX_UNSAFE), (18, FIX_UNSAFE)]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameter syntax parses from Python 3.12")
def test_a_type_parameter_shadows_the_module_type_variable(service_path):
    source = '''\
        from typing import TypeVar

        from app.schemas.order import OrderIn

        T = TypeVar("T", bound=OrderIn)


        def by_module(order: T) -> dict:
            return order.dict()


        def by_parameter[T](order: T) -> dict:
            return order.dict()
        '''
    assert _marks(source, service_path) == [(9, FIX_UNSAFE)]
