"""Hot reads as querysets compiled to SQL once per process, then run with each request's values.

Building a queryset and compiling it costs a millisecond or more for a page query with joins
and subqueries; running the SQL it makes costs a fraction of that. The hot lists (inbox, sent,
a thread) are the same query every time with different values, so a `CompiledQuery` builds
the queryset once with stand-in values, keeps the SQL and where each stand-in landed among
its parameters, and on each run puts the real values there. The queryset stays the one
statement of the rule: nothing is written twice in SQL by hand.

Stand-ins are values no real row can have (negative ids, a date in 1901), declared by type:
`int`, `str`, `datetime`, or `list[int]` (an `IN (...)` list: its length is part of the query's
shape, so each length compiles once). Anything else that changes the SQL (a LIMIT, an optional
filter) is a keyword of the builder that is part of the cache key ("shape"). A value may be
None where the shape leaves its parameter out.

A query built with `window=True` takes `limit` and `offset` as parameters of its own (a LIMIT
and OFFSET put after the compiled SQL): a page by position compiles once, not once per page.

Rows come back as dicts keyed by the `values()` names, through the backend's converters
(SQLite's dates and booleans), exactly as `QuerySet.values()` would give them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet, signals

from core import replicas

_FIRST_INT = -1_900_000_000  # inside every integer column's range, and no id is negative
_FIRST_DATE = datetime(1901, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    params: tuple
    slots: tuple[tuple[str, tuple[int, ...], Any], ...]  # (name, positions, adapt)
    wrappers: dict[int, type]  # position: the backend's integer wrapper there
    names: tuple[str, ...]
    compiler: Any
    converters: dict


class CompiledQuery:
    """`build(**values, **shape)` returns a `values(...)` queryset; `rows(**values, **shape)`
    runs its SQL, compiled once per database and shape."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        window: bool = False,
        custom_plans: bool = False,
        **kinds: type | str,
    ) -> None:
        for name, kind in kinds.items():
            if kind not in (int, str, datetime, "list[int]"):
                raise TypeError(f"{name}: stand-ins exist for int, str, datetime, 'list[int]'")
        self._build = build
        # Planned at each run with its values (PostgreSQL): for a statement whose best plan
        # depends on them (a search's pattern), where the prepared generic plan misleads.
        self._custom_plans = custom_plans
        self._kinds = kinds
        self._window = window
        self._plans: dict[Hashable, _Plan] = {}

    def rows(self, **arguments: Any) -> list[dict[str, Any]]:
        window = (arguments.pop("limit"), arguments.pop("offset")) if self._window else ()
        values = {name: arguments.pop(name) for name in self._kinds}
        lengths = tuple(
            len(values[name]) for name, kind in self._kinds.items() if kind == "list[int]"
        )
        key = (lengths, tuple(sorted(arguments.items())))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._compile(values, arguments)
        params = list(plan.params)
        for name, positions, adapt in plan.slots:
            value = values[name]
            if not positions:
                continue
            if isinstance(value, list):
                for position, item in zip(positions, value, strict=True):
                    params[position] = item
            else:
                adapted = adapt(value)
                for position in positions:
                    # As the backend wrote this parameter (psycopg's Int8 for a bigint column:
                    # the prepared statement's types stay the same from run to run).
                    wrap = plan.wrappers.get(position)
                    params[position] = adapted if wrap is None or value is None else wrap(value)
        sql = plan.sql
        if window:
            sql = f"{sql} LIMIT %s OFFSET %s"
            params.extend(int(number) for number in window)
        # Where this request reads (a replica, core.replicas), else where the plan was made.
        connection = connections[replicas.current() or plan.compiler.using]
        rows = _fetch(connection, sql, params, prepare=not self._custom_plans)
        if plan.converters:
            rows = plan.compiler.apply_converters(rows, plan.converters)
        names = plan.names
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _compile(self, values: dict[str, Any], shape: dict[str, Any]) -> _Plan:
        stand_ins: dict[str, Any] = {}
        next_int, next_date = _FIRST_INT, _FIRST_DATE
        for name, kind in self._kinds.items():
            if kind is int:
                stand_ins[name], next_int = next_int, next_int - 1
            elif kind is str:
                stand_ins[name] = f"\x00stand-in {name}\x00"  # never sent: replaced first
            elif kind is datetime:
                stand_ins[name], next_date = next_date, next_date + timedelta(seconds=1)
            else:
                count = len(values[name])
                stand_ins[name] = list(range(next_int, next_int - count, -1))
                next_int -= count
        queryset = self._build(**stand_ins, **shape)
        if self._window and queryset.query.is_sliced:
            raise TypeError("a window=True query takes its LIMIT and OFFSET from rows()")
        connection = connections[queryset.db]
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        adapt_date = connection.ops.adapt_datetimefield_value
        slots = []
        wrappers: dict[int, type] = {}
        for name, kind in self._kinds.items():
            if kind == "list[int]":
                positions = tuple(params.index(item) for item in stand_ins[name])
                adapt = None
            else:
                adapt = adapt_date if kind is datetime else _same
                wanted = adapt(stand_ins[name])
                positions = tuple(
                    index for index, param in enumerate(params) if _same_value(param, wanted)
                )
                if kind is int:
                    wrapped = tuple(
                        index for index, param in enumerate(params) if _wrapped_int(param, wanted)
                    )
                    wrappers.update((index, type(params[index])) for index in wrapped)
                    positions += wrapped
            if not positions and values[name] is not None and values[name] != []:
                raise ValueError(f"{name!r} does not reach the SQL as a parameter")
            slots.append((name, positions, adapt))
        query = queryset.query
        # Django 5.2 selects in the order values() names (`query.selected`), annotations
        # among fields; before, fields first and annotations after.
        names = (
            tuple(query.selected)
            if query.selected is not None
            else (*query.extra_select, *query.values_select, *query.annotation_select)
        )
        if not query.values_select:
            raise TypeError("compile a values(...) queryset: rows are dicts of those names")
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        return _Plan(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            wrappers=wrappers,
            names=names,
            compiler=compiler,
            converters=compiler.get_converters(fields),
        )


