"""The desk: one queue of everything waiting for a moderator, whatever its kind (held for
review, or reported), oldest first, each item shown whole (text, pictures, reports, its
author's record in numbers) with the decisions that apply to it. Opening an item claims it;
a decision is refused when another moderator holds the item, or decided it after the page
was drawn. The features register their kinds (`kinds`): how to load and show an item of
theirs, and how to decide it; nothing here knows a feature's model. The page itself is
`moderation.desk_views`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from core.errors import ApplicationError
from core.metrics import Gauges
from core.moderated import Moderated, Status
from core.registry import Registry
from moderation import claims
from moderation.models import Claim, Decision, ReasonCategory, Report
from moderation.records import Record, records_of

if TYPE_CHECKING:
    from media_app.rendering import MediaPayload


@dataclass(frozen=True)
class DeskDecision:
    """One decision of a kind: its action (the feature's name for it), the one key that takes
    it, whether it needs a reason category, and when it applies (`applies(item, reported)`)."""

    action: str
    title: Promise | str
    key: str
    needs_reason: bool = False
    applies: Callable[[Any, bool], bool] = lambda item, reported: True


@dataclass
class Shown:
    """What the desk shows of an item: the feature fills it (never its author when
    anonymous: `author` is then None)."""

    text: str
    context: list[tuple[str, str]] = field(default_factory=list)  # (label, value) lines
    pictures: list[MediaPayload] = field(default_factory=list)  # rendered media
    author: str | None = None
    wall: str = ""


@dataclass(frozen=True)
class DeskKind:
    """A kind of content the desk decides. `queryset()`: the items that can still be decided
    (not deleted); `show(items, request)`: each item's `Shown`, by id, for a page at once;
    `decide(moderator=, target_id=, action=, reason=, note=)`: the feature's service;
    `permission`: who may decide it; `wall_field`: the lookup of its wall's slug, if any."""

    name: str
    label: Promise | str
    model: type[Moderated]
    permission: str
    queryset: Callable[[], QuerySet[Any]]
    show: Callable[[list[Any], Any], dict[int, Shown]]
    decide: Callable[..., object]
    decisions: tuple[DeskDecision, ...]
    wall_field: str | None = None

    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model)


kinds: Registry[DeskKind] = Registry("moderation.desk_kinds", key=lambda kind: kind.name)


def common_decisions(*, keep: str) -> tuple[DeskDecision, ...]:
    """The decisions every kind of public content takes: approve what is not public, keep
    what is and was reported (the feature's `keep` action, which closes the reports), reject,
    hide."""
    return (
        DeskDecision(
            "approve",
            gettext_lazy("Approve"),
            "a",
            applies=lambda item, reported: item.status != Status.APPROVED,
        ),
        DeskDecision(
            keep,
            gettext_lazy("Keep (dismiss the reports)"),
            "a",
            applies=lambda item, reported: item.status == Status.APPROVED and reported,
        ),
        DeskDecision(
            "reject",
            gettext_lazy("Reject"),
            "r",
            needs_reason=True,
            applies=lambda item, reported: item.status != Status.REJECTED,
        ),
        DeskDecision(
            "hide",
            gettext_lazy("Hide"),
            "h",
            needs_reason=True,
            applies=lambda item, reported: item.status in (Status.APPROVED, Status.PENDING),
        ),
    )


def kinds_for(moderator: User) -> list[DeskKind]:
    return [kind for kind in kinds if moderator.has_perm(kind.permission)]


@dataclass
class Entry:
    """One item of the queue."""

    kind: DeskKind
    id: int
    since: datetime  # waiting since: written (held for review), or first reported
    item: Any = None
    shown: Shown | None = None
    reports: list[Report] = field(default_factory=list)
    record: Record | None = None
    claim: Claim | None = None  # someone else's, when they hold it
    seen: int = 0  # the last decision on it when the page was drawn
    decisions: list[DeskDecision] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind.name}:{self.id}"

    @property
    def position(self) -> str:
        """Where it stands in the queue, for "the one after this": since|kind|id."""
        return f"{self.since.timestamp():.6f}|{self.kind.name}|{self.id}"

    def order(self) -> tuple[float, str, int]:
        return (self.since.timestamp(), self.kind.name, self.id)

    @property
    def late(self) -> bool:
        target = settings.MODERATION_TARGET_MINUTES * 60
        return (timezone.now() - self.since).total_seconds() > target

    @property
    def report_categories(self) -> list[tuple[str, int]]:
        """(category label, how many) of its open reports, the most frequent first."""
        labels = dict(ReasonCategory.choices)
        return [(str(labels.get(category, category)), n) for category, n in self._categories()]

    @property
    def suggested_reason(self) -> str:
        """The reason most reports give, to start from."""
        counted = self._categories()
        return counted[0][0] if counted else ""

    def _categories(self) -> list[tuple[str, int]]:
        """(category, how many) of its open reports, the most frequent first, then by name."""
        counts = Counter(report.category for report in self.reports)
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


@dataclass
class Queue:
    entries: list[Entry]
    counts: list[tuple[DeskKind, int]]  # what waits, by kind, past the page too
    oldest: datetime | None

    @property
    def depth(self) -> int:
        return sum(n for _, n in self.counts)


