from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.media import files


def upload(client, data: bytes, name: str = "1.jpg", content_type: str = "image/jpeg"):
    return client.post(
        "/api/v1/media",
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        format="multipart",
    )


@pytest.fixture(scope="session")
def short_video(tmp_path_factory) -> bytes:
    return files.video(tmp_path_factory.mktemp("video") / "short.mp4", seconds=3)


@pytest.fixture(scope="session")
def long_video(tmp_path_factory) -> bytes:
    return files.video(tmp_path_factory.mktemp("video") / "long.mp4", seconds=120, rate=1)
