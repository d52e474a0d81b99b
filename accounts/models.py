from __future__ import annotations

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person using the mini program (or staff using the admin).

    Custom from the first migration so profile, WeChat identity and bans can be added as
    ordinary fields later.
    """

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ("id",)

    def __str__(self) -> str:
        return self.username
