"""Bases of the admin screens.

- `ReadOnlyModelAdmin` / `ReadOnlyTabularInline`: rows that only services write; staff look
  and decide through actions, but never add, edit or delete them by hand.
- `PeopleGuardedAdmin`: every screen that shows confessions, replies, reports, decisions or
  media, whose author may be an anonymous sender. To anyone but a superuser, nothing on it
  reaches a person: a list can be narrowed only by its own filters and date hierarchy (so no
  `?sender=`, `?author__id__exact=` or `?confession__sender=` a URL could carry), searched only
  by `moderator_search_fields`, sorted only by columns that cross no relation, and each of the
  `person_fields` is shown as what it maps to (a column that hides an anonymous sender), or not
  at all.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP


class ReadOnlyModelAdmin(admin.ModelAdmin):
    # The content tables grow large: a filtered list counts its matches, not the whole table
    # a second time for "(N total)".
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline:
    """An inline of rows that only services write (mixed into any kind of inline)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyTabularInline(ReadOnlyInline, admin.TabularInline):
    pass


class _SortableOnlyChangeList(ChangeList):
    """Django applies `?o=<column>` whether or not the column is in `sortable_by`; this one
    ignores columns that are not."""

    def get_ordering_field(self, field_name):
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)


class PeopleGuardedAdmin(admin.ModelAdmin):
    # A person field -> what anyone but a superuser sees in its place (None: nothing).
    person_fields: dict[str, str | None] = {}
    moderator_search_fields: tuple[str, ...] = ()  # must reach no sender or author

    @staticmethod
    def sees_people(request) -> bool:
        return request.user.is_superuser

    # --- filtering by URL parameters ---------------------------------------------------------

    def _own_filters(self, request) -> tuple[set[str], set[str]]:
        """(exact parameter names, field paths) of this list's own filters."""
        names, paths = set(), set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                names.add(item.parameter_name)
            else:
                paths.add(item[0] if isinstance(item, (list, tuple)) else item)
        if self.date_hierarchy:
            paths.add(self.date_hierarchy)
        return names, paths

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        if request is not None and not self.sees_people(request):
            names, paths = self._own_filters(request)
            # A filter's own parameters are its path with at most one lookup after it
            # (`status__exact`, `created_at__gte`), never a path that goes further.
            own = lookup in names or any(
                lookup == path
                or (
                    lookup.startswith(path + LOOKUP_SEP)
                    and LOOKUP_SEP not in lookup[len(path) + len(LOOKUP_SEP) :]
                )
                for path in paths
            )
            if not own:
                return False
        return super().lookup_allowed(lookup, value, request)

    # --- searching, sorting, showing ---------------------------------------------------------

    def get_search_fields(self, request):
        if self.sees_people(request):
            return super().get_search_fields(request)
        return self.moderator_search_fields

    def _crosses_no_relation(self, name: str) -> bool:
        order_field = name
        if not hasattr(self.model, name) or callable(getattr(self, name, None)):
            attribute = getattr(self, name, None) or getattr(self.model, name, None)
            order_field = getattr(attribute, "admin_order_field", None)
            if order_field is None:
                return True  # not sortable at all
            if not isinstance(order_field, str):
                return False
        order_field = order_field.lstrip("-")
        if LOOKUP_SEP in order_field:
            return False
        try:
            return not self.model._meta.get_field(order_field).is_relation
        except FieldDoesNotExist:
            return True  # an annotation of this admin's own queryset

    def get_sortable_by(self, request):
        if self.sees_people(request):
            return super().get_sortable_by(request)
        return [name for name in self.get_list_display(request) if self._crosses_no_relation(name)]

    def get_changelist(self, request, **kwargs):
        return _SortableOnlyChangeList

    def _without_people(self, request, names) -> list[str]:
        if self.sees_people(request):
            return list(names)
        shown = (self.person_fields.get(name, name) for name in names)
        return [name for name in shown if name is not None]

    def get_list_display(self, request):
        return self._without_people(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._without_people(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)
