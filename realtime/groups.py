"""Channel-layer group names: built here and nowhere else."""

from __future__ import annotations


def user_group(user_id: int) -> str:
    """Every socket of one user."""
    return f"user.{user_id}"
