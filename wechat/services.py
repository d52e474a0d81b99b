"""Subscribe messages: the credits users grant (`wx.requestSubscribeMessage`), and sending one
for a notification its user has not seen.

Credits follow WECHAT.md: +1 per accept; -1 when WeChat answers errcode 0; 0 on 43101 (the user
refused) or a change event's reject. 47003 (data invalid) is a bug of ours: logged, not
retried. WeChat away: the task is retried (background.worker)."""

from __future__ import annotations

import logging
from typing import Annotated, Any, TypedDict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from background.worker import RetryLater
from core.payloads import Doc
from media_app import checks as media_checks
from realtime.models import Notification
from wechat import templates
from wechat.client import WeChatError, WeChatNotConfigured, WeChatUnavailable, get_client
from wechat.models import PushEvent, SubscribeCredit, SubscribeMessage

logger = logging.getLogger(__name__)

ACCEPTED = frozenset({"accept", "acceptWithAudio", "acceptWithAlert"})
SEND_PATH = "cgi-bin/message/subscribe/send"
ERR_REFUSED = 43101
ERR_DATA_INVALID = 47003


class TemplateStatePayload(TypedDict):
    event: Annotated[str, Doc("the notification type it tells of")]
    template_id: str
    credits: Annotated[int, Doc("subscribe messages the user still allows")]
    ask: Annotated[bool, Doc("no credit left: ask with wx.requestSubscribeMessage")]


class SubscriptionsPayload(TypedDict):
    templates: list[TemplateStatePayload]


def subscriptions_state(*, user: User) -> list[TemplateStatePayload]:
    """Each configured template: its event, id, the user's credits, and whether the client
    should ask for it again (no credit left)."""
    credits = dict(SubscribeCredit.objects.filter(user=user).values_list("template_id", "credits"))
    return [
        {
            "event": template.event,
            "template_id": template.id,
            "credits": credits.get(template.id, 0),
            "ask": not credits.get(template.id, 0),
        }
        for template in templates.configured()
    ]


@transaction.atomic
def subscriptions_record(*, user: User, answers: dict[str, str]) -> list[TemplateStatePayload]:
    """What `wx.requestSubscribeMessage` answered: each accept* of a configured template is one
    credit; other answers and unknown templates change nothing."""
    known = {template.id for template in templates.configured()}
    for template_id, answer in answers.items():
        if template_id in known and answer in ACCEPTED:
            credit, _ = SubscribeCredit.objects.select_for_update().get_or_create(
                user=user, template_id=template_id
            )
            credit.credits += 1
            credit.save(update_fields=["credits", "updated_at"])
    return subscriptions_state(user=user)


def subscriptions_refused(*, user: User, template_id: str) -> None:
    """The user turned this template off (a change event's reject): no credit left."""
    SubscribeCredit.objects.filter(user=user, template_id=template_id).update(credits=0)


def _page(notification: Notification) -> str:
    confession_id = notification.data.get("confession_id")
    page = settings.WECHAT_SUBSCRIBE_PAGE
    return f"{page}?id={confession_id}" if confession_id is not None else page


@transaction.atomic
def subscribe_message_send(*, notification_id: int) -> str:
    """Send `notification_id`'s subscribe message if its user has not seen it (it is not read:
    a socket's ack or POST /notifications/read), has an openid and a credit for its template.
    At most once per notification. Returns what happened, for the task's record."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None:
        return "gone"
    if notification.read_at is not None:
        return "seen"
    user, template = notification.recipient, templates.for_event(notification.type)
    # A banned user hears of their ban and of their appeal, and of nothing else.
    told = user.is_active or notification.type in templates.ABOUT_THE_ACCOUNT
    if template is None or not user.wechat_openid or not told:
        return "not_for_wechat"
    if SubscribeMessage.objects.filter(notification=notification).exists():
        return "already_sent"
    credit = (
        SubscribeCredit.objects.select_for_update()
        .filter(user=user, template_id=template.id, credits__gt=0)
        .first()
    )
    if credit is None:
        return "no_credit"
    payload = {
        "touser": user.wechat_openid,
        "template_id": template.id,
        "page": _page(notification),
        "data": templates.data_for(
            template, notification.created_at, user.language, notification.data
        ),
        "miniprogram_state": settings.WECHAT_MINIPROGRAM_STATE,
        "lang": templates.WECHAT_LANGS[user.language or templates.DEFAULT_LANGUAGE],
    }
    try:
        answer = get_client().call(SEND_PATH, payload)
    except WeChatNotConfigured:
        return "not_configured"
    except WeChatUnavailable as exc:
        raise RetryLater(str(exc)) from None
    except WeChatError as exc:
        return _refused(notification, credit, exc)
    credit.credits -= 1
    credit.save(update_fields=["credits", "updated_at"])
    SubscribeMessage.objects.create(
        notification=notification,
        user=user,
        template_id=template.id,
        outcome=SubscribeMessage.Outcome.SENT,
        msgid=str(answer.get("msgid", "")),
    )
    return "sent"


def _refused(notification: Notification, credit: SubscribeCredit, exc: WeChatError) -> str:
    Outcome = SubscribeMessage.Outcome
    if exc.errcode == ERR_REFUSED:
        credit.credits = 0
        credit.save(update_fields=["credits", "updated_at"])
        outcome = Outcome.REFUSED
    elif exc.errcode == ERR_DATA_INVALID:
        logger.error(
            "subscribe message for template %s refused as invalid (47003): %s",
            credit.template_id,
            exc.errmsg,
        )
        outcome = Outcome.INVALID
    else:
        logger.warning(
            "subscribe message for template %s refused: errcode %s", credit.template_id, exc.errcode
        )
        outcome = Outcome.FAILED
    SubscribeMessage.objects.create(
        notification=notification,
        user=notification.recipient,
        template_id=credit.template_id,
        outcome=outcome,
        errcode=exc.errcode,
    )
    return outcome


# --- events WeChat pushes (wechat.views.wechat_push stores them; a task processes each) ------


def _entries(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """A push's `List`: an object for one entry, an array for several (WECHAT.md)."""
    items = payload.get("List")
    if isinstance(items, dict):
        return [items]
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _user_of(openid: str) -> User | None:
    return User.objects.filter(wechat_openid=openid).first() if openid else None


