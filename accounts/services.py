"""Every write the accounts app does (DESIGN.md §2): sign-up and sign-in, token rotation,
WeChat login, profiles, account deletion, bans and blocks.

Token rules: refresh tokens rotate. A rotated one answers the same new pair for a grace period
(`token_refresh`), then it is dead, and its reuse revokes every token of its sign-in; a logged
out one, or one of a banned or deleted user, is refused with 401 for good.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts import avatars, phones, regions, risk, text_checks, usernames
from accounts.models import Block, ProfileText, TokenRotation, User
from accounts.signals import disabled_details, user_deactivated
from core.errors import ApplicationError, ServiceUnavailable
from core.moderated import Status
from wechat import client as wechat

logger = logging.getLogger(__name__)

PROFILE_FIELDS = frozenset(
    {"username", "display_name", "bio", "avatar", "accepts_anonymous", "language"}
)


def _refresh_refused() -> ApplicationError:
    return ApplicationError(
        "not_authenticated",
        gettext("Refresh token is invalid, expired or no longer usable."),
        status=401,
    )


def _check_username_free(username: str, *, user: User | None = None) -> None:
    """A valid name, not someone else's (whatever its case) nor a look-alike of theirs."""
    try:
        usernames.validate(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from None
    others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
    if others.filter(username_key=usernames.key(username)).exists():
        raise ValidationError({"username": [gettext("That username is taken.")]})
    if others.filter(username_skeleton=usernames.skeleton(username)).exists():
        raise ValidationError(
            {
                "username": [
                    gettext("That username looks too much like someone else's; choose another.")
                ]
            }
        )


def _save_checked(user: User) -> None:
    """Validate and save; a username taken between our check and the write (the database's
    case-insensitive unique index says so) is the same validation error as before it."""
    user.full_clean(exclude=["password"], validate_constraints=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError({"username": [gettext("That username is taken.")]}) from None


def token_pair_for(user: User) -> dict[str, str]:
    """A fresh access and refresh token for `user` (the refresh token is recorded)."""
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


@transaction.atomic
def user_create(*, username: str, password: str, display_name: str = "") -> User:
    """Create an active user. Raises `ValidationError` (by field) and stores nothing when the
    username is malformed or taken (case-insensitively) or the password fails the validators."""
    _check_username_free(username)
    user = User(username=username, display_name=display_name)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    _save_checked(user)
    return user


def auth_login(*, username: str, password: str) -> User:
    """The user these credentials belong to, or 401; a banned user learns so (403) only by
    giving the right password."""
    user = authenticate(username=username, password=password)
    if user is not None:
        return user
    candidate = User.objects.filter(username_key=usernames.key(username), is_active=False).first()
    if candidate is not None and candidate.check_password(password):
        raise _disabled(candidate)
    raise ApplicationError(
        "invalid_credentials", gettext("Wrong username or password."), status=401
    )


def _outstanding(token: RefreshToken, raw: str, user: User) -> OutstandingToken:
    """The row a refresh token is blacklisted through (made if it predates the record)."""
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=token["jti"],
        defaults={"user": user, "token": raw, "expires_at": datetime_from_epoch(token["exp"])},
    )
    return outstanding


class _RefreshToken(RefreshToken):
    def check_blacklist(self) -> None:
        """`token_refresh` decides about used tokens itself (a grace period, then revocation)."""


def token_refresh(*, refresh: str) -> dict[str, str]:
    """Rotate: the given refresh token dies and a new access + refresh pair is returned.

    Used again within `JWT_REFRESH_GRACE_SECONDS` of its rotation, it answers the same pair
    (concurrent refreshes of one token queue on its row and all get that pair). Used later, or
    after a logout or a ban, it is refused, and every token of its family (the sign-in it
    descends from) is revoked: a copy is loose."""
    try:
        token = _RefreshToken(refresh)  # type: ignore[arg-type]  # a str, as simplejwt takes (its stubs say Token)
    except ExpiredTokenError:
        raise ApplicationError(
            "token_expired", gettext("The refresh token has expired: sign in again."), status=401
        ) from None
    except TokenError:
        raise _refresh_refused() from None
    jti = token["jti"]
    with transaction.atomic():
        user = User.objects.filter(pk=token.get("user_id"), is_active=True).first()
        if user is None:
            raise _refresh_refused()
        outstanding = _outstanding(token, refresh, user)
        # Concurrent refreshes of this token wait here for the first to commit.
        _lock_outstanding(outstanding.pk)
        rotation = TokenRotation.objects.filter(jti=jti).first()
        now = timezone.now()
        if rotation is not None and now - rotation.rotated_at <= timedelta(
            seconds=settings.JWT_REFRESH_GRACE_SECONDS
        ):
            successor_dead = BlacklistedToken.objects.filter(
                token__jti=rotation.successor_jti
            ).exists()
            if not successor_dead:
                return {"access": rotation.successor_access, "refresh": rotation.successor_refresh}
        dead = rotation is not None or BlacklistedToken.objects.filter(token=outstanding).exists()
        family = rotation.family if rotation is not None else _family_of(jti)
        if dead:
            revoked = _revoke_family(family)
        else:
            BlacklistedToken.objects.create(token=outstanding)
            successor = RefreshToken.for_user(user)
            pair = {"access": str(successor.access_token), "refresh": str(successor)}
            TokenRotation.objects.create(
                jti=jti,
                family=family,
                successor_jti=successor["jti"],
                successor_access=pair["access"],
                successor_refresh=pair["refresh"],
                rotated_at=now,
                expires_at=datetime_from_epoch(token["exp"]),
            )
            return pair
    # Outside the transaction: the revocation is committed before the refusal.
    logger.warning(
        "a used refresh token of user %s came back: %s tokens of its sign-in revoked",
        user.pk,
        revoked,
    )
    raise _refresh_refused()


def _lock_outstanding(pk: int) -> None:
    # OutstandingToken orders by user (an outer join FOR UPDATE refuses): no ordering here.
    list(OutstandingToken.objects.select_for_update().filter(pk=pk).order_by().values("pk"))


def _family_of(jti: str) -> str:
    """The sign-in a refresh token descends from: its parent's family, or itself."""
    parent = TokenRotation.objects.filter(successor_jti=jti).values_list("family", flat=True)
    return next(iter(parent), jti)


def _revoke_family(family: str) -> int:
    """Blacklist every refresh token of `family` still alive; returns how many."""
    members = TokenRotation.objects.filter(family=family).values_list("successor_jti", flat=True)
    alive = OutstandingToken.objects.filter(
        Q(jti__in=members) | Q(jti=family), blacklistedtoken__isnull=True
    )
    return len(BlacklistedToken.objects.bulk_create([BlacklistedToken(token=o) for o in alive]))


@transaction.atomic
def auth_logout(*, user: User, refresh: str) -> None:
    """Kill `user`'s own refresh token. Someone else's token is refused like a bad one."""
    try:
        token = RefreshToken(refresh)  # type: ignore[arg-type]  # a str: simplejwt takes it
    except TokenError:
        raise ValidationError(
            {"refresh": [gettext("Token is invalid, expired or not yours.")]}
        ) from None
    if str(token.get("user_id")) != str(user.pk):
        raise ValidationError({"refresh": [gettext("Token is invalid, expired or not yours.")]})
    outstanding = _outstanding(token, refresh, user)
    BlacklistedToken.objects.get_or_create(token=outstanding)


def region_remember(*, user: User, address: str) -> None:
    """Keep the region of a sign-in's address (accounts.regions), not the address: the
    latest sign-in's, so an address the database does not know leaves none. One write, only
    when it changed; nothing without IP_REGION_DB."""
    if not settings.IP_REGION_DB:
        return
    region = regions.region_of(address)
    if region != user.ip_region:
        user.ip_region = region
        User.objects.filter(pk=user.pk).update(ip_region=region)


def language_remember(*, user: User, language: str) -> None:
    """Keep the language a user signed in with, for what we tell them outside a request of
    theirs (subscribe messages). One write, only when it changed."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        User.objects.filter(pk=user.pk).update(language=language)


def refresh_token_revoke(*, refresh: str) -> None:
    """Kill a refresh token held by whoever holds it (the web client's sign-out, where the
    cookie is the proof). One that is not ours, or already dead, is left as it is."""
    try:
        token = RefreshToken(refresh)  # type: ignore[arg-type]  # a str: simplejwt takes it
    except TokenError:
        return
    user = User.objects.filter(pk=token.get("user_id")).first()
    if user is not None:
        BlacklistedToken.objects.get_or_create(token=_outstanding(token, refresh, user))


# --- WeChat -----------------------------------------------------------------------------------

_WECHAT_CODE_INVALID = frozenset({40029, 40163})
_WECHAT_RATE_LIMITED = 45011
_WECHAT_RISKY_USER = 40226


def _wechat_application_error(exc: Exception) -> ApplicationError:
    if isinstance(exc, wechat.WeChatNotConfigured):
        return ServiceUnavailable(
            gettext("WeChat login is not configured on this server."), code="wechat_unavailable"
        )
    if isinstance(exc, wechat.WeChatError):
        if exc.errcode in _WECHAT_CODE_INVALID:
            return ApplicationError(
                "wechat_code_invalid",
                gettext(
                    "This WeChat login code is invalid or was already used; call wx.login again."
                ),
                status=401,
            )
        if exc.errcode == _WECHAT_RATE_LIMITED:
            return ApplicationError(
                "throttled",
                gettext("WeChat is limiting logins right now; try again in a minute."),
                status=429,
                headers={"Retry-After": "60"},
            )
        if exc.errcode == _WECHAT_RISKY_USER:
            return ApplicationError(
                "wechat_user_restricted",
                gettext("WeChat has restricted this user; login is refused."),
                status=403,
            )
    return ServiceUnavailable(
        "WeChat did not answer properly; try again soon.", code="wechat_unavailable"
    )


def _generated_username() -> str:
    while True:
        username = f"wx_{secrets.token_hex(5)}"
        if not User.objects.filter(username_key=usernames.key(username)).exists():
            return username


def auth_wechat(*, code: str, display_name: str = "", client_ip: str = "") -> tuple[User, bool]:
    """Exchange a `wx.login` code through jscode2session and find or create the user by openid.

    Returns `(user, created)`. WeChat's refusals and outages become `ApplicationError`s
    (401 bad code, 429, 403 restricted user, 503 otherwise); nothing is stored then. A new
    account is ranked by WeChat's risk check from `client_ip` (accounts.risk).
    """
    try:
        session = wechat.get_client().code_to_session(code)
    except (wechat.WeChatNotConfigured, wechat.WeChatError, wechat.WeChatUnavailable) as exc:
        raise _wechat_application_error(exc) from None
    user, created = _user_get_or_create_by_openid(
        openid=session.openid, unionid=session.unionid, display_name=display_name
    )
    if not user.is_active:
        raise _disabled(user)
    if created:
        risk.rank_fetch(user=user, client_ip=client_ip)
    return user, created


def _disabled(user: User) -> ApplicationError:
    """403 `account_disabled` for a banned user who proved who they are, with what they may
    know of the ban (`accounts.signals.disabled_details`: its reason, its end, how to appeal it)."""
    details = disabled_details.one()
    return ApplicationError(
        "account_disabled",
        gettext("This account is disabled."),
        status=403,
        details=details(user) if details is not None else None,
    )


def _user_get_or_create_by_openid(
    *, openid: str, unionid: str | None, display_name: str
) -> tuple[User, bool]:
    with transaction.atomic():
        user = User.objects.select_for_update().filter(wechat_openid=openid).first()
        if user is not None:
            if unionid and user.wechat_unionid != unionid:
                user.wechat_unionid = unionid
                user.save(update_fields=["wechat_unionid"])
            return user, False
        user = User(
            username=_generated_username(),
            wechat_openid=openid,
            wechat_unionid=unionid,
            display_name=display_name,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"], validate_constraints=False)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # A concurrent login with the same code's openid created it first.
            return User.objects.get(wechat_openid=openid), False
        return user, True


# --- Profile, deletion, bans -------------------------------------------------------------------


@transaction.atomic
def user_update_profile(*, user: User, data: dict[str, Any]) -> User:
    """Change the profile fields present in `data`; anything else in it is ignored.

    `avatar` is a media id of one of the user's own images that nothing else uses (media_app
    decides, through `accounts.avatars`), or None to clear it. The avatar it replaces is
    released (media_app deletes it: a former avatar must never turn up in an anonymous
    confession, where its picture would name the sender).
    """
    changes = {key: value for key, value in data.items() if key in PROFILE_FIELDS}
    if "username" in changes:
        _check_username_free(changes["username"], user=user)
    if "avatar" in changes:
        new_id, old_id = changes.pop("avatar"), user.avatar_id
        if new_id != old_id:
            handler = avatars.handler()
            if user.pending_avatar_id is not None:  # a held one is replaced too
                handler.release(media_id=user.pending_avatar_id)
                user.pending_avatar = None
            taken = handler.take(user=user, media_id=new_id) if new_id else None
            if taken is not None and handler.under_check(taken):
                # Shown once the image check passes it (media_app.avatars.avatar_decided).
                user.pending_avatar = taken
            else:
                user.avatar = taken
                if old_id is not None:
                    handler.release(media_id=old_id)
    for field in MODERATED_PROFILE_FIELDS:
        if field in changes:
            _moderated_change(user, field, changes.pop(field))
    for field, value in changes.items():
        setattr(user, field, value)
    _save_checked(user)
    return user


# Profile texts others see pass the moderation chain (accounts.text_checks).
MODERATED_PROFILE_FIELDS = ("display_name", "bio")
_BREAKS_RULES = {
    "display_name": gettext_lazy("This display name breaks the community rules."),
    "bio": gettext_lazy("This bio breaks the community rules."),
}


def _moderated_change(user: User, field: str, value: str) -> None:
    """`block`: 400 content_rejected, nothing changes. `review`: held as a pending
    `ProfileText` (replacing one that waited), the public value stays. `pass`: it is the new
    value, and one that waited is dropped (so is it when the value is the public one again)."""
    waiting = ProfileText.objects.filter(user=user, field=field, status=Status.PENDING)
    if value == getattr(user, field):
        waiting.delete()
        return
    kind, reason = text_checks.verdict(value, author=user)
    if kind == "block":
        raise ApplicationError("content_rejected", str(_BREAKS_RULES[field]))
    if kind == "review":
        ProfileText.objects.update_or_create(
            user=user,
            field=field,
            status=Status.PENDING,
            defaults={"value": value, "moderation_note": reason[:255]},
        )
        return
    setattr(user, field, value)
    waiting.delete()


@transaction.atomic
def profile_pending_decide(*, user: User, approve: bool) -> User:
    """A moderator's decision on a user's held display name and bio (`ProfileText`):
    approved, each replaces the public one; rejected, it is dropped. Either way nothing stays
    pending."""
    user = User.objects.select_for_update().get(pk=user.pk)
    waiting = list(ProfileText.objects.filter(user=user, status=Status.PENDING))
    for held in waiting:
        if approve:
            setattr(user, held.field, held.value)
    ProfileText.objects.filter(pk__in=[held.pk for held in waiting]).update(
        status=Status.APPROVED if approve else Status.REJECTED
    )
    _save_checked(user)
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and everything it owns (the database cascades), and its tokens:
    afterwards neither its access nor its refresh tokens authenticate. One transaction; after
    it commits, `user_deactivated` tells the other apps (realtime closes the user's sockets)."""
    user_id = user.pk
    OutstandingToken.objects.filter(user=user).delete()
    user.delete()
    _announce_deactivation(user_id=user_id, reason="deleted")


