"""Admin: the user list (search, filters) and bans through the service."""

from __future__ import annotations

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import services
from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="root-pass-2026!")
    client.force_login(admin)
    return client


def test_user_list_search_and_filters(staff_client, alice, bob):
    User.objects.filter(pk=bob.pk).update(wechat_openid="o-bob-123")
    by_openid = staff_client.get("/admin/accounts/user/", {"q": "o-bob"})
    assert by_openid.status_code == 200
    assert b">bob<" in by_openid.content
    assert b">alice<" not in by_openid.content
    inactive = staff_client.get("/admin/accounts/user/", {"is_active__exact": "0"})
    assert inactive.status_code == 200
    assert b">alice<" not in inactive.content
    assert staff_client.get("/admin/accounts/user/", {"is_staff__exact": "1"}).status_code == 200


def test_ban_action_deactivates_and_kills_refresh_tokens(staff_client, alice, bob, api_client):
    first, second = services.token_pair_for(alice), services.token_pair_for(alice)
    response = staff_client.post(
        "/admin/accounts/user/",
        {"action": "ban_users", "_selected_action": [alice.pk]},
        follow=True,
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert alice.is_active is False
    assert bob.is_active is True
    assert BlacklistedToken.objects.filter(token__user=alice).count() == 2
    for pair in (first, second):
        refused = api_client.post("/api/v1/auth/refresh", {"refresh": pair["refresh"]})
        assert refused.status_code == 401

    staff_client.post(
        "/admin/accounts/user/", {"action": "unban_users", "_selected_action": [alice.pk]}
    )
    alice.refresh_from_db()
    assert alice.is_active is True


def test_unticking_active_in_the_form_is_a_ban(staff_client, alice):
    services.token_pair_for(alice)
    page = staff_client.get(f"/admin/accounts/user/{alice.pk}/change/")
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("password", "avatar", "groups", "user_permissions")
    }
    data.update(
        username="alice",
        is_active="",
        date_joined_0=alice.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=alice.date_joined.strftime("%H:%M:%S"),
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    for inline in page.context["inline_admin_formsets"]:  # held profile texts: none
        management = inline.formset.management_form
        data.update(
            {f"{management.prefix}-{key}": value for key, value in management.initial.items()}
        )
    response = staff_client.post(f"/admin/accounts/user/{alice.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    alice.refresh_from_db()
    assert alice.is_active is False
    outstanding = OutstandingToken.objects.get(user=alice)
    assert BlacklistedToken.objects.filter(token=outstanding).exists()