def _position(text: str) -> tuple[float, str, int] | None:
    since, _, rest = text.partition("|")
    name, _, object_id = rest.partition("|")
    try:
        return (float(since), name, int(object_id))
    except ValueError:
        return None


def reason_keys() -> list[tuple[str, str, str]]:
    """The reason categories with the digit that picks each on the page: (key, value, label)."""
    return [
        (str(index), value, str(label))
        for index, (value, label) in enumerate(ReasonCategory.choices, start=1)
    ]


def _claimed_by_others(moderator: User) -> set[tuple[int, int]]:
    held = Claim.objects.filter(until__gt=timezone.now()).exclude(moderator=moderator)
    return set(held.values_list("content_type_id", "object_id"))


def queue(
    moderator: User,
    *,
    request: Any = None,
    kind: str = "",
    wall: str = "",
    limit: int = 30,
    after: str = "",
) -> Queue:
    """The queue as `moderator` sees it: what waits in the kinds they may decide (or `kind`),
    oldest first, past what another moderator is on; the page starts after `after` (a
    position) and wraps around. A few queries a kind, whatever the queue's length."""
    chosen = [k for k in kinds_for(moderator) if not kind or k.name == kind]
    if wall:
        chosen = [k for k in chosen if k.wall_field]
    theirs = _claimed_by_others(moderator)
    found: dict[tuple[str, int], Entry] = {}
    counts = []
    oldest: datetime | None = None
    for desk_kind in chosen:
        type_id = desk_kind.content_type().pk
        pending, reported = _waiting(desk_kind, wall)
        waiting = [
            (row["pk"], row["created_at"])
            for row in pending.order_by("created_at", "pk").values("pk", "created_at")[
                : limit + len(theirs) + 1
            ]
        ]
        waiting += [
            (row["object_id"], row["since"])
            for row in reported.order_by("since")[: limit + len(theirs) + 1]
        ]
        counts.append((desk_kind, _count(pending, reported)))
        for object_id, since in waiting:
            if (type_id, object_id) in theirs:
                continue
            known = found.get((desk_kind.name, object_id))
            if known is None or since < known.since:
                found[(desk_kind.name, object_id)] = Entry(desk_kind, object_id, since)
    entries = sorted(found.values(), key=Entry.order)
    if entries:
        oldest = entries[0].since
    start = _position(after) if after else None
    if start is not None:
        later = [entry for entry in entries if entry.order() > start]
        entries = later + [entry for entry in entries if entry.order() <= start]
    return Queue(entries=load(entries[:limit], request=request), counts=counts, oldest=oldest)


def _waiting(desk_kind: DeskKind, wall: str = "") -> tuple[QuerySet[Any], QuerySet[Any]]:
    """What of a kind waits at the desk (on `wall`, if given): its items held for review, and
    its reported ones, each with when it was first reported (`object_id`, `since`)."""
    live = desk_kind.queryset()
    if wall and desk_kind.wall_field:
        live = live.filter(**{desk_kind.wall_field: wall})
    reported = (
        Report.objects.filter(
            content_type=desk_kind.content_type(),
            resolved_at=None,
            object_id__in=live.values("pk"),
        )
        .order_by()
        .values("object_id")
        .annotate(since=Min("created_at"))
    )
    return live.filter(status=Status.PENDING), reported


def _count(pending: QuerySet[Any], reported: QuerySet[Any]) -> int:
    """How many wait: held for review, or reported (each once)."""
    return pending.count() + reported.exclude(object_id__in=pending.values("pk")).count()


def depth(moderator: User) -> int | None:
    """How many items wait for `moderator` (None: they decide nothing)."""
    chosen = kinds_for(moderator)
    if not chosen:
        return None
    return sum(_count(*_waiting(desk_kind)) for desk_kind in chosen)


def entry_of(kind: str, object_id: int) -> Entry | None:
    """One item by kind and id, whether it waits or not (opened from its own page)."""
    desk_kind = kinds.get(kind)
    if desk_kind is None:
        return None
    item = desk_kind.queryset().filter(pk=object_id).values("created_at").first()
    if item is None:
        return None
    first_report = (
        Report.objects.filter(
            content_type=desk_kind.content_type(), object_id=object_id, resolved_at=None
        )
        .aggregate(since=Min("created_at"))
        .get("since")
    )
    return Entry(desk_kind, object_id, first_report or item["created_at"])


