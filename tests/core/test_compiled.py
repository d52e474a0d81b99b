"""A CompiledQuery gives what its queryset's values() gives, for any values, once compiled; a
CompiledInsert writes what save() writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from core.compiled import CompiledQuery

pytestmark = pytest.mark.django_db


def joined_before(at, after_id, *, newest_first: bool):
    users = User.objects.filter(Q(date_joined__lt=at) | Q(date_joined=at, id__gt=after_id))
    order = ("-date_joined", "-id") if newest_first else ("date_joined", "id")
    return users.order_by(*order).values("id", "username", "date_joined", "is_active")


@pytest.fixture
def users():
    start = timezone.now() - timedelta(days=1)
    return [
        User.objects.create(username=f"user{index}", date_joined=start + timedelta(minutes=index))
        for index in range(6)
    ]


def test_rows_match_the_queryset_for_every_value(users):
    compiled = CompiledQuery(joined_before, at=type(users[0].date_joined), after_id=int)
    for user in users:
        for after_id in (0, users[2].pk):
            for newest_first in (True, False):
                expected = list(joined_before(user.date_joined, after_id,
                                              newest_first=newest_first))  # fmt: skip
                got = compiled.rows(at=user.date_joined, after_id=after_id,
                                    newest_first=newest_first)  # fmt: skip
                assert got == expected
    # Converted as values() converts (SQLite hands back strings and integers).
    row = compiled.rows(at=timezone.now(), after_id=0, newest_first=True)[0]
    assert row["date_joined"] == users[-1].date_joined
    assert row["is_active"] is True


def test_lists_and_strings(users):
    by_ids = CompiledQuery(
        lambda ids, name: (
            User.objects.filter(Q(pk__in=ids) | Q(username=name)).order_by("id").values("username")
        ),
        ids="list[int]",
        name=str,
    )
    for count in (1, 3, 6):
        ids = [user.pk for user in users[:count]]
        names = [row["username"] for row in by_ids.rows(ids=ids, name="user5")]
        assert names == [f"user{index}" for index in range(count)] + ["user5"] * (count < 6)
    assert by_ids.rows(ids=[users[1].pk], name="nobody") == [{"username": "user1"}]


def test_a_value_that_does_not_reach_the_sql_unchanged_is_refused():
    ignored = CompiledQuery(lambda user: User.objects.values("id"), user=int)
    with pytest.raises(ValueError, match="'user' does not reach the SQL"):
        ignored.rows(user=1)
    # A LIKE pattern is made from the value: it cannot be put in later.
    pattern = CompiledQuery(
        lambda prefix: User.objects.filter(username__startswith=prefix).values("id"), prefix=str
    )
    with pytest.raises(ValueError, match="'prefix' does not reach the SQL"):
        pattern.rows(prefix="user")


def test_only_values_querysets_compile():
    whole = CompiledQuery(lambda user: User.objects.filter(pk=user), user=int)
    with pytest.raises(TypeError):
        whole.rows(user=1)


def test_an_annotation_named_among_fields_keeps_its_name(users):
    # Django 5.2 selects in the order values() names them; the row keys must follow.
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    def shaped(first):
        return (
            User.objects.filter(id__gte=first)
            .annotate(shout=Concat(F("username"), Value("!")), twice=F("id") * 2)
            .order_by("id")
            .values("id", "shout", "username", "twice", "is_active")
        )

    compiled = CompiledQuery(shaped, first=int)
    rows = compiled.rows(first=users[0].pk)
    assert rows == list(shaped(users[0].pk))
    assert rows[0]["shout"] == rows[0]["username"] + "!"
    assert rows[0]["twice"] == 2 * rows[0]["id"]


def test_a_window_takes_limit_and_offset_as_parameters(users):
    ranked = CompiledQuery(
        lambda since: (
            User.objects.filter(date_joined__gte=since).order_by("-date_joined").values("username")
        ),
        window=True,
        since=type(users[0].date_joined),
    )
    since = users[1].date_joined
    everyone = [row["username"] for row in ranked.rows(since=since, limit=100, offset=0)]
    assert everyone == [f"user{index}" for index in range(5, 0, -1)]
    for offset in range(6):
        for limit in (1, 2, 5):
            page = ranked.rows(since=since, limit=limit, offset=offset)
            assert [row["username"] for row in page] == everyone[offset : offset + limit]
    assert len(ranked._plans) == 1  # one compilation for every page


def test_a_window_query_must_not_slice_itself():
    sliced = CompiledQuery(lambda user: User.objects.values("id")[:5], window=True, user=int)
    with pytest.raises(TypeError, match="LIMIT and OFFSET"):
        sliced.rows(user=1, limit=5, offset=0)


def prepared_runs(pattern: str) -> list[tuple[int]]:
    """How often each statement this connection prepared that is LIKE `pattern` has run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            [pattern],
        )
        return cursor.fetchall()


