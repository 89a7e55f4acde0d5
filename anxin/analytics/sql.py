"""Small SQL helpers of the analytics writers: a queryset written with one ``INSERT … SELECT``
(no Python row objects), and the expressions SQLite and PostgreSQL spell differently.

``insert_select`` takes a ``values(…).annotate(…)`` queryset whose selected names are the
target model's field names (annotations may carry a prefix, since an annotation cannot reuse a
field name of the model it is computed over) and sends ``INSERT INTO <table> (<columns>)
<the compiled SELECT>``: the column list is read from the compiled SELECT itself, so it is in
the order the database returns the values whatever order Django chose.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import BooleanField, F, FloatField, Func, Q
from django.db.models.sql.compiler import SQLCompiler


def quote(name: str) -> str:
    return str(connection.ops.quote_name(name))


def compiled(queryset: models.QuerySet[Any]) -> tuple[str, tuple[Any, ...], list[str]]:
    """The SELECT of ``queryset`` on the default connection: (sql, params, selected names).
    Raises ``EmptyResultSet`` when the filter can match nothing (``pk__in=[]``)."""
    compiler: SQLCompiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    names = []
    for expression, _sql, alias in compiler.select:
        if alias is None:  # a plain column (Django 5.2 names values() columns; older may not)
            alias = expression.target.attname
        names.append(alias)
    return sql, tuple(params), names


def compile_where(model: type[models.Model], condition: Q) -> tuple[str, list[Any]]:
    """A filter on ``model`` as the SQL of a WHERE clause (columns qualified by its table)."""
    query = model._default_manager.filter(condition).query
    compiler = query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(query.where)
    except EmptyResultSet:
        return "1 = 0", []
    return sql or "1 = 1", list(params)


def insert_select(
    model: type[models.Model], queryset: models.QuerySet[Any], *, prefix: str = ""
) -> int:
    """Insert the rows of ``queryset`` into ``model``'s table; returns the rows inserted.

    Each selected name is a field of ``model``, or ``prefix`` + a field name."""
    try:
        sql, params, names = compiled(queryset)
    except EmptyResultSet:
        return 0
    fields = {f.name: f for f in model._meta.concrete_fields} | {
        f.attname: f for f in model._meta.concrete_fields
    }
    columns = []
    for name in names:
        field = fields.get(name)
        if field is None and prefix and name.startswith(prefix):
            field = fields.get(name[len(prefix) :])
        if field is None:
            raise ValueError(f"{name!r} is not a column of {model._meta.db_table}")
        columns.append(quote(field.column))
    if len(set(columns)) != len(columns):
        raise ValueError(f"a column of {model._meta.db_table} is selected twice: {names}")
    statement = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) {sql}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def batch_session() -> None:
    """PostgreSQL, for the rest of the transaction: no JIT compilation — the writers'
    statements are estimated costly enough for it (a hundred aggregates, a dozen subqueries a
    row) and compiling them took longer than running them (0.1–0.2 s a statement, measured) —
    and room to hash and sort in memory (the default 4 MB makes bitmaps of a month's rollup
    rows lossy)."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")


@contextmanager
def planner(*, nestloop_only: bool = False, hash_only: bool = False) -> Iterator[None]:
    """PostgreSQL: the join method of the statements in the block, where the cost estimates
    cannot know it (a temporary table of keys, a day's sliver of a big table): ``nestloop_only``
    walks indexes from the small side, ``hash_only`` reads each side once and hashes it (no
    nested loop looking rows up one by one, no merge join on part of a key). A no-op
    elsewhere."""
    off = ["hashjoin", "mergejoin"] if nestloop_only else []
    off += ["nestloop", "mergejoin"] if hash_only else []
    if not off or connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        for name in off:
            cursor.execute(f"SET LOCAL enable_{name} = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name in off:
                cursor.execute(f"SET LOCAL enable_{name} TO DEFAULT")


class AnyOf(Func):
    """``column IN (values)`` for a long list of integers (ids), without Django preparing each
    value one by one (10 µs a value); PostgreSQL gets one array parameter."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, values: Iterable[int]) -> None:
        super().__init__(F(column))
        self.values = sorted({int(v) for v in values})

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        column, params = compiler.compile(self.get_source_expressions()[0])
        if not self.values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s)", [*params, self.values]
        return f"{column} IN ({', '.join(['%s'] * len(self.values))})", [*params, *self.values]


class Hours(Func):
    """The hours from ``start`` to ``end`` (two times) as a float; NULL when either is NULL.

    PostgreSQL subtracts the timestamps exactly (microseconds). SQLite keeps times at the
    millisecond in its date functions: the difference is rounded to whole milliseconds, so whole
    seconds and minutes give the same float Python's ``timedelta.total_seconds() / 3600`` does.
    """

    arity = 2
    output_field = FloatField()
    template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0 AS DOUBLE PRECISION)"
    arg_joiner = " - "

    def __init__(self, end: Any, start: Any, **extra: Any) -> None:
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(ROUND((julianday(%(expressions)s)) * 86400000.0) / 3600000.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


class Earliest(Func):
    """The earlier of two times, ignoring a NULL one (NULL when both are): PostgreSQL's
    ``LEAST``; SQLite's two-argument ``MIN`` is NULL as soon as one is, so it compares the
    coalesced pair."""

    arity = 2
    function = "LEAST"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        a, b = self.get_source_expressions()
        a_sql, a_params = compiler.compile(a)
        b_sql, b_params = compiler.compile(b)
        sql = f"MIN(COALESCE({a_sql}, {b_sql}), COALESCE({b_sql}, {a_sql}))"
        return sql, (*a_params, *b_params, *b_params, *a_params)
