"""Verified membership of a wall (`Wall.verification`): on an `email` wall, a member proves a
school address by a six-digit code sent to it; on a `code` wall, joining with the invite code
verifies. On both, only verified members post, comment and like (`require_verified`); their
posts and comments carry a `verified` mark.

What is kept of an address: its domain, and a keyed digest (one address verifies one account
per wall). A code is kept as a digest too, is single-use, expires after
WALL_EMAIL_CODE_MINUTES and dies after five wrong tries; sending is limited per account and
per address (WALL_VERIFY_EMAILS_PER_HOUR), confirming per account."""

from __future__ import annotations

import logging
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext

from accounts.models import User
from core.errors import ApplicationError, ServiceUnavailable
from walls import selectors
from walls.models import EmailCode, Membership, Wall

CODE_WRONG_TRIES = 5

logger = logging.getLogger(__name__)


def _digest(kind: str, value: str) -> str:
    return salted_hmac(f"walls.verification.{kind}", value, algorithm="sha256").hexdigest()


def _domain_allowed(domain: str, wall: Wall) -> bool:
    return any(domain == allowed or domain.endswith(f".{allowed}") for allowed in wall.domains())


class HourlyLimit:
    """Counts of something in the current hour (the cache), each with its limit: past one,
    429 `throttled` with Retry-After until the hour ends."""

    def __init__(self, counters: list[tuple[str, int]], message: str) -> None:
        now = time.time()
        hour = int(now // 3600)
        self.ends_in = int(3600 - now % 3600) + 1
        self.counters = [(f"{key}:{hour}", limit) for key, limit in counters]
        self.message = message

    def refuse_past_the_limit(self) -> None:
        counts = cache.get_many([key for key, _ in self.counters])
        if any(counts.get(key, 0) >= limit for key, limit in self.counters):
            message = self.message % {"minutes": (self.ends_in + 59) // 60}
            raise ApplicationError(
                "throttled", message, status=429, headers={"Retry-After": str(self.ends_in)}
            )

    def count(self) -> None:
        for key, _ in self.counters:
            cache.add(key, 0, timeout=self.ends_in)
            try:
                cache.incr(key)
            except ValueError:  # expired between the two: this one starts a new count
                cache.add(key, 1, timeout=self.ends_in)


def _email_wall(user: User, slug: str) -> Wall:
    wall = selectors.wall_get(user_id=user.pk, slug=slug)
    if wall.verification != Wall.Verification.EMAIL:
        message = gettext("This wall is not verified by e-mail.")
        raise ApplicationError("no_email_verification", message, status=409)
    return wall


def email_code_send(*, user: User, slug: str, email: str) -> EmailCode:
    """Send a six-digit code to a school address of an `email` wall (400 for an address
    outside its domains; 409 `email_taken` when the address verified another account of the
    wall; 503 `email_unavailable` when mail cannot be sent: nothing is kept then). A new code
    replaces the one waiting."""
    wall = _email_wall(user, slug)
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"email": [gettext("Enter a valid e-mail address.")]}) from None
    domain = address.rsplit("@", 1)[1]
    if not _domain_allowed(domain, wall):
        allowed = ", ".join(wall.domains())
        message = gettext("Use an address of the school: %(domains)s.") % {"domains": allowed}
        raise ValidationError({"email": [message]})
    address_digest = _digest("address", f"{wall.pk}:{address}")
    limit = settings.WALL_VERIFY_EMAILS_PER_HOUR
    sends = HourlyLimit(
        [(f"verify-mail:user:{user.pk}", limit), (f"verify-mail:address:{address_digest}", limit)],
        gettext("Too many codes asked for: try again in %(minutes)d minutes."),
    )
    sends.refuse_past_the_limit()
    taken = Membership.objects.filter(wall=wall, email_digest=address_digest).exclude(user=user)
    if taken.exists():
        message = gettext("This address already verified another account on this wall.")
        raise ApplicationError("email_taken", message, status=409)
    code = f"{secrets.randbelow(1_000_000):06d}"
    minutes = settings.WALL_EMAIL_CODE_MINUTES
    with transaction.atomic():
        EmailCode.objects.filter(wall=wall, user=user).delete()
        waiting = EmailCode.objects.create(
            wall=wall,
            user=user,
            email_domain=domain,
            email_digest=address_digest,
            code_digest=_digest("code", f"{wall.pk}:{user.pk}:{code}"),
            expires_at=timezone.now() + timedelta(minutes=minutes),
        )
        _mail_code(address, code, wall, minutes, language=translation.get_language())
    sends.count()
    return waiting


