"""Share codes: the mini program code (小程序码) a sender shows or saves for a share link, made
by WeChat's `getwxacodeunlimit` once and kept (messages_app.models.ShareCode)."""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext

from accounts.models import User
from core.errors import ApplicationError, ServiceUnavailable
from messages_app import selectors
from messages_app.models import Confession, ShareCode
from wechat import client as wechat

logger = logging.getLogger(__name__)

_ENV_VERSIONS = {"formal": "release", "trial": "trial", "developer": "develop"}


def share_code(*, user: User, confession_id: int) -> bytes:
    """The PNG of `confession_id`'s share code, for its sender while nobody has claimed it
    (404 for anyone else; 409 for one that is no share link, claimed, or not approved)."""
    confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
    if confession.sender_id != user.pk:
        raise Http404
    if not (
        confession.share_token
        and confession.recipient_id is None
        and confession.status == Confession.Status.APPROVED
    ):
        raise ApplicationError(
            "not_shareable",
            gettext("Only an approved share link nobody has claimed has a share code."),
            status=409,
        )
    stored = ShareCode.objects.filter(confession=confession).values_list("image", flat=True)
    if stored:
        return bytes(stored[0])
    scene = "c" + secrets.token_urlsafe(12)  # 17 characters of WeChat's allowed set
    image = _made_by_wechat(scene)
    try:
        with transaction.atomic():
            ShareCode.objects.create(confession=confession, scene=scene, image=image)
    except IntegrityError:  # made meanwhile by another request: keep that one
        return bytes(ShareCode.objects.get(confession=confession).image)
    return image


def _made_by_wechat(scene: str) -> bytes:
    payload = {
        "scene": scene,
        "page": settings.WECHAT_SHARE_PAGE,
        "check_path": False,
        "env_version": _ENV_VERSIONS[settings.WECHAT_MINIPROGRAM_STATE],
        "width": 430,
    }
    try:
        return wechat.get_client().image("wxa/getwxacodeunlimit", payload)
    except wechat.WeChatNotConfigured:
        raise ServiceUnavailable(
            "WeChat is not configured on this server.", code="wechat_unavailable"
        ) from None
    except (wechat.WeChatUnavailable, wechat.WeChatError) as exc:
        logger.warning("share code not made: %s", exc)
        raise ServiceUnavailable(
            "WeChat could not make the share code; try again soon.", code="wechat_unavailable"
        ) from None


def share_token_of_scene(*, scene: str) -> str:
    """The share token a code's scene leads to, while the link is open to claim (else 404)."""
    token = (
        ShareCode.objects.filter(
            scene=scene, confession__recipient__isnull=True, confession__retracted_at__isnull=True
        )
        .values_list("confession__share_token", flat=True)
        .first()
    )
    if not token:
        raise Http404
    return token
