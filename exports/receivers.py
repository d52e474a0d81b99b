"""Within exports: a deleted export (its user deleted, most often) takes its zip with it,
after commit."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from exports.models import DataExport


@receiver(post_delete, sender=DataExport)
def remove_zip(sender, instance: DataExport, **kwargs) -> None:
    if instance.storage_key:
        key = instance.storage_key
        transaction.on_commit(lambda: default_storage.delete(key))
