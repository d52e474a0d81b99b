"""The moderation desk for confessions and replies (its shared parts are `moderation.admin`).
Every decision is a `messages_app.services` call and lands in the audit log; nothing here
edits a confession directly. An anonymous sender's identity is shown to superusers only:
moderators judge the content, not the person, and no screen lets them filter, search or sort
by a sender or an author (`PeopleGuardedAdmin`)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_bases import (
    PeopleGuardedAdmin,
    ReadOnlyModelAdmin,
    ReadOnlyTabularInline,
)
from media_app.rendering import media_render
from media_app.selectors import Attachments
from messages_app import services
from messages_app.models import Confession, ConfessionMedia, QueuedConfession, Reply
from moderation import claims
from moderation.admin import (
    AuthorRecordMixin,
    ClaimsMixin,
    DecisionInline,
    ReportInline,
    ThumbnailsMixin,
    decide_each,
    moderation_action,
    notice_action,
    open_report_counts,
    openly_reported,
    reported,
    sanction_actions,
)
from moderation.models import ReasonCategory


def _action(name: str, title: str, service, *, needs_reason: bool):
    return moderation_action(
        name,
        title,
        service,
        needs_reason=needs_reason,
        permission="moderate",
        target="confession_id",
    )


def _replies_decided(count: int) -> str:
    return gettext("%(count)d pending reply(ies) decided.") % {"count": count}


class ReplyInline(ReadOnlyTabularInline):
    model = Reply
    fields = ("side", "body", "status", "created_at")
    readonly_fields = fields

    @admin.display(description=_("from"))
    def side(self, reply: Reply) -> str:
        # The role, never the author: the author may be an anonymous sender.
        return (
            gettext("sender")
            if reply.author_id == reply.confession.sender_id
            else gettext("recipient")
        )


class HasReportsFilter(admin.SimpleListFilter):
    title = _("reports")
    parameter_name = "reports"

    def lookups(self, request, model_admin):
        return [
            ("open", _("Open reports")),
            ("any", _("Ever reported")),
            ("none", _("Never reported")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(pk__in=openly_reported(queryset.model))
        if self.value() == "any":
            return queryset.filter(reported(queryset.model))
        if self.value() == "none":
            return queryset.exclude(reported(queryset.model))
        return queryset


@admin.register(Confession)
class ConfessionAdmin(
    ClaimsMixin, ThumbnailsMixin, AuthorRecordMixin, PeopleGuardedAdmin, ReadOnlyModelAdmin
):
    """Decisions only, through the actions: nobody edits, adds or deletes confessions here."""

    attachments = Attachments(ConfessionMedia, "confession")

    list_display = (
        "id",
        "excerpt",
        "pictures",
        "status",
        "open_report_count",
        "anonymous",
        "sender",
        "author_record",
        "claimed_by",
        "recipient",
        "created_at",
    )
    fields = (
        "status",
        "sender",
        "recipient",
        "anonymous",
        "author_record",
        "body",
        "media_preview",
        "moderation_note",
        "suppressed",
        "created_at",
        "delivered_at",
        "read_at",
        "retracted_at",
        "removed_by_recipient_at",
    )
    person_fields = {"sender": "sender_unless_anonymous"}
    # Recipients are never anonymous; searching by sender would find an anonymous sender's.
    search_fields = ("body", "sender__username", "recipient__username")
    moderator_search_fields = ("body", "recipient__username")
    list_filter = ("status", HasReportsFilter, "anonymous", "suppressed", "created_at")
    date_hierarchy = "created_at"
    list_select_related = ("sender", "recipient")
    inlines = (ReportInline, ReplyInline, DecisionInline)
    actions = (
        _action("approve", _("Approve (deliver)"), services.confession_approve, needs_reason=False),
        _action("reject", _("Reject"), services.confession_reject, needs_reason=True),
        _action("hide", _("Hide"), services.confession_hide, needs_reason=True),
        _action(
            "dismiss_reports", _("Dismiss reports"), services.reports_dismiss, needs_reason=False
        ),
        *sanction_actions(Confession),
        notice_action(Confession),
    )

    def get_queryset(self, request):
        # Annotate before ordering: ModelAdmin.get_queryset would order by `open_reports`
        # (the queue's ordering) before the annotation exists.
        queryset = self.model._default_manager.annotate(open_reports=open_report_counts(self.model))
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    @admin.display(description=_("body"))
    def excerpt(self, confession: Confession) -> str:
        return confession.body[:80]

    @admin.display(description=_("open reports"), ordering="open_reports")
    def open_report_count(self, confession: Confession) -> int:
        return getattr(confession, "open_reports", 0)

    @admin.display(description=_("sender"))
    def sender_unless_anonymous(self, confession: Confession) -> str:
        return gettext("(anonymous)") if confession.anonymous else confession.sender.username

    @admin.display(description=_("media"))
    def media_preview(self, confession: Confession) -> str:
        rendered = [media_render(a.media) for a in confession.attachments.select_related("media")]
        if not rendered:
            return "-"
        return format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
            'style="max-height:120px"></a>',
            ((item["url"], item["thumbnail_url"], item["kind"]) for item in rendered),
        )

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("messages_app.moderate_confession")


@admin.register(QueuedConfession)
class ModerationQueueAdmin(ConfessionAdmin):
    """Pending and reported confessions, most reported first, then oldest first."""

    list_filter = ("status", "anonymous")
    date_hierarchy = None

    def get_queryset(self, request):
        # The pending ones (a partial index) and the reported ones (their ids, from the
        # reports): an index scan each, where `open_reports > 0` read every confession.
        reported = openly_reported(self.model)
        # What another moderator is on is theirs for now: the queue goes past it.
        theirs = claims.held_by_others(moderator=request.user, model=self.model, object_ids=None)
        return (
            super()
            .get_queryset(request)
            .filter(Q(status=Confession.Status.PENDING) | Q(pk__in=reported))
            .exclude(pk__in=list(theirs))
        )

    def get_ordering(self, request):
        # Not `ordering`: the changelist would otherwise apply the model's newest-first.
        return ("-open_reports", "created_at")


@admin.register(Reply)
class ReplyAdmin(ClaimsMixin, PeopleGuardedAdmin, ReadOnlyModelAdmin):
    list_display = ("id", "confession", "excerpt", "status", "created_at")
    ordering = ("-created_at", "-id")  # the newest first (a thread reads oldest first)
    list_filter = ("status",)
    search_fields = moderator_search_fields = ("body",)
    fields = ("confession", "body", "status", "suppressed", "moderation_note", "created_at")
    inlines = (DecisionInline,)
    actions = ("approve_replies", "reject_replies")

    @admin.display(description=_("body"))
    def excerpt(self, reply: Reply) -> str:
        return reply.body[:80]

    @admin.action(description=_("Approve selected replies"), permissions=("moderate",))
    def approve_replies(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda reply: services.reply_approve(moderator=request.user, reply_id=reply.pk),
        )

    @admin.action(
        description=_("Reject selected replies (reason: other)"), permissions=("moderate",)
    )
    def reject_replies(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda reply: services.reply_reject(
                moderator=request.user, reply_id=reply.pk, reason=ReasonCategory.OTHER
            ),
        )

    def _decide(self, request, queryset, decide) -> None:
        decide_each(
            self, request, queryset.filter(status=Reply.Status.PENDING), decide, _replies_decided
        )

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("messages_app.moderate_reply")
