"""Risky new WeChat accounts: at sign-up, WeChat's `getuserriskrank` (scene 0, registration)
ranks the user from 0 (no known risk) to 4; an account ranked WECHAT_RISK_REVIEW_RANK or
above has what it writes (confessions, replies, wall posts and comments) held for moderators
during its first WECHAT_RISK_REVIEW_DAYS (`held_for_review`, read by the checker chain).

WeChat away, or answering an error, leaves the rank unknown (None): such an account is treated
as any other, never refused. The errcodes are WeChat's (see `_ERRCODES`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from wechat import client as wechat

logger = logging.getLogger(__name__)

# getuserriskrank's errcodes, as WeChat documents them; each leaves the rank unknown.
_ERRCODES = {
    -1: "WeChat busy",
    40001: "access token invalid",
    40003: "openid invalid",
    43104: "appid and openid do not match",
    48001: "the mini program lacks the API's permission (apply in 安全中心 → 风险用户扫描)",
    61010: "the openid has not visited the mini program in the last 30 minutes",
}
SCENE_REGISTRATION = 0


def rank_fetch(*, user: User, client_ip: str) -> int | None:
    """Ask WeChat for a new account's risk rank and keep it; None (kept as unknown) when
    WeChat is not configured, away, or answers an error."""
    if not user.wechat_openid or not client_ip:
        return None
    try:
        client = wechat.get_client()
        answer = client.call(
            "wxa/getuserriskrank",
            {
                "appid": client.appid,
                "openid": user.wechat_openid,
                "scene": SCENE_REGISTRATION,
                "client_ip": client_ip,
            },
        )
    except wechat.WeChatNotConfigured:
        return None
    except wechat.WeChatError as exc:
        why = _ERRCODES.get(exc.errcode, "unknown errcode")
        logger.warning("getuserriskrank errcode %s (%s): rank unknown", exc.errcode, why)
        return None
    except wechat.WeChatUnavailable:
        logger.warning("getuserriskrank unreachable: rank unknown")
        return None
    rank = answer.get("risk_rank")
    if not isinstance(rank, int) or not 0 <= rank <= 4:
        logger.warning("getuserriskrank answered without a rank: rank unknown")
        return None
    User.objects.filter(pk=user.pk).update(wechat_risk_rank=rank)
    user.wechat_risk_rank = rank
    return rank


def held_for_review(user: User) -> bool:
    """Whether what `user` writes now waits for moderators: a risky rank, a young account."""
    rank = user.wechat_risk_rank
    if rank is None or rank < settings.WECHAT_RISK_REVIEW_RANK:
        return False
    until = user.date_joined + timedelta(days=settings.WECHAT_RISK_REVIEW_DAYS)
    return timezone.now() < until