def _popup(payload: dict[str, Any], user: User | None) -> str:
    # Credits come from the client's report (POST /wechat/subscriptions): the popup event says
    # the same again, and counting both would allow two messages for one accept.
    return "reported_by_the_client"


def _changed(payload: dict[str, Any], user: User | None) -> str:
    if user is None:
        return "unknown_user"
    refused = [
        entry.get("TemplateId")
        for entry in _entries(payload)
        if entry.get("SubscribeStatusString") == "reject"
    ]
    for template_id in refused:
        subscriptions_refused(user=user, template_id=str(template_id))
    return f"refused {len(refused)}"


def _sent(payload: dict[str, Any], user: User | None) -> str:
    failed = [entry for entry in _entries(payload) if str(entry.get("ErrorCode", "0")) != "0"]
    for entry in failed:
        logger.warning(
            "subscribe message %s not delivered: %s %s",
            entry.get("MsgID"),
            entry.get("ErrorCode"),
            entry.get("ErrorStatus"),
        )
    return f"failed {len(failed)}" if failed else "delivered"


def _revoked(payload: dict[str, Any], user: User | None) -> str:
    # We keep nothing of a WeChat profile beyond the openid (and unionid) login needs, so a
    # withdrawn authorization leaves nothing to delete.
    return "nothing_held"


def _cancelled(payload: dict[str, Any], user: User | None) -> str:
    """The WeChat account was closed: its account here goes, with all it owns. Only on the
    event as WeChat's documentation describes it: our mini program's `AppID`, and the closed
    account's openid in `OpenID` (`FromUserName` is WeChat's push service here, not a user)."""
    if str(payload.get("AppID", "")) != settings.WECHAT_APPID or not settings.WECHAT_APPID:
        return "refused_other_appid"
    if user is None or not payload.get("OpenID") or user.wechat_openid != payload["OpenID"]:
        return "unknown_user"
    account_services.user_delete(user=user)
    return "account_deleted"


def _media_checked(payload: dict[str, Any], user: User | None) -> str:
    """WeChat's verdict on an image we asked it to check (media_app.checks)."""
    result = payload.get("result") or {}
    return media_checks.media_check_verdict(
        trace_id=str(payload.get("trace_id", "")),
        suggest=str(result.get("suggest", "")),
        label=str(result.get("label", "")),
    )


PUSH_HANDLERS = {
    "wxa_media_check": _media_checked,
    "subscribe_msg_popup_event": _popup,
    "subscribe_msg_change_event": _changed,
    "subscribe_msg_sent_event": _sent,
    "user_authorization_revoke": _revoked,
    "user_authorization_cancellation": _cancelled,
}


@transaction.atomic
def push_event_process(*, event_id: int) -> str:
    event = PushEvent.objects.select_for_update().filter(pk=event_id).first()
    if event is None or event.processed_at is not None:
        return "already_processed"
    handler = PUSH_HANDLERS.get(event.event)
    openid = str(event.payload.get("OpenID") or event.openid)
    outcome = handler(event.payload, _user_of(openid)) if handler else "not_handled"
    event.processed_at, event.outcome = timezone.now(), outcome[:64]
    event.save(update_fields=["processed_at", "outcome"])
    return outcome
