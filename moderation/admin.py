"""The moderators' desk, shared by every kind of content: the action that asks for a reason
before it calls a feature's decision service, the report and decision inlines a feature's
screen shows, the audit log and the reports (read-only to everyone, superusers included), and
the word list. What a decision does is the feature's service; nothing here edits content."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.admin_bases import PeopleGuardedAdmin, ReadOnlyInline, ReadOnlyModelAdmin
from core.errors import ApplicationError
from core.moderated import Moderated, moderated_kinds
from media_app.rendering import Urls, media_values_render
from media_app.selectors import Attachments
from moderation import appeals, claims, desk, notices, sanctions
from moderation.models import (
    Appeal,
    BannedPhrase,
    Decision,
    ReasonCategory,
    Report,
    Sanction,
)
from moderation.records import records_of


def _reports_on(model: type[Model]) -> QuerySet[Report]:
    """The reports on a feature's rows (of its content type), by their index."""
    return Report.objects.filter(content_type=ContentType.objects.get_for_model(model))


def _reports_of_row(model: type[Model]) -> QuerySet[Report]:
    """The reports on each row of a feature's changelist (an `OuterRef("pk")`)."""
    return _reports_on(model).filter(object_id=OuterRef("pk"))


def open_report_counts(model: type[Model]) -> Coalesce:
    """Each row's open reports, to annotate a feature's changelist with: counted for the rows
    of the page by a subquery, where a join of the reports grouped the whole table before
    the page was cut (on 60,000 confessions, 0.2 s of PostgreSQL a page, and growing). (Not
    `moderation.services.open_reports`, the open reports of one target.)"""
    counted = _reports_of_row(model).filter(resolved_at=None).order_by().values("object_id")
    return Coalesce(Subquery(counted.annotate(n=Count("id")).values("n")), 0)


def openly_reported(model: type[Model]) -> list[int]:
    """The ids of a feature's rows that have open reports: few, and read from the reports'
    own table (by its index), where asking each row of the feature's table means reading
    them all."""
    reports = _reports_on(model).filter(resolved_at=None)
    return list(reports.values_list("object_id", flat=True).distinct())


def reported(model: type[Model]) -> Exists:
    """Whether a row has ever been reported, for a changelist's filter."""
    return Exists(_reports_of_row(model))


class ModerationForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[("", "---------"), *ReasonCategory.choices],
        required=False,
        help_text=_("shown to the author"),
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        help_text=_("for the audit log only"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def decide_each(
    modeladmin,
    request: HttpRequest,
    items: Iterable,
    decide: Callable,
    summary: Callable[[int], str],
) -> None:
    """Calls `decide(item)` for each item, then tells the moderator `summary(how many were
    done)` and, apart, each item a service refused and why."""
    done, refused = 0, []
    for item in items:
        try:
            decide(item)
            done += 1
        except ApplicationError as exc:
            refused.append(f"#{item.pk}: {exc.message}")
    modeladmin.message_user(request, summary(done), messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, " ".join(refused), messages.WARNING)


def _done(action: str, count: int) -> str:
    return gettext("%(action)s: %(count)d done.") % {"action": action, "count": count}


def _decision_kwargs(form: forms.Form, *, needs_reason: bool) -> dict[str, Any] | None:
    """What a valid intermediate form hands the service (besides the moderator); None (and
    the form shown again) while it is not valid. The reason form gives the note, and the reason
    category where the decision needs one; another form gives its fields as they are."""
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    if isinstance(form, ModerationForm):
        if needs_reason and not data["reason"]:
            form.add_error("reason", _("Choose the reason the author will see."))
            return None
        if not needs_reason:
            del data["reason"]
    return data


def moderation_action(
    name: str,
    title: str,
    service: Callable,
    *,
    needs_reason: bool,
    permission: str,
    target: str,
    batch: bool = False,
    form_class: type[forms.Form] | None = None,
):
    """An admin action that first asks for a reason (an intermediate form), then calls
    `service` for each selected row (its id as `target`) and reports what it did and what it
    could not do. With `batch`, `service` is called once with every selected id (`target`
    then names a list) and answers how many it did. `form_class` replaces the reason form:
    its fields go to `service` as they are."""

    def action(modeladmin, request: HttpRequest, queryset: QuerySet):
        form = (form_class or ModerationForm)(request.POST if "apply" in request.POST else None)
        data = _decision_kwargs(form, needs_reason=needs_reason) if form.is_bound else None
        kwargs = None if data is None else {"moderator": request.user, **data}
        if kwargs is not None and batch:
            done = service(**{target: [item.pk for item in queryset]}, **kwargs)
            modeladmin.message_user(request, _done(title, done), messages.SUCCESS)
            return None
        if kwargs is not None:
            moderator = cast(User, request.user)  # the admin lets in staff only

            def decide(item: Any) -> None:
                # Not while another moderator is on it; then it is free again.
                claims.check_free(moderator=moderator, model=modeladmin.model, object_id=item.pk)
                service(**{target: item.pk}, **kwargs)
                claims.release(moderator=moderator, model=modeladmin.model, object_id=item.pk)

            decide_each(modeladmin, request, queryset, decide, lambda done: _done(title, done))
            return None
        return TemplateResponse(
            request,
            "admin/moderation/moderation_form.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": title,
                "items": list(queryset),
                "form": form,
                "action": name,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": modeladmin.model._meta,
            },
        )

    action.__name__ = name
    return admin.action(description=title, permissions=(permission,))(action)


