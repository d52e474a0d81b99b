"""Reads of the accounts app that carry a rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Q, QuerySet
from django.http import Http404

from accounts import usernames
from accounts.models import Block, User
from core.compiled import CompiledQuery

# Usernames of the stand-in accounts of inbox links' signed-out writers: no username people
# may choose starts so (accounts.usernames: letters, digits and _).
STAND_IN_PREFIX = "~"

_USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)


def _active_with(fields: tuple[str, ...]) -> CompiledQuery:
    """The active account of an id, with `fields`."""
    return CompiledQuery(
        lambda user: User.objects.filter(pk=user, is_active=True).values(*fields), user=int
    )


_active_user = _active_with(_USER_FIELDS)


_active_by_name = CompiledQuery(
    lambda name: User.objects.filter(username_key=name, is_active=True).values(*_USER_FIELDS),
    name=str,
)


def _user_of(rows: list[dict[str, Any]], fields: tuple[str, ...] = _USER_FIELDS) -> User | None:
    """The first row's account, with `fields` (the others deferred), or None."""
    if not rows:
        return None
    return User.from_db("default", fields, [rows[0][name] for name in fields])


def active_user_named(*, username: str) -> User | None:
    """The active account of `username`, in any case (one precompiled query). Never a
    stand-in (`~…`, an inbox link's signed-out writer: no one may name one)."""
    if username.startswith(STAND_IN_PREFIX):
        return None
    return _user_of(_active_by_name.rows(name=usernames.key(username)))


_active_and_by_name = CompiledQuery(
    lambda user, name: User.objects.filter(
        Q(pk=user) | Q(username_key=name), is_active=True
    ).values(*_USER_FIELDS),
    user=int,
    name=str,
)


def active_user_and_named(*, user_id: int, username: str | None) -> tuple[User | None, User | None]:
    """`active_user(user_id)` and `active_user_named(username)` in one statement: a writer's
    own account (what its token is checked against) and the account it writes to."""
    if username is None or username.startswith(STAND_IN_PREFIX):
        return active_user(user_id=user_id), None
    key = usernames.key(username)
    rows = _active_and_by_name.rows(user=user_id, name=key)
    own = _user_of([row for row in rows if row["id"] == user_id])
    named = _user_of([row for row in rows if row["username_key"] == key])
    return own, named


def account_id(claim: object) -> int | None:
    """The account id a token's claim holds (simplejwt writes it as a string), or None
    where it holds anything else."""
    if type(claim) is str and claim.isascii() and claim.isdigit() and len(claim) < 19:
        claim = int(claim)
    if type(claim) is not int or not 0 < claim < 2**63:
        return None
    return claim


def active_user(*, user_id: object) -> User | None:
    """The active account `user_id` names, if any: what every request's token is checked
    against, so a ban bites from the next request on. One precompiled query."""
    return _active(_active_user, user_id, _USER_FIELDS)


def _active(query: CompiledQuery, user_id: object, fields: tuple[str, ...]) -> User | None:
    checked = account_id(user_id)
    if checked is None:
        return None
    return _user_of(query.rows(user=checked), fields)


# What an open socket keeps of its account for hours (realtime.consumers): its id, its
# language and its notification settings; the rest is deferred (an idle socket kept the whole
# row, about 1.5 KiB of its 35).
_SOCKET_FIELDS = ("id", "language", "notification_settings")
_active_socket_user = _active_with(_SOCKET_FIELDS)


def active_user_for_socket(*, user_id: object) -> User | None:
    """`active_user`, holding only the socket's fields (`_SOCKET_FIELDS`); any other field
    is deferred, which in the socket's event loop fails loudly instead of reading."""
    return _active(_active_socket_user, user_id, _SOCKET_FIELDS)


def viewer_active(viewer: Any) -> Exists:
    """The condition that `viewer`'s account is active, for the statement of a page read
    without reading the account first (accounts.authentication.CheckedByThePage): with
    it, a banned or deleted account's page is empty, and the view then says why."""
    return Exists(User.objects.filter(pk=viewer, is_active=True))


_lock_account = CompiledQuery(
    lambda user: User.objects.select_for_update(no_key=True).filter(pk=user).values("pk"),
    user=int,
)


def lock_account(*, user_id: int) -> bool:
    """Lock the account's row until the caller's transaction ends (FOR NO KEY UPDATE, the lock
    `can_reach(lock=True)` takes on two), so what is counted or numbered under it cannot race;
    False when there is no such account. SQLite locks no row (and serializes writers)."""
    return bool(_lock_account.rows(user=user_id))


def can_reach(*, author: User, recipient: User, lock: bool = False) -> bool:
    """The delivery rule: whether something `author` wrote may reach `recipient` now.

    Asked at the moment of delivery by every door that delivers (a confession sent, approved
    or due; a reply written or approved; a wall's comment), never remembered from earlier: a
    block or a ban that lands while something waits for review still holds. Nothing reaches
    anyone when either account is inactive (banned) or gone, or when either of the two blocks
    the other, by name or anonymously. A refusal is silent: the author's copy looks delivered.

    `lock=True` (inside a transaction) also locks the two users' rows, in id order, until
    commit, in the same statement: what delivery does next (a match, notifications in order)
    cannot race another delivery between the same two people.
    """
    if author.pk == recipient.pk:
        return True
    rows = (_reach_locking if lock else _reach).rows(author=author.pk, recipient=recipient.pk)
    return len(rows) == 2 and not rows[0]["blocked"]


def _both_active_and_blocks(
    author: int, recipient: int, *, lock: bool = False
) -> QuerySet[User, dict[str, Any]]:
    """A row per active one of the two, each saying whether a block stands between them."""
    between = Q(blocker_id=recipient, blocked_id=author)
    between |= Q(blocker_id=author, blocked_id=recipient)
    users = User.objects.filter(pk__in=[author, recipient], is_active=True)
    if lock:
        # Id order: two transactions locking the same pair can never deadlock.
        users = users.select_for_update(no_key=True, of=("self",)).order_by("pk")
    return users.annotate(blocked=Exists(Block.objects.filter(between))).values("id", "blocked")


_reach = CompiledQuery(_both_active_and_blocks, author=int, recipient=int)
_reach_locking = CompiledQuery(
    lambda author, recipient: _both_active_and_blocks(author, recipient, lock=True),
    author=int,
    recipient=int,
)


def named_blocks(*, blocker_id: int) -> QuerySet[Block, Any]:
    """The ids `blocker` blocks by name: the blocks that may hide what was already delivered,
    because the blocker knows whom they concern. (An anonymous block hides only the one
    confession it was made from; see the confessions app.)"""
    return Block.objects.filter(blocker_id=blocker_id, anonymous=False).values("blocked_id")


def blocks_by_name(*, blocker_id: int, blocked_id: int) -> bool:
    return named_blocks(blocker_id=blocker_id).filter(blocked_id=blocked_id).exists()


def block_list(*, user: User) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked")


def user_get_public(*, username: str) -> User:
    """An active user by username (any case), else 404."""
    active = User.objects.filter(username_key=usernames.key(username), is_active=True)
    user = active.select_related("avatar").first()
    if user is None:
        raise Http404
    return user