def _mail_code(address: str, code: str, wall: Wall, minutes: int, *, language: str) -> None:
    """The code, by the configured e-mail backend; 503 if it cannot be sent (the caller's
    transaction then keeps nothing)."""
    if not settings.EMAIL_CONFIGURED:
        message = gettext("E-mail is not configured on this server.")
        raise ServiceUnavailable(message, code="email_unavailable")
    with translation.override(language):
        subject = gettext("%(code)s is your code for %(wall)s") % {"code": code, "wall": wall.name}
        body = gettext(
            "Your code to verify your membership of %(wall)s is %(code)s. It works once, for "
            "%(minutes)d minutes. If you did not ask for it, ignore this mail."
        ) % {"wall": wall.name, "code": code, "minutes": minutes}
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except Exception as exc:  # smtplib's errors, a refused connection, a timeout
        # Never the address: it is personal, and kept nowhere in clear.
        logger.warning("verification mail not sent: %s", type(exc).__name__)
        raise ServiceUnavailable(
            gettext("The code could not be sent; try again soon."), code="email_unavailable"
        ) from exc


def email_code_confirm(*, user: User, slug: str, code: str) -> Membership:
    """The code that was sent: the member is verified (joined if they were not). A wrong,
    expired or used code is 400 `invalid_code`; five wrong tries end a code."""
    wall = _email_wall(user, slug)
    confirms = HourlyLimit(
        [(f"verify-confirm:user:{user.pk}", 4 * CODE_WRONG_TRIES)],
        gettext("Too many wrong codes: try again in %(minutes)d minutes."),
    )
    confirms.refuse_past_the_limit()
    with transaction.atomic():
        waiting = (
            EmailCode.objects.select_for_update()
            .filter(wall=wall, user=user, expires_at__gt=timezone.now())
            .first()
        )
        expected = _digest("code", f"{wall.pk}:{user.pk}:{code.strip()}")
        right = waiting is not None and constant_time_compare(expected, waiting.code_digest)
        if waiting is not None and not right:
            # Counted in this transaction, which commits: the refusal comes after it.
            waiting.wrong_tries += 1
            if waiting.wrong_tries >= CODE_WRONG_TRIES:
                waiting.delete()
            else:
                waiting.save(update_fields=["wrong_tries"])
        elif waiting is not None:
            waiting.delete()
    if waiting is None or not right:
        confirms.count()
        raise ApplicationError(
            "invalid_code", gettext("This code is wrong or expired: ask for a new one."), status=400
        )
    try:
        membership, _ = Membership.objects.update_or_create(
            wall=wall,
            user=user,
            defaults={
                "verified_at": timezone.now(),
                "email_domain": waiting.email_domain,
                "email_digest": waiting.email_digest,
            },
        )
    except IntegrityError:
        message = gettext("This address already verified another account on this wall.")
        raise ApplicationError("email_taken", message, status=409) from None
    return membership


def is_verified(*, user_id: int, wall_id: int) -> bool:
    return Membership.objects.filter(
        user_id=user_id, wall_id=wall_id, verified_at__isnull=False
    ).exists()


def require_verified(user: User, wall: Wall) -> bool:
    """On a verified wall, 403 `not_verified` unless `user` is a verified member; returns
    whether they are one (the mark their work carries)."""
    verified = is_verified(user_id=user.pk, wall_id=wall.pk)
    if wall.verified_only and not verified:
        if wall.verification == Wall.Verification.EMAIL:
            message = gettext("Verify your school e-mail address to write on this wall.")
        else:
            message = gettext("Join this wall with its invite code first.")
        raise ApplicationError("not_verified", message, status=403)
    return verified