def _announce_deactivation(*, user_id: int, reason: str) -> None:
    transaction.on_commit(
        lambda: user_deactivated.call(user_id=user_id, reason=reason), robust=True
    )


def _blacklist_outstanding_tokens(user: User) -> int:
    live = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in live], ignore_conflicts=True
    )
    return len(created)


@transaction.atomic
def user_ban(*, user: User) -> None:
    """Deactivate the account and kill every refresh token it holds. Its access tokens stop
    working at once too (authentication refuses inactive users), and after commit
    `user_deactivated` tells the other apps (realtime closes the user's sockets)."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    count = _blacklist_outstanding_tokens(user)
    logger.info("banned user %s; %s refresh tokens blacklisted", user.pk, count)
    _announce_deactivation(user_id=user.pk, reason="banned")


@transaction.atomic
def user_unban(*, user: User) -> None:
    """Reactivate the account; the user signs in again (old tokens stay dead)."""
    user.is_active = True
    user.save(update_fields=["is_active"])


# --- Blocks ------------------------------------------------------------------------------------


@transaction.atomic
def block_create(*, blocker: User, username: str) -> tuple[Block, bool]:
    """`blocker` blocks the user named `username`. Returns `(block, created)`; blocking twice
    is harmless."""
    blocked = User.objects.filter(username_key=usernames.key(username)).first()
    if blocked is None:
        raise ValidationError({"username": [gettext("No user with that username.")]})
    if blocked.pk == blocker.pk:
        raise ValidationError({"username": [gettext("You cannot block yourself.")]})
    return Block.objects.get_or_create(blocker=blocker, blocked=blocked, anonymous=False)


@transaction.atomic
def block_create_anonymous(*, blocker: User, blocked: User) -> Block:
    """Block the sender of an anonymous confession without ever showing `blocker` who it is.
    The confessions app calls this with the sender it looked up, once per confession: every
    call makes a new block (see `Block`)."""
    if blocked.pk == blocker.pk:
        raise ValidationError(gettext("You cannot block yourself."))
    return Block.objects.create(blocker=blocker, blocked=blocked, anonymous=True)


@transaction.atomic
def block_delete(*, blocker: User, block_id: int) -> None:
    """Remove one of `blocker`'s own blocks; anyone else's is 404."""
    deleted, _ = Block.objects.filter(pk=block_id, blocker=blocker).delete()
    if not deleted:
        raise Http404


def tokens_flush_expired() -> int:
    """Forget refresh tokens past their expiry (and their blacklist rows), as simplejwt's
    `flushexpiredtokens` does: they can no longer be used, blacklisted or not."""
    now = timezone.now()
    TokenRotation.objects.filter(expires_at__lte=now).delete()
    deleted, _ = OutstandingToken.objects.filter(expires_at__lte=now).delete()
    return deleted


# --- Phone binding --------------------------------------------------------------------------


@transaction.atomic
def phone_bind(*, user: User, code: str) -> User:
    """Bind the phone a `getPhoneNumber` button's code stands for (WeChat's
    `getuserphonenumber`; the code works once, for 5 minutes)."""
    try:
        client = wechat.get_client()
        answer = client.call("wxa/business/getuserphonenumber", {"code": code})
    except (wechat.WeChatNotConfigured, wechat.WeChatUnavailable, wechat.WeChatError) as exc:
        if isinstance(exc, wechat.WeChatError) and exc.errcode in _WECHAT_CODE_INVALID:
            raise ApplicationError(
                "wechat_code_invalid",
                gettext("This phone code is invalid or was already used; ask the user again."),
                status=400,
            ) from None
        raise _wechat_application_error(exc) from None
    info = answer.get("phone_info") or {}
    phone = info.get("purePhoneNumber") or info.get("phoneNumber")
    watermark = info.get("watermark") or {}
    if not isinstance(phone, str) or not phone or watermark.get("appid") != client.appid:
        raise ServiceUnavailable(
            gettext("WeChat did not answer properly; try again soon."), code="wechat_unavailable"
        )
    country = str(info.get("countryCode") or "")
    number = f"+{country} {phone}" if country and country != "86" else phone
    # One phone, one account: a phone stands for a person (the real-name rule), and a banned
    # author must not come back on the same one. 409 `phone_in_use` while another holds it.
    in_use = ApplicationError(
        "phone_in_use",
        gettext("This phone number is bound to another account already."),
        status=409,
    )
    user.phone_sealed, user.phone_digest = phones.seal(number), phones.digest(number)
    try:
        with transaction.atomic():
            user.save(update_fields=["phone_sealed", "phone_digest"])
    except IntegrityError:  # the digest is unique: another account holds this phone
        user.phone_sealed, user.phone_digest = "", None
        raise in_use from None
    return user


@transaction.atomic
def phone_unbind(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(phone_sealed="", phone_digest=None)
    user.phone_sealed, user.phone_digest = "", None


def require_phone_to_post(user: User) -> None:
    """With POSTING_REQUIRES_PHONE: 403 `phone_required` for an author without a bound phone
    (confessions, replies, wall posts and comments)."""
    if settings.POSTING_REQUIRES_PHONE and not user.phone_sealed:
        message = gettext("Bind your phone number in your profile before posting.")
        raise ApplicationError("phone_required", message, status=403)
