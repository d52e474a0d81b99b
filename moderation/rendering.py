"""What a reporter is shown of the report they made, whatever they reported."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from moderation.models import Report


class ReportPayload(TypedDict):
    id: int
    category: str
    created_at: datetime


def report_render(report: Report) -> ReportPayload:
    return {"id": report.pk, "category": report.category, "created_at": report.created_at}
