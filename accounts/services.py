"""Every write the accounts app does (DESIGN.md §2)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.models import User


@transaction.atomic
def user_create(*, username: str, password: str, email: str = "") -> User:
    """Create an active user with a validated, hashed password.

    Raises Django's `ValidationError` when the password fails the configured validators;
    nothing is stored then.
    """
    user = User(username=username, email=email)
    validate_password(password, user=user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
