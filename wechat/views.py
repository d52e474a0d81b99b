"""/wechat/push: where WeChat pushes events (消息推送, JSON format). Not part of the REST API:
WeChat calls it, signed with the shared Token, not a user's JWT.

GET answers the URL verification (`echostr`). POST checks the signature (plain mode) or
msg_signature and decrypts (safe mode: WECHAT_PUSH_AES_KEY set) before it reads the event,
stores the event once (`PushEvent.key`: WeChat retries a push until it hears `success`), leaves
its processing to a task, and answers `success` at once, well within WeChat's 5 s.

A signed query is good once, and only while fresh: its timestamp within
WECHAT_PUSH_MAX_AGE_SECONDS of our clock, its timestamp and nonce never seen before (kept in
the cache for twice that). In plain mode the signature does not cover the body, so a signed
URL seen once (in a log, a proxy) would otherwise carry any event anyone liked; production
refuses plain mode unless WECHAT_PUSH_PLAIN_MODE says so (settings)."""

from __future__ import annotations

import json
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from wechat import push, tasks
from wechat.models import PushEvent

logger = logging.getLogger(__name__)


def _refused(reason: str) -> HttpResponse:
    logger.warning("WeChat push refused: %s", reason)
    return HttpResponse("forbidden", status=403, content_type="text/plain")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def wechat_push(request: HttpRequest) -> HttpResponse:
    token = settings.WECHAT_PUSH_TOKEN
    if not token:
        raise Http404
    timestamp, nonce = request.GET.get("timestamp", ""), request.GET.get("nonce", "")
    if not _fresh(timestamp):
        return _refused("stale or missing timestamp")
    if request.method == "GET":
        if not push.signed(request.GET.get("signature", ""), token, timestamp, nonce):
            return _refused("bad signature on verification")
        return HttpResponse(request.GET.get("echostr", ""), content_type="text/plain")
    aes_key = settings.WECHAT_PUSH_AES_KEY
    if not aes_key and not push.signed(request.GET.get("signature", ""), token, timestamp, nonce):
        return _refused("bad signature")
    try:
        body = json.loads(request.body)
        if aes_key:
            encrypted = body["Encrypt"]
            if not push.signed(
                request.GET.get("msg_signature", ""), token, timestamp, nonce, encrypted
            ):
                return _refused("bad msg_signature")
            body = json.loads(
                push.decrypt(encrypted, encoding_aes_key=aes_key, appid=settings.WECHAT_APPID)
            )
        if not isinstance(body, dict):
            raise ValueError("not an object")
    except push.BadPush as exc:
        return _refused(str(exc))
    except (ValueError, KeyError, TypeError):
        return HttpResponse("bad request", status=400, content_type="text/plain")
    # Signed and well formed: the nonce is spent now, and given back if storing fails (the
    # retry WeChat then sends may carry the same one).
    seen = f"wechat-push-nonce:{timestamp}:{nonce}"
    if not cache.add(seen, 1, timeout=2 * settings.WECHAT_PUSH_MAX_AGE_SECONDS):
        return _refused("nonce already used")
    try:
        _store(body)
    except BaseException:
        cache.delete(seen)
        raise
    return HttpResponse("success", content_type="text/plain")


def _fresh(timestamp: str) -> bool:
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    return abs(time.time() - sent) <= settings.WECHAT_PUSH_MAX_AGE_SECONDS


def _key(body: dict) -> str:
    parts = [str(body.get(name, "")) for name in ("FromUserName", "CreateTime", "Event")]
    if body.get("trace_id"):
        parts.append(str(body["trace_id"]))
    return ":".join(parts)[:200]


def _store(body: dict) -> None:
    key = _key(body)
    try:
        with transaction.atomic():
            event = PushEvent.objects.create(
                key=key,
                event=str(body.get("Event", ""))[:64],
                openid=str(body.get("FromUserName", ""))[:64],
                payload=body,
            )
            tasks.push_event_process.enqueue(event.pk)
    except IntegrityError:
        logger.info("WeChat push %s received again: already stored", key)