class NoticeForm(forms.Form):
    message = forms.CharField(
        max_length=500,
        help_text=_('what their authors read, from "the moderators"'),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def notice_action(model: type[Moderated]) -> Any:
    """Write to the authors of the selected items: each reads it once, from "the
    moderators"; the moderator learns how many were written to, never who."""
    return moderation_action(
        "notice_authors",
        cast(str, _("Write to their authors")),
        partial(notices.notice_authors, model=model),
        needs_reason=False,
        permission="moderate",
        target="target_ids",
        batch=True,
        form_class=NoticeForm,
    )


def sanction_actions(model: type[Moderated]) -> tuple[Any, ...]:
    """Warn, mute or ban the authors of the selected items (SANCTION_MUTE_HOURS,
    SANCTION_BAN_HOURS), each author once, without learning who they are: the moderator is
    told how many authors, never which."""
    return tuple(
        moderation_action(
            name,
            cast(str, title),  # lazy: translated when the desk shows it
            partial(sanctions.sanction_authors, model=model, kind=kind),
            needs_reason=True,
            permission="moderate",
            target="target_ids",
            batch=True,
        )
        for name, title, kind in (
            ("warn_authors", _("Warn their authors"), Sanction.Kind.WARNING),
            ("mute_authors", _("Mute their authors"), Sanction.Kind.MUTE),
            ("ban_authors", _("Ban their authors"), Sanction.Kind.BAN),
        )
    )


class AuthorRecordMixin:
    """A column, and a line on the item's page, with its author's record (numbers only:
    moderation.records), read for the whole page of a list at once. Never who the author is."""

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)  # type: ignore[misc]
        field = f"{changelist.model.author_field}_id"
        rows = list(changelist.result_list)
        records = records_of({getattr(row, field) for row in rows})
        for row in rows:
            row._author_record = records[getattr(row, field)]
        return changelist

    @admin.display(description=_("author's record"))
    def author_record(self, obj: Any) -> str:
        record = getattr(obj, "_author_record", None)
        if record is None:
            author = getattr(obj, f"{type(obj).author_field}_id")
            record = records_of({author})[author]
        return str(record)


# The admin's index leads to the desk, with how many items wait there.
admin.site.index_template = "admin/moderation/index.html"


def _desk_entry(request: HttpRequest, model: type[Model], object_id: int) -> desk.Entry | None:
    """The item as the desk shows it, with the decisions that apply to it now."""
    concrete = model._meta.concrete_model
    for desk_kind in desk.kinds_for(request.user):  # type: ignore[arg-type]
        if desk_kind.model is concrete:
            entry = desk.entry_of(desk_kind.name, object_id)
            return next(iter(desk.load([entry], request=request)), None) if entry else None
    return None