def load(entries: list[Entry], *, request: Any) -> list[Entry]:
    """Fill a page of entries: the items, what the features show of them, their open reports,
    their authors' records and the last decision on each. A few queries a kind."""
    by_kind: dict[str, list[Entry]] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind.name, []).append(entry)
    authors: dict[tuple[str, int], int] = {}
    for name, group in by_kind.items():
        desk_kind = group[0].kind
        ids = [entry.id for entry in group]
        items = {item.pk: item for item in desk_kind.queryset().filter(pk__in=ids)}
        shown = desk_kind.show(list(items.values()), request)
        type_id = desk_kind.content_type().pk
        reports: dict[int, list[Report]] = {}
        for report in Report.objects.filter(
            content_type_id=type_id, object_id__in=ids, resolved_at=None
        ).order_by("created_at", "id"):
            reports.setdefault(report.object_id, []).append(report)
        last = dict(
            Decision.objects.filter(content_type_id=type_id, object_id__in=ids)
            .order_by()
            .values("object_id")
            .annotate(last=Max("id"))
            .values_list("object_id", "last")
        )
        author_field = f"{desk_kind.model.author_field}_id"
        for entry in group:
            entry.item = items.get(entry.id)
            if entry.item is None:
                continue
            entry.shown = shown.get(entry.id)
            entry.reports = reports.get(entry.id, [])
            entry.seen = last.get(entry.id, 0)
            entry.decisions = [
                decision
                for decision in desk_kind.decisions
                if decision.applies(entry.item, bool(entry.reports))
            ]
            authors[(name, entry.id)] = getattr(entry.item, author_field)
    records = records_of(set(authors.values()))
    for entry in entries:
        author = authors.get((entry.kind.name, entry.id))
        if author is not None:
            entry.record = records[author]
    return [entry for entry in entries if entry.item is not None]


def open_for(moderator: User, entry: Entry) -> Entry:
    """Opening an item claims it; `entry.claim` is someone else's claim when they hold it."""
    held = claims.claim(moderator=moderator, model=entry.kind.model, object_id=entry.id)
    entry.claim = held if held.moderator_id != moderator.pk else None
    return entry


def release(moderator: User, kind: str, object_id: int) -> None:
    """The moderator moved on without deciding: the item is free again."""
    desk_kind = kinds.get(kind)
    if desk_kind is not None:
        claims.release(moderator=moderator, model=desk_kind.model, object_id=object_id)


def decide(
    *,
    moderator: User,
    kind: str,
    object_id: int,
    action: str,
    seen: int,
    reason: str = "",
    note: str = "",
) -> DeskDecision:
    """Take `action` on an item, as `moderator`, who saw it with `seen` as its last decision:
    refused (409) while another moderator is on it, or when anyone decided it since; 400 for
    a decision that does not apply or needs a reason; 403 for a kind they may not decide."""
    desk_kind = kinds.get(kind)
    if desk_kind is None:
        raise ApplicationError("validation_error", gettext("Unknown kind of content."))
    if not moderator.has_perm(desk_kind.permission):
        raise ApplicationError(
            "permission_denied", gettext("You may not decide this kind of content."), status=403
        )
    with transaction.atomic():
        item = desk_kind.queryset().select_for_update(of=("self",)).filter(pk=object_id).first()
        if item is None:
            raise ApplicationError("not_found", gettext("It was deleted meanwhile."), status=404)
        claims.check_free(moderator=moderator, model=desk_kind.model, object_id=object_id)
        about = Q(content_type=desk_kind.content_type(), object_id=object_id)
        last = Decision.objects.filter(about).select_related("moderator").order_by("-id").first()
        if last is not None and last.pk != seen:
            raise ApplicationError("decided_meanwhile", _meanwhile(last), status=409)
        reported = Report.objects.filter(about, resolved_at=None).exists()
        decision = next(
            (d for d in desk_kind.decisions if d.action == action and d.applies(item, reported)),
            None,
        )
        if decision is None:
            raise ApplicationError(
                "invalid_transition", gettext("That decision does not apply to this item.")
            )
        if decision.needs_reason and reason not in ReasonCategory.values:
            raise ApplicationError(
                "reason_required", gettext("Choose the reason its author will see.")
            )
        desk_kind.decide(
            moderator=moderator,
            target_id=object_id,
            action=action,
            reason=reason if decision.needs_reason else "",
            note=note,
        )
        claims.release(moderator=moderator, model=desk_kind.model, object_id=object_id)
    return decision


def _meanwhile(last: Decision) -> str:
    who = last.moderator.get_username() if last.moderator else gettext("The system")
    return gettext(
        "%(who)s decided this item meanwhile (%(action)s, now %(status)s); look again."
    ) % {
        "who": who,
        "action": last.get_action_display(),
        "status": Status(last.to_status).label if last.to_status in Status.values else "",
    }


_ITEMS, _OLDEST = "moderation_queue_items", "moderation_queue_oldest_seconds"


def queue_metrics(gauges: Gauges) -> None:
    """The moderation queue for Prometheus (core.metrics.scraped): how many items wait, by
    kind, and how long the oldest has (held since written, reported since first reported)."""
    now = timezone.now()
    for desk_kind in kinds:
        pending, reported = _waiting(desk_kind)
        waiting = _count(pending, reported)
        oldest = [
            at
            for at in (
                pending.aggregate(at=Min("created_at"))["at"],
                reported.order_by("since").values_list("since", flat=True).first(),
            )
            if at is not None
        ]
        age = (now - min(oldest)).total_seconds() if oldest else 0.0
        gauges.add(_ITEMS, "Items waiting at the desk, by kind.", waiting, kind=desk_kind.name)
        gauges.add(
            _OLDEST, "How long the oldest waiting item has, by kind.", age, kind=desk_kind.name
        )
