"""`{% desk_waiting as count %}`: how many items wait at the desk for the signed-in
moderator (None for someone who decides nothing), for the admin's index."""

from typing import Any

from django import template

from moderation import desk

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_waiting(context: dict[str, Any]) -> int | None:
    return desk.depth(context["request"].user)