def plain_save(model: type[Model]) -> bool:
    """Whether `save()` of `model` runs nothing but its statement: no override of it, no save
    signal listened to. Only then may a write go around it (`CompiledInsert`)."""
    return (
        model.save is Model.save
        and not signals.pre_save.has_listeners(model)
        and not signals.post_save.has_listeners(model)
    )


class CompiledInsert:
    """`insert(instance)`: `instance.save(force_insert=True)`, with the INSERT's SQL written
    once per process and run prepared where the backend can (our PostgreSQL backend's
    `fetch_prepared`: planned once per connection). Each run takes every column's value as
    `save()` does (`pre_save`, then `get_db_prep_save`). Django's own save builds and compiles
    an InsertQuery each time: 0.35-0.5 ms of CPU for a confession, against 0.17-0.19
    (bench/RESULTS.md).

    A row whose save is not plain (`plain_save`), or without its primary key yet, is saved
    by `save()` itself: nothing that runs there is skipped."""

    def __init__(self, model: type[Model]) -> None:
        self._model = model
        self._plans: dict[str, tuple[list[Any], str]] = {}  # alias: (fields, SQL)

    def insert(self, instance: Model) -> None:
        model = self._model
        connection = connections[router.db_for_write(model, instance=instance)]
        fetch = getattr(connection, "fetch_prepared", None)
        if fetch is None or instance.pk is None or not plain_save(type(instance)):
            instance.save(force_insert=True)
            return
        plan = self._plans.get(connection.alias)
        if plan is None:
            fields = [field for field in model._meta.local_concrete_fields if not field.generated]
            quote = connection.ops.quote_name
            columns = ", ".join(quote(field.column) for field in fields)
            values = ", ".join(["%s"] * len(fields))
            plan = self._plans[connection.alias] = (
                fields,
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values}) "  # noqa: S608
                f"RETURNING {quote(model._meta.pk.column)}",
            )
        fields, sql = plan
        params = [
            field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
        ]
        fetch(sql, params)
        instance._state.adding = False
        instance._state.db = connection.alias


def _fetch(connection, sql: str, params: list, *, prepare: bool = True) -> list[tuple]:
    """A compiled query's rows: run prepared where the backend can (our PostgreSQL backend:
    planned once per connection) and `prepare` asks it; else on the connection's own cursor,
    which binds on the client (the values written into a statement never prepared), so
    PostgreSQL plans it for those values whatever the session's plan_cache_mode (settings):
    `custom_plans`, in one round trip, where setting the mode around it took three."""
    fetch = getattr(connection, "fetch_prepared", None) if prepare else None
    if fetch is not None:
        return fetch(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _same(value: Any) -> Any:
    return value


def _same_value(param: Any, wanted: Any) -> bool:
    # Exact type too: True == 1, and psycopg's Int4(1) == 1, must not pass for a stand-in.
    return type(param) is type(wanted) and param == wanted


_INT_WRAPPERS = {"Int2", "Int4", "Int8"}


def _wrapped_int(param: Any, wanted: Any) -> bool:
    """An int stand-in the backend wrapped for its column (psycopg's Int8 for a bigint field
    other than an auto id, such as a random public id): the same stand-in, kept wrapped."""
    return (
        type(wanted) is int
        and isinstance(param, int)
        and type(param).__name__ in _INT_WRAPPERS
        and int(param) == wanted
    )
