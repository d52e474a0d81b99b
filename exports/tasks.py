"""Background tasks of the exports app (thin: each calls a service)."""

from __future__ import annotations

from django_tasks import task

from exports import services


@task()
def export_build(export_id: int) -> int:
    """Build a requested export's zip and tell its user; returns its size in bytes."""
    return services.export_build(export_id=export_id)


@task()
def exports_expire() -> int:
    """Periodic: delete the zips whose links expired."""
    return services.exports_expire()
