"""The reports and the audit log filter by kind of content: the moderated kinds only."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/moderation/report/", "/admin/moderation/decision/"])
def test_the_kind_filter_lists_the_moderated_kinds_and_filters_by_them(admin_client, path):
    page = admin_client.get(path).content.decode()
    kinds = set(re.findall(r'href="\?kind=(\d+)"[^>]*>([^<]+)<', page))
    names = {name for _, name in kinds}
    assert {"confession", "reply", "post", "comment", "media", "profile text"} <= names
    assert not names & {"session", "permission", "blacklisted token", "content type", "user"}
    for value, _ in kinds:
        assert admin_client.get(f"{path}?kind={value}").status_code == 200
