"""LL302/LL303/LL304/LL306 fixes keep the database schema: the module is executed with
SQLAlchemy before and after fixing, and its tables (CREATE TABLE for PostgreSQL),
mapped attributes and session factories compared."""

from __future__ import annotations

import importlib.util
import itertools
import sys
import textwrap
import types
from pathlib import Path

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy")

from sqlalchemy.dialects import postgresql  # noqa: E402
from sqlalchemy.schema import CreateTable  # noqa: E402

from harness import FIXTURES, scratch_path  # noqa: E402
from layerlint.config import Settings  # noqa: E402
from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE  # noqa: E402
from layerlint.engine import lint_source  # noqa: E402
from layerlint.fixer import fix_text  # noqa: E402


_RUNS = itertools.count()


def run(source: str, name: str) -> dict[str, object]:
    """Execute a module (registered in sys.modules: SQLAlchemy resolves annotations there)."""
    name = f"layerlint_fix_test_{name}_{next(_RUNS)}"
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        exec(compile(source, f"<{name}>", "exec"), module.__dict__)  # noqa: S102 - test code
    finally:
        del sys.modules[name]
    return module.__dict__


def schema(namespace: dict[str, object]) -> dict[str, object]:
    """Every mapped class: its table's DDL, its mapped column attributes, its __init__ fields."""
    out: dict[str, object] = {}
    for name, obj in sorted(namespace.items()):
        if not isinstance(obj, type) or getattr(obj, "__table__", None) is None:
            continue
        mapper = sqlalchemy.inspect(obj)
        try:
            ddl = str(CreateTable(obj.__table__).compile(dialect=postgresql.dialect())).strip()
        except sqlalchemy.exc.CompileError:  # a NullType column (a Column without a type)
            ddl = None
        nullable = sorted((c.name, c.nullable, repr(c.type)) for c in obj.__table__.columns)
        attrs = sorted((p.key, tuple(c.name for c in p.columns)) for p in mapper.column_attrs)
        out[name] = (ddl, nullable, attrs)
    return out


def fixed(source: str, tmp_path: Path, unsafe: bool = True) -> str:
    path = tmp_path / "app" / "models" / "m.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    outcome = fix_text(source, str(path), Settings(), unsafe=unsafe)
    assert outcome.error is None and outcome.warning is None, outcome.error or outcome.warning
    return outcome.text


def fixes(source: str, code: str) -> list[tuple[int, str | None]]:
    result = lint_source(source, scratch_path("app/models/m.py"), Settings())
    return [(d.line, d.fix) for d in result.diagnostics if d.code == code]


COLUMNS = textwrap.dedent('''\
    import enum
    import uuid
    from datetime import datetime
    from decimal import Decimal

    import sqlalchemy as sa
    from sqlalchemy import Column, ForeignKey, Identity, Integer, Numeric, Sequence, String, Uuid, func, text
    from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, relationship


    class Base(DeclarativeBase):
        pass


    class Color(enum.Enum):
        RED = "red"


    class AuditMixin:
        created_at = Column(sa.DateTime(timezone=True), server_default=func.now(), nullable=False)
        updated_at = Column(sa.DateTime(timezone=True), onupdate=func.now())


    class Owner(AuditMixin, Base):
        __tablename__ = "owners"

        id = Column(Integer, Identity(start=10), primary_key=True)
        public_id: Mapped[uuid.UUID] = Column(Uuid, default=uuid.uuid4, nullable=False, unique=True)
        name = Column("owner_name", String(80), index=True, comment="display name")
        color: Mapped[Color | None] = Column(sa.Enum(Color, name="color"))
        balance: Mapped[Decimal] = Column(Numeric(10, 2), nullable=False, server_default=text("0"))
        seq = Column(Integer, Sequence("owner_seq"))
        kind = Column(type_=String(10), default="person")
        seen: Mapped[datetime | None] = Column(sa.DateTime)


    class Pet(Base):
        __tablename__ = "pets"

        id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
        owner_id = Column(ForeignKey("owners.id", ondelete="CASCADE"), nullable=False)
        parent_id: Mapped[int | None] = Column(ForeignKey("pets.id"))
        label = Column(String(20), key="label_key")
        owner = relationship(Owner)
        parent = relationship("Pet", remote_side=[id])

        __table_args__ = (sa.UniqueConstraint(owner_id, label), sa.Index("ix_pets_label", label.desc()))
''')