class ClaimsMixin:
    """Opening an item claims it (moderation.claims); a list shows who else is on its rows,
    and the item's page says so when someone else holds it. The item's page carries the
    desk's decisions (moderation.desk), keys included: the next item opens after."""

    change_form_template: ClassVar[Any] = "admin/moderation/change_form.html"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        if request.method == "GET" and object_id.isdigit():
            extra_context = {
                **(extra_context or {}),
                "desk_entry": _desk_entry(request, self.model, int(object_id)),  # type: ignore[attr-defined]
                "reasons": desk.reason_keys(),
            }
            held = claims.claim(
                moderator=request.user,  # type: ignore[arg-type]
                model=self.model,  # type: ignore[attr-defined]
                object_id=int(object_id),
            )
            if held.moderator_id != request.user.pk:
                self.message_user(  # type: ignore[attr-defined]
                    request,
                    gettext("%(moderator)s is on this item until %(until)s.")
                    % {
                        "moderator": held.moderator.get_username(),
                        "until": timezone.localtime(held.until).strftime("%H:%M"),
                    },
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)  # type: ignore[misc]
        rows = list(changelist.result_list)
        held = claims.held_by_others(
            moderator=request.user,  # type: ignore[arg-type]
            model=changelist.model,
            object_ids=[row.pk for row in rows],
        )
        for row in rows:
            row._claim = held.get(row.pk)
        return changelist

    @admin.display(description=_("on it"))
    def claimed_by(self, obj: Any) -> str:
        held = getattr(obj, "_claim", None)
        return held.moderator.get_username() if held is not None else ""


class ThumbnailsMixin:
    """A column with the pictures an item carries (images, video posters), small, each
    opening large in a new tab: the same signed, expiring URLs as the API's, read for the
    whole page of a list in one query. A media key names no owner, so no picture's address
    tells who sent it. `attachments` is the feature's attachment table."""

    attachments: Attachments

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)  # type: ignore[misc]
        rows = list(changelist.result_list)
        carried = self.attachments.attach([{"id": row.pk} for row in rows])
        urls = Urls(request)
        for row, found in zip(rows, carried, strict=True):
            row._pictures = [media_values_render(m, urls, "media__") for m in found["media"]]
        return changelist

    @admin.display(description=_("pictures"))
    def pictures(self, obj: Any) -> str:
        shown = [item for item in getattr(obj, "_pictures", []) if item["thumbnail_url"]]
        if not shown:
            return "-"
        return format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
            'style="max-height:64px"></a>',
            ((item["url"], item["thumbnail_url"], item["kind"]) for item in shown),
        )


class _ReadOnlyGenericInline(ReadOnlyInline, GenericTabularInline):
    pass


class ReportInline(_ReadOnlyGenericInline):
    model = Report
    fields = ("category", "text", "reporter", "created_at", "resolved_at", "outcome")
    readonly_fields = fields


class DecisionInline(_ReadOnlyGenericInline):
    model = Decision
    fields = ("created_at", "moderator", "action", "from_status", "to_status", "reason", "note")
    readonly_fields = fields


