"""Within media_app: a deleted Media row takes its stored objects with it, after commit.
Deleting a user cascades to their Media rows, so their files go too."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from media_app.models import Media
from media_app.services import delete_objects_after_commit


@receiver(post_delete, sender=Media)
def remove_stored_objects(sender, instance: Media, **kwargs) -> None:
    delete_objects_after_commit(instance)
