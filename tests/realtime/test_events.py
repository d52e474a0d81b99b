"""Event types: registered in one place per app, built only by that app's builders, and the
docs/api.md's event table is exactly the registry."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from accounts.models import User
from exports import events as export_events
from messages_app import events as confession_events
from moderation import events as moderation_events
from realtime import events
from realtime.services import notify
from walls import events as wall_events

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_event_table_is_the_registry():
    readme = (ROOT / "docs" / "api.md").read_text()
    assert events.events_table() in readme, (
        "docs/api.md's event table is out of date; paste realtime.events.events_table():\n"
        + events.events_table()
    )


def test_every_registered_type_is_built_by_a_builder_and_every_builder_builds_one():
    someone = User(username="someone", display_name="Someone")
    built = set()
    builders = [
        (name, builder)
        for module in (confession_events, wall_events, moderation_events, export_events)
        for name, builder in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and builder.__module__ == module.__name__
    ]
    for name, builder in builders:
        arguments = {}
        for parameter in inspect.signature(builder).parameters.values():
            kind = parameter.annotation
            if "User" in str(kind):
                arguments[parameter.name] = someone
            elif "bool" in str(kind):
                arguments[parameter.name] = True
            elif "int" in str(kind):
                arguments[parameter.name] = 1
            elif str(kind) == "datetime":
                arguments[parameter.name] = timezone.now()
            elif "dict" in str(kind) or "datetime" in str(kind):
                arguments[parameter.name] = None
            else:
                arguments[parameter.name] = "x"
        event = builder(**arguments)
        assert events.is_registered(event["type"]), name
        assert isinstance(event["data"], dict)
        built.add(event["type"])
    assert built == {event.name for event in events.registered()}


def test_registering_a_type_twice_differently_is_refused():
    with pytest.raises(ImproperlyConfigured, match="twice"):
        events.declare("confession.read", to="someone else", data="nothing")


@pytest.mark.django_db
def test_notify_refuses_an_unregistered_type(alice):
    with pytest.raises(ValueError, match="unknown notification type"):
        notify(user=alice, type="confession.exploded", data={})