def test_column_fixes_keep_the_schema(tmp_path):
    marked = fixes(COLUMNS, "LL302")
    assert len(marked) == 14 and all(fix == FIX_SAFE for _, fix in marked), marked
    after = fixed(COLUMNS, tmp_path)
    assert "Column(" not in after and after.count("mapped_column(") == 14
    # LL303's fix annotates in the next pass what LL302's left without an annotation
    assert "    id: Mapped[int] = mapped_column(Integer, Identity(start=10), primary_key=True)\n" in after
    assert '    name: Mapped[str | None] = mapped_column("owner_name", String(80),' in after
    assert "from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship" in after
    assert schema(run(COLUMNS, "before")) == schema(run(after, "after"))


def test_unsafe_column_fixes_keep_the_schema_of_plain_models(tmp_path):
    # the base comes from elsewhere (here: a dataclass-free DeclarativeBase): unsafe, same schema
    # (`mapped_column` imported: the module runs SQLAlchemy 2, which no dependency file says here)
    source = textwrap.dedent('''\
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import Mapped, mapped_column

        from app.models.base import Base


        class Item(Base):
            __tablename__ = "items"

            id: Mapped[int] = Column(Integer, primary_key=True)
            title: Mapped[str | None] = Column(String(30))
            note = Column(String(30))
    ''')
    assert fixes(source, "LL302") == [(10, FIX_UNSAFE), (11, FIX_UNSAFE), (12, FIX_SAFE)]
    after = fixed(source, tmp_path)
    prelude = "from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase):\n    pass\n"
    strip = "from app.models.base import Base\n"
    assert schema(run(prelude + source.replace(strip, ""), "before")) == schema(
        run(prelude + after.replace(strip, ""), "after")
    )


def test_withheld_column_fixes_would_have_changed_the_schema(tmp_path):
    # what the rule refuses to fix really does change: nullability read from the annotation
    source = textwrap.dedent('''\
        from sqlalchemy import Column, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class Note(Base):
            __tablename__ = "notes"

            body: Mapped[str] = Column(String, primary_key=True)
            title: Mapped[str] = Column(String(30))
    ''')
    assert fixes(source, "LL302") == [(12, FIX_SAFE), (13, None)]
    forced = source.replace("title: Mapped[str] = Column(", "title: Mapped[str] = mapped_column(")
    assert schema(run(source, "before")) != schema(run(forced, "forced"))


def test_identity_columns_keep_not_null(tmp_path):
    # an Identity() makes a column NOT NULL unless `nullable=` says otherwise, as a primary key
    # does: LL303 annotates it without `| None`, LL302 keeps no `Mapped[X | None]` on one
    source = textwrap.dedent('''\
        from sqlalchemy import Column, Identity, Integer
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        def ident():
            return Identity(start=10)


        class Counter(Base):
            __tablename__ = "counters"

            id = mapped_column(Integer, primary_key=True)
            seq = mapped_column(Integer, Identity(start=5))
            ticket: Mapped[int | None] = Column(Integer, Identity())
            step: Mapped[int] = Column(Integer, Identity())
            loose = mapped_column(Integer, Identity(), nullable=True)
            made = mapped_column(Integer, ident())
            made_too: Mapped[int | None] = Column(Integer, ident())
    ''')
    # (an Identity() a helper builds is not seen: the nullability is not known, no fix)
    assert fixes(source, "LL302") == [(18, None), (19, FIX_SAFE), (22, None)]
    assert fixes(source, "LL303") == [(16, FIX_SAFE), (17, FIX_SAFE), (20, FIX_SAFE), (21, None)]
    after = fixed(source, tmp_path)
    assert "    seq: Mapped[int] = mapped_column(Integer, Identity(start=5))\n" in after
    assert "    loose: Mapped[int | None] = mapped_column(Integer, Identity(), nullable=True)\n" in after
    assert schema(run(source, "before")) == schema(run(after, "after"))
    forced = source.replace("ticket: Mapped[int | None] = Column(", "ticket: Mapped[int | None] = mapped_column(")
    assert schema(run(source, "before")) != schema(run(forced, "forced"))