class KindFilter(admin.SimpleListFilter):
    """By kind of content: the moderated kinds only (`core.moderated.Moderated`), not every
    model of the project as Django's own filter on a content type lists them."""

    title = _("kind of content")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        kinds = moderated_kinds()
        types = ContentType.objects.get_for_models(*kinds)
        return sorted(
            ((str(types[model].pk), str(model._meta.verbose_name)) for model in kinds),
            key=lambda kind: kind[1],
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(content_type_id=value) if value and value.isdigit() else queryset


@admin.register(Report)
class ReportAdmin(PeopleGuardedAdmin, ReadOnlyModelAdmin):
    list_display = ("id", "target", "category", "reporter", "created_at", "outcome")
    list_filter = (KindFilter, "category", "outcome")
    fields = (
        "content_type",
        "object_id",
        "category",
        "text",
        "reporter",
        "created_at",
        "resolved_at",
        "outcome",
    )
    list_select_related = ("content_type", "reporter")


@admin.register(Decision)
class DecisionAdmin(PeopleGuardedAdmin, ReadOnlyModelAdmin):
    """The audit log: read-only for everyone, superusers included."""

    list_display = (
        "created_at",
        "moderator",
        "action",
        "target",
        "from_status",
        "to_status",
        "reason",
    )
    list_filter = (KindFilter, "action", "reason")
    fields = (
        "created_at",
        "moderator",
        "content_type",
        "object_id",
        "action",
        "from_status",
        "to_status",
        "reason",
        "note",
    )
    list_select_related = ("content_type", "moderator")


@admin.register(BannedPhrase)
class BannedPhraseAdmin(admin.ModelAdmin):
    list_display = ("phrase", "action", "created_at")
    list_filter = ("action",)
    search_fields = ("phrase",)
    list_editable = ("action",)


class SanctionForm(forms.ModelForm):
    hours = forms.IntegerField(
        label=_("hours"),
        min_value=1,
        required=False,
        help_text=_("How long a mute or a ban lasts; empty: for good (a warning has none)."),
    )

    class Meta:
        model = Sanction
        fields = ("user", "kind", "reason", "hours", "note")


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    """Sanctions by user: superusers only, since the list names who was sanctioned and when
    (beside a queue of anonymous items, that would unmask their authors). Imposed and lifted
    through moderation.sanctions, so the user is told and a timed one ends by itself."""

    form = SanctionForm
    list_display = ("created_at", "user", "kind", "reason", "until", "ended_at", "moderator")
    list_filter = ("kind", "reason")
    raw_id_fields = ("user",)
    actions = ("lift",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Sanction, form: forms.Form, change: bool
    ) -> None:
        hours = form.cleaned_data.get("hours")
        made = sanctions.sanction_impose(
            moderator=request.user,  # type: ignore[arg-type]
            user=obj.user,
            kind=obj.kind,
            reason=obj.reason,
            duration=timedelta(hours=hours) if hours else None,
            note=obj.note,
        )
        obj.pk = made.pk

    @admin.action(description=_("Lift the selected sanctions now"))
    def lift(self, request: HttpRequest, queryset: QuerySet[Sanction]) -> None:
        for sanction in queryset:
            sanctions.sanction_lift(sanction=sanction, moderator=request.user)  # type: ignore[arg-type]
        self.message_user(request, gettext("Lifted."), messages.SUCCESS)


@admin.register(Appeal)
class AppealAdmin(PeopleGuardedAdmin, ReadOnlyModelAdmin):
    """The appeals queue, oldest first. Who appealed is shown to superusers only: the author
    of an anonymous item appeals it."""

    list_display = ("id", "kind", "target", "excerpt", "status", "created_at")
    list_filter = ("status", "kind")
    fields = ("kind", "target", "text", "status", "note", "decided_at", "created_at")
    person_fields = {"appellant": None}
    ordering = ("status", "created_at", "id")
    actions = (
        moderation_action(
            "overturn",
            cast(str, _("Overturn (restore the item, or end the sanction)")),
            partial(appeals.appeal_decide, overturn=True),
            needs_reason=False,
            permission="moderate",
            target="appeal_id",
        ),
        moderation_action(
            "uphold",
            cast(str, _("Uphold")),
            partial(appeals.appeal_decide, overturn=False),
            needs_reason=False,
            permission="moderate",
            target="appeal_id",
        ),
    )

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("moderation.decide_appeal"))

    @admin.display(description=_("text"))
    def excerpt(self, appeal: Appeal) -> str:
        return appeal.text[:80]

    @admin.display(description=_("appealed"))
    def target(self, appeal: Appeal) -> str:
        if appeal.kind == appeals.SANCTION:
            sanction = Sanction.objects.filter(pk=appeal.target_id).first()
            if sanction is None:
                return "-"
            return f"{sanction.get_kind_display()} ({sanction.get_reason_display()})"
        appealable = appeals.kinds.get(appeal.kind)
        if appealable is None:
            return f"{appeal.kind} {appeal.target_id}"
        meta = appealable.model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[appeal.target_id])
        return format_html('<a href="{}">{} {}</a>', url, meta.verbose_name, appeal.target_id)
