"""Background tasks of the walls app (thin: each calls a service)."""

from __future__ import annotations

from django_tasks import task

from walls import services


@task()
def like_digest(post_id: int) -> int:
    """A few minutes after a post's first new like: one notification for all of them."""
    return services.like_digest_send(post_id=post_id)


@task()
def comment_followers_tell(comment_id: int) -> int:
    """After a comment appears: its post's followers are told, however many they are."""
    return services.comment_followers_tell(comment_id=comment_id)