@pytest.mark.service("postgres")
def test_on_postgresql_a_compiled_query_runs_prepared(users):
    """Planned once per connection (DATABASE_PREPARED_STATEMENTS): PostgreSQL keeps the
    statement, and running it again gives the same rows with a plan from its cache."""
    from django.db import connection

    compiled = CompiledQuery(joined_before, at=type(users[0].date_joined), after_id=int)
    first = compiled.rows(at=timezone.now(), after_id=0, newest_first=True)
    for _ in range(6):  # past PostgreSQL's five custom plans, onto its cached generic one
        assert compiled.rows(at=timezone.now(), after_id=0, newest_first=True) == first
    assert prepared_runs('%"accounts_user"."date_joined" AS "date_joined"%') == [(7,)]
    # Logged with its values, as Django logs its own queries (assertNumQueries' report).
    with CaptureQueriesContext(connection) as queries:
        compiled.rows(at=users[2].date_joined, after_id=0, newest_first=False)
    assert "ORDER BY" in queries[0]["sql"]
    assert str(users[2].date_joined.year) in queries[0]["sql"]


def test_custom_plans_are_planned_for_their_values(users):
    """The session plans prepared statements generically (settings: plan_cache_mode); a query
    compiled with `custom_plans` is never prepared: it reaches PostgreSQL with its values
    written in (bound on the client), so it is planned for them (a search's pattern decides
    its plan), in one round trip."""
    from django.db import connection
    from django.db.models import Value
    from django.test.utils import CaptureQueriesContext

    def build(name, marker):
        return User.objects.filter(username=name).values("id").annotate(**{marker: Value(1)})

    name = users[0].username
    custom = CompiledQuery(lambda name: build(name, "custom"), custom_plans=True, name=str)
    generic = CompiledQuery(lambda name: build(name, "generic"), name=str)
    for _ in range(6):  # past psycopg's prepare_threshold: a statement would be prepared
        assert [row["id"] for row in custom.rows(name=name)] == [users[0].pk]
        assert [row["id"] for row in generic.rows(name=name)] == [users[0].pk]
    assert prepared_runs('%AS "generic"%') == [(6,)]
    assert prepared_runs('%AS "custom"%') == []
    with CaptureQueriesContext(connection) as queries:
        custom.rows(name=name)
    assert len(queries) == 1
    assert f"'{name}'" in queries[0]["sql"]


def _confession(alice, bob, **fields):
    from messages_app.models import Confession

    return Confession(sender=alice, recipient=bob, body="hello", anonymous=True,
                      status=Confession.Status.APPROVED, delivered_at=timezone.now(),
                      **fields)  # fmt: skip


def _stored(confession) -> dict:
    from messages_app.models import Confession

    row = Confession.objects.filter(pk=confession.pk).values().get()
    del row["id"]
    assert row.pop("created_at") is not None  # auto_now_add, filled by pre_save
    return row


def test_an_insert_writes_what_save_writes(alice, bob):
    from core.compiled import CompiledInsert
    from messages_app.models import Confession

    when = timezone.now()
    by_save = _confession(alice, bob, deliver_at=when, moderation_note="note")
    by_save.save(force_insert=True)
    inserted = _confession(alice, bob, deliver_at=when, moderation_note="note")
    CompiledInsert(Confession).insert(inserted)
    assert _stored(inserted) == _stored(by_save) | {"delivered_at": inserted.delivered_at}
    # As a saved instance: its next save() updates the row.
    assert not inserted._state.adding
    assert inserted._state.db == "default"
    inserted.read_at = when
    inserted.save(update_fields=["read_at"])
    assert Confession.objects.get(pk=inserted.pk).read_at == when
    assert Confession.objects.count() == 2


@pytest.mark.service("postgres")
def test_on_postgresql_an_insert_runs_prepared(alice, bob):

    from core.compiled import CompiledInsert
    from messages_app.models import Confession

    compiled = CompiledInsert(Confession)
    for _ in range(3):
        compiled.insert(_confession(alice, bob))
    assert prepared_runs('INSERT INTO "messages_app_confession"%') == [(3,)]
    assert Confession.objects.count() == 3


def test_a_row_with_save_signals_or_without_its_key_is_saved_by_save(alice, bob):
    """Nothing `save()` would run is skipped: a listened save signal, or a primary key the
    database gives, sends the row through `save()` itself."""
    from django.db.models.signals import pre_save

    from core.compiled import CompiledInsert
    from messages_app.models import Confession
    from realtime.models import Notification

    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance)

    confession = _confession(alice, bob)
    pre_save.connect(listener, sender=Confession)
    try:
        CompiledInsert(Confession).insert(confession)
    finally:
        pre_save.disconnect(listener, sender=Confession)
    assert heard == [confession]
    notification = Notification(recipient=alice, type="confession.read", data={})
    CompiledInsert(Notification).insert(notification)
    assert notification.pk is not None
    assert Notification.objects.get(pk=notification.pk).data == {}