def test_columns_of_a_dataclass_composite_keep_their_column(tmp_path):
    # composite() of a dataclass gives a mapped_column without `nullable=` the nullability of
    # the dataclass's field (`x: int`: NOT NULL), where a Column stays nullable: no fix
    source = textwrap.dedent('''\
        import dataclasses

        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import DeclarativeBase, composite


        class Base(DeclarativeBase):
            pass


        @dataclasses.dataclass
        class Point:
            x: int
            y: int


        class Shape(Base):
            __tablename__ = "shapes"

            id = Column(Integer, primary_key=True)
            x = Column(Integer)
            y = Column(Integer)
            pt = composite(Point, x, y)
    ''')
    assert fixes(source, "LL302") == [(20, FIX_SAFE), (21, None), (22, None)]
    after = fixed(source, tmp_path)
    assert schema(run(source, "before")) == schema(run(after, "after"))
    forced = tmp_path / "forced_composite.py"  # (imported from a file: the composite reads its module)
    forced.write_text(after.replace("x = Column(", "x = mapped_column("), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("layerlint_forced_composite", forced)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    assert schema(run(source, "before")) != schema(vars(module))


def test_column_handed_to_a_helper_keeps_its_column(tmp_path):
    # a helper called in the class body may need the Column itself (`.key`): no fix for it
    source = textwrap.dedent('''\
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass


        def upper_of(col):
            return property(lambda obj: getattr(obj, col.key).upper())


        class Tag(Base):
            __tablename__ = "tags"

            id = sa.Column(sa.Integer, primary_key=True)
            label = sa.Column(sa.String(40))
            upper_label = upper_of(label)
    ''')
    assert fixes(source, "LL302") == [(16, FIX_SAFE), (17, None)]
    after = fixed(source, tmp_path)
    assert run(after, "after")["Tag"](label="hi").upper_label == "HI"
    forced = after.replace("label = sa.Column(", "label = mapped_column(")
    with pytest.raises(AttributeError, match="key"):
        run(forced, "forced")["Tag"](label="hi").upper_label


def test_annotated_column_fix_reads_the_base_bound_in_its_own_function():
    # `Base` is a parameter in one function and a local declarative_base() in another: the
    # parameter's class may carry a dataclass mapping (unsafe), the local base does not (safe)
    source = textwrap.dedent('''\
        import sqlalchemy as sa
        from sqlalchemy.orm import Mapped, declarative_base, mapped_column


        def build_profile(Base):
            class Profile(Base):
                __tablename__ = "profiles"

                handle: Mapped[str] = sa.Column(sa.String(40), nullable=False)

            return Profile


        def build_scratch():
            Base = declarative_base()

            class Scratch(Base):
                __tablename__ = "scratch"

                handle: Mapped[str] = sa.Column(sa.String(40), nullable=False)

            return Scratch
    ''')
    assert fixes(source, "LL302") == [(9, FIX_UNSAFE), (20, FIX_SAFE)]


def test_mapped_annotation_fix_is_safe_without_a_dataclass_mapping():
    source = textwrap.dedent('''\
        from sqlalchemy import Integer, String
        from sqlalchemy.orm import DeclarativeBase, mapped_column


        class Base(DeclarativeBase):
            pass


        class Item(Base):
            __tablename__ = "items"

            id = mapped_column(Integer, primary_key=True)
            title = mapped_column(String(30))
    ''')
    assert fixes(source, "LL303") == [(12, FIX_SAFE), (13, FIX_SAFE)]
    dataclass_base = source.replace("class Base(DeclarativeBase):", "class Base(MappedAsDataclass, DeclarativeBase):")
    dataclass_base = dataclass_base.replace("import DeclarativeBase,", "import DeclarativeBase, MappedAsDataclass,")
    assert fixes(dataclass_base, "LL303") == [(12, FIX_UNSAFE), (13, FIX_UNSAFE)]


def test_fixes_under_a_declarative_metaclass_base_are_safe_and_keep_the_schema(tmp_path):
    # `class Base(metaclass=DeclarativeMeta)` is a declarative base of the module, known as a
    # DeclarativeBase subclass is: no dataclass mapping, no column of its own
    source = textwrap.dedent('''\
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import DeclarativeMeta, Mapped, mapped_column, registry

        shelf_registry = registry()


        class Base(metaclass=DeclarativeMeta):
            __abstract__ = True
            registry = shelf_registry
            metadata = shelf_registry.metadata
            __init__ = shelf_registry.constructor


        class Shelf(Base):
            __tablename__ = "shelves"

            id = mapped_column(Integer, primary_key=True)
            label: Mapped[str] = Column(String(30), nullable=False)
    ''')
    assert fixes(source, "LL303") == [(17, FIX_SAFE)]
    assert fixes(source, "LL302") == [(18, FIX_SAFE)]
    after = fixed(source, tmp_path, unsafe=False)
    assert "    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n" in after
    assert "    label: Mapped[str] = mapped_column(String(30), nullable=False)\n" in after
    assert schema(run(source, "before")) == schema(run(after, "after"))


PRE_310_MODEL = textwrap.dedent('''\
    from __future__ import annotations

    import typing as t

    from sqlalchemy import Integer, String
    from sqlalchemy.orm import DeclarativeBase, mapped_column


    class Base(DeclarativeBase):
        pass


    class Item(Base):
        __tablename__ = "items"

        id = mapped_column(Integer, primary_key=True)
        title = mapped_column(String(30))
        code = mapped_column(String(8), nullable=False)
''')


@pytest.mark.parametrize(
    ("source", "title"),
    [
        (PRE_310_MODEL, "title: Mapped[t.Optional[str]]"),
        (PRE_310_MODEL.replace("import typing as t\n", "import enum\n"), "title: Mapped[Optional[str]]"),
    ],
)
def test_below_a_310_target_a_nullable_column_is_annotated_optional(source, title, tmp_path):
    # SQLAlchemy evaluates the annotation when the class is mapped (a string too, under the
    # __future__ import): `str | None` would fail there on 3.8/3.9; a non-nullable column
    # needs no union at all
    path = tmp_path / "app" / "models" / "m.py"
    path.parent.mkdir(parents=True)
    outcome = fix_text(source, str(path), Settings(target_version=(3, 9)), unsafe=False)
    assert outcome.error is None, outcome.error
    after = outcome.text
    assert "    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n" in after
    assert f"    {title} = mapped_column(String(30))\n" in after
    assert "    code: Mapped[str] = mapped_column(String(8), nullable=False)\n" in after
    assert " | None" not in after
    assert schema(run(source, "before")) == schema(run(after, "after"))


def test_mapped_annotation_under_a_dataclass_mapping_changes_the_constructor(tmp_path):
    # why the fix is unsafe there: the annotated attribute becomes an __init__ argument
    source = textwrap.dedent('''\
        from sqlalchemy import Integer, String
        from sqlalchemy.orm import DeclarativeBase, MappedAsDataclass, mapped_column


        class Base(MappedAsDataclass, DeclarativeBase):
            pass


        class Item(Base):
            __tablename__ = "items"

            id = mapped_column(Integer, primary_key=True)
            title = mapped_column(String(30))
    ''')
    after = fixed(source, tmp_path)
    assert "title: Mapped[str | None] = mapped_column(String(30))" in after
    run(source, "before")["Item"]()
    with pytest.raises(TypeError):
        run(after, "after")["Item"]()


@pytest.mark.parametrize(
    "name", ["LL302_annotated", "LL302_orm_module", "LL303_annotate", "LL304_attributes"]
)
def test_fixture_pairs_define_the_same_schema(name):
    folder = FIXTURES / "sqlalchemy"
    before = (folder / f"{name}.py").read_text(encoding="utf-8")
    after = (folder / f"{name}.fixed.py").read_text(encoding="utf-8")
    assert before != after
    before_ns, after_ns = run(before, "before"), run(after, "after")
    assert schema(before_ns) == schema(after_ns)
    for base in ("Base", "ReportBase"):
        if base in before_ns:
            old, new = before_ns[base].metadata, after_ns[base].metadata
            assert (old.schema, dict(old.naming_convention)) == (new.schema, dict(new.naming_convention))


def test_declarative_base_fix_keeps_tables_and_constructor(tmp_path):
    source = textwrap.dedent('''\
        import datetime

        from sqlalchemy import Column, DateTime, Integer, MetaData, String
        from sqlalchemy.orm import Mapped, declarative_base

        Base = declarative_base(
            metadata=MetaData(naming_convention={"ix": "ix_%(column_0_label)s"}),
            type_annotation_map={datetime.datetime: DateTime(timezone=True)},
        )


        class Event(Base):
            __tablename__ = "events"

            id = Column(Integer, primary_key=True)
            title = Column(String(50), index=True)
            at: Mapped[datetime.datetime]
    ''')
    assert fixes(source, "LL304") == [(6, FIX_UNSAFE)]
    after = fixed(source, tmp_path)
    assert "class Base(DeclarativeBase):" in after and "declarative_base" not in after
    before_ns, after_ns = run(source, "before"), run(after, "after")
    assert schema(before_ns) == schema(after_ns)
    for ns in (before_ns, after_ns):
        event = ns["Event"](title="x")
        assert event.title == "x" and event.id is None
    # what makes it unsafe: the models' metaclass
    from sqlalchemy.orm import DeclarativeMeta

    assert isinstance(before_ns["Event"], DeclarativeMeta) and not isinstance(after_ns["Event"], DeclarativeMeta)


def test_expire_on_commit_fix_sets_the_factory_option(tmp_path):
    pytest.importorskip("sqlalchemy.ext.asyncio")
    source = textwrap.dedent('''\
        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
        from sqlalchemy.orm import sessionmaker

        engine = None  # an AsyncEngine in real code
        factory = async_sessionmaker(engine)
        legacy = sessionmaker(engine, class_=AsyncSession, expire_on_commit=True)
    ''')
    assert fixes(source, "LL306") == [(5, FIX_UNSAFE), (6, FIX_UNSAFE)]
    assert fixed(source, tmp_path, unsafe=False) == source  # unsafe: not applied by --fix alone
    before, after = run(source, "before"), run(fixed(source, tmp_path), "after")
    assert before["factory"].kw["expire_on_commit"] is True and before["legacy"].kw["expire_on_commit"] is True
    assert after["factory"].kw["expire_on_commit"] is False and after["legacy"].kw["expire_on_commit"] is False


def test_declarative_base_fix_is_unsafe_for_init_subclass_overrides():
    # documented in LL304's Fix safety: a model overriding __init_subclass__ without super()
    from sqlalchemy import Column, ForeignKey, Integer
    from sqlalchemy.orm import DeclarativeBase, declarative_base

    class Modern(DeclarativeBase):
        pass

    def subclass_mapped(base) -> bool:
        class Parent(base):
            __tablename__ = "parents"
            id = Column(Integer, primary_key=True)

            def __init_subclass__(cls, **kw):
                pass

        class Child(Parent):
            __tablename__ = "children"
            id = Column(Integer, ForeignKey("parents.id"), primary_key=True)

        return "__mapper__" in vars(Child) or getattr(Child, "__mapper__", None) is not Parent.__mapper__

    assert subclass_mapped(declarative_base()) and not subclass_mapped(Modern)


def test_no_declarative_base_fix_where_a_class_lists_generic_before_the_base(tmp_path):
    # `class Page(Generic[T], Base)`: fine on declarative_base(), no consistent MRO on a
    # DeclarativeBase subclass (which derives from Generic itself)
    source = textwrap.dedent('''\
        from typing import Generic, TypeVar

        from sqlalchemy.orm import declarative_base

        T = TypeVar("T")
        Base = declarative_base()


        class Page(Generic[T], Base):
            __abstract__ = True
    ''')
    assert fixes(source, "LL304") == [(6, None)]
    run(source, "before")
    forced = source.replace("from sqlalchemy.orm import declarative_base", "from sqlalchemy.orm import DeclarativeBase")
    forced = forced.replace("Base = declarative_base()", "class Base(DeclarativeBase):\n    pass")
    with pytest.raises(TypeError, match="consistent method resolution"):
        run(forced, "forced")
    assert fixes(source.replace("Generic[T], Base", "Base, Generic[T]"), "LL304") == [(6, FIX_UNSAFE)]
    # (through a name bound to the base, or a class of the module deriving from it)
    alias = source.replace("Generic[T], Base", "Generic[T], Model").replace(
        "Base = declarative_base()", "Base = declarative_base()\nModel = Base"
    )
    assert fixes(alias, "LL304") == [(6, None)]
    abstract = "class Abstract(Base):\n    __abstract__ = True\n\n\nclass Page(Generic[T], Abstract)"
    sub = source.replace("class Page(Generic[T], Base)", abstract)
    assert fixes(sub, "LL304") == [(6, None)]
    # (a name bound to Generic itself)
    bound = source.replace("class Page(Generic[T], Base)", "Paged = Generic[T]\n\n\nclass Page(Paged, Base)")
    assert fixes(bound, "LL304") == [(6, None)]
    forced_bound = forced.replace("class Page(Generic[T], Base)", "Paged = Generic[T]\n\n\nclass Page(Paged, Base)")
    with pytest.raises(TypeError, match="consistent method resolution"):
        run(forced_bound, "forced_bound")
    for binding in ("Paged: Any = Generic[T]", "Paged, n = Generic[T], 1", "if T:\n    Paged = Generic[T]",
                    "P = Generic[T]\nPaged = P", "G = Generic\nPaged = G[T]"):
        spelled = source.replace("class Page(Generic[T], Base)", f"{binding}\n\n\nclass Page(Paged, Base)")
        assert fixes(spelled, "LL304") == [(6, None)], binding
    assert fixes(source.replace("class Page(Generic[T], Base)", "G = Generic\n\n\nclass Page(G[T], Base)"), "LL304") == [
        (6, None)
    ]
    other = source.replace("class Page(Generic[T], Base)", "Paged = dict\n\n\nclass Page(Paged, Base)")
    assert fixes(other, "LL304") == [(6, FIX_UNSAFE)]


def test_no_fix_writing_the_2_0_api_where_the_module_calls_select_with_a_list():
    # `select([Task])`, the 1.x form 2.0 removed: the module runs on 1.x only, where
    # `mapped_column` and `DeclarativeBase` do not exist (celery-sqlalchemy-scheduler)
    source = textwrap.dedent('''\
        import sqlalchemy as sa
        from sqlalchemy import Column, Integer, select
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()


        class Task(Base):
            __tablename__ = "tasks"
            id = Column(Integer, primary_key=True)


        def changed(session):
            return session.execute(select([Task])).all()
    ''')
    assert fixes(source, "LL302") == [(10, None)] and fixes(source, "LL304") == [(5, None)]
    for legacy in ("sa.select([Task.id])", "sa.sql.select([Task])", "select([c for c in Task.__table__.c])",
                   "select((Task.id, Task.name))", "select(columns=[Task.id])", "sa.case([(Task.id > 1, 1)])",
                   "select(c for c in [Task.id])", "select(Task).with_only_columns([Task.id])", "sa.exists([Task.id])",
                   "select(sa.case(whens=[(Task.id > 1, 1)], else_=0))",
                   # other forms 2.0 removed: DML keywords or a second positional, bound metadata,
                   # autoload=, autocommit=True, convert_unicode= (pypicloud)
                   "sa.update(Task.__table__, values={'id': 1})", "sa.sql.delete(Task.__table__, Task.id == 1)",
                   "sa.insert(Task.__table__, inline=True)", "sa.MetaData(bind=session.bind)",
                   "sa.Table('t', sa.MetaData(), autoload=True)", "sa.orm.sessionmaker(autocommit=True)",
                   "declarative_base(bind=session.bind)", "sa.String(255, convert_unicode=True)",
                   "Column(sa.Unicode(convert_unicode=True))",
                   # names and methods 2.0 removed (review 57: OpenStack's older releases)
                   "sa.orm.relation('Task')", "sa.orm.mapper(Task, Task.__table__)",
                   "session.begin(subtransactions=True)", "session.query(Task).with_lockmode('update')",
                   "Task.__table__.update(Task.id == 1)", "Task.__table__.insert(values={'id': 1})"):
        assert fixes(source.replace("select([Task])", legacy), "LL302") == [(10, None)], legacy
    modern = source.replace("select([Task])", "select(Task)")
    assert fixes(modern, "LL302") == [(10, FIX_UNSAFE)] and fixes(modern, "LL304") == [(5, FIX_UNSAFE)]
    # an import of a name 2.0 removed; a table of the module updated with a whereclause
    removed = modern.replace("import declarative_base", "import declarative_base, eagerload")
    assert fixes(removed, "LL302") == [(10, None)]
    table = modern.replace("def changed(session):", "tasks = sa.Table('t', Base.metadata)\n\n\ndef changed(session):")
    assert fixes(table.replace("select(Task)", "tasks.update(tasks.c.id == 1)"), "LL302") == [(10, None)]
    assert fixes(table.replace("select(Task)", "tasks.update().values(id=1)"), "LL302") == [(10, FIX_UNSAFE)]
    annotated = table.replace("tasks = sa.Table(", "tasks: sa.Table = sa.Table(")
    assert fixes(annotated.replace("select(Task)", "tasks.delete(tasks.c.id < 10)"), "LL302") == [(10, None)]
    # (a function's own `tasks`, another object, is no table: review 59; only there: review 61)
    shadowed = table.replace("select(Task)", "[tasks := set(), tasks.update({1})]")
    assert fixes(shadowed, "LL302") == [(10, FIX_UNSAFE)]
    size = "\n\ndef size(tasks):\n    return len(tasks)\n"
    elsewhere = table.replace("select(Task)", "tasks.update(tasks.c.id == 1)") + size
    assert fixes(elsewhere, "LL302") == [(10, None)]
    engine = modern.replace(
        "def changed(session):", "engine = sa.create_engine('sqlite://')\n\n\ndef changed(session):"
    )
    assert fixes(engine.replace("select(Task)", "engine.execute('select 1')"), "LL302") == [(10, None)]
    configured = engine.replace("sa.create_engine('sqlite://')", "sa.engine_from_config({}, prefix='db.')")
    assert fixes(configured.replace("select(Task)", "engine.execute('select 1')"), "LL302") == [(10, None)]
    # (review 62: a binding in a scope within does not hide the outer use; a comprehension's
    # first iterable is read around it)
    nested = "engine.scalar('select 1')\n    def fresh(url):\n        engine = None\n        return engine"
    assert fixes(engine.replace("return session.execute(select(Task)).all()", nested), "LL302") == [(10, None)]
    listed = "[engine for engine in engine.table_names()]"
    assert fixes(engine.replace("select(Task)", listed), "LL302") == [(10, None)]
    # (review 63: a method reads the module's engine, not its class's attribute of that name)
    inspector = (
        "\n\nclass Inspector:\n    engine = None\n\n    def tables(self):\n        return engine.table_names()\n"
    )
    assert fixes(engine + inspector, "LL302") == [(10, None)]
    for removed in ("lazyload_all", "selectinload_all"):
        assert fixes(modern.replace("import declarative_base", f"import declarative_base, {removed}"), "LL302") == [
            (10, None)
        ]
    assert fixes(modern.replace("select(Task)", "session.query(Task).select_entity_from(x)"), "LL302") == [(10, None)]
    assert fixes(modern.replace("select(Task)", "session.query(Task).from_self()"), "LL302") == [(10, None)]
    assert fixes(modern.replace("import declarative_base", "import declarative_base, joinedload_all"), "LL302") == [
        (10, None)
    ]
    # a name only 2.0 has (networking-sfc): the module runs 2.x, which no dependency file says here
    keyed = "import sqlalchemy as sa\nfrom sqlalchemy.orm.collections import attribute_keyed_dict\n"
    assert fixes(modern.replace("import sqlalchemy as sa\n", keyed), "LL302") == [(11, FIX_SAFE)]
    # (2.0's own `case((cond, value), else_=...)` takes tuples; another library's select a list)
    assert fixes(modern.replace("select(Task)", "select(sa.case((Task.id > 1, 1), else_=0))"), "LL302") == [
        (10, FIX_UNSAFE)
    ]
    # 2.0's own forms of the same calls
    for current in ("sa.update(Task.__table__).values(id=1)", "sa.delete(Task.__table__)",
                    "sa.Table('t', sa.MetaData(), autoload_with=session.bind)",
                    "sa.orm.sessionmaker(autocommit=False, autoflush=False)", "sa.MetaData(schema='app')",
                    "sa.orm.relationship('Task')", "Task.__table__.update().where(Task.id == 1)",
                    "session.begin(nested=True)", "{}.update({'id': 1})"):
        assert fixes(modern.replace("select(Task)", current), "LL302") == [(10, FIX_UNSAFE)], current
    other = modern.replace("select(Task)", "ui.select([1, 2])").replace("import sqlalchemy as sa", "import ui")
    assert fixes(other, "LL302") == [(10, FIX_UNSAFE)]


def test_no_column_fix_where_the_module_guards_an_import_from_sqlalchemy():
    # a placeholder for a name SQLAlchemy 1.4 lacks: the module keeps 1.4 working, and a
    # new top-level `from sqlalchemy.orm import mapped_column` would fail there
    source = textwrap.dedent('''\
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import DeclarativeBase

        try:
            from sqlalchemy.ext.asyncio import async_sessionmaker
        except ImportError:
            async_sessionmaker = None


        class Base(DeclarativeBase):
            pass


        class Entry(Base):
            __tablename__ = "entries"

            id = Column(Integer, primary_key=True)
    ''')
    assert fixes(source, "LL302") == [(17, None)]
    assert fixes(source.replace("ImportError", "KeyError"), "LL302") == [(17, FIX_SAFE)]
