"""CPU time to take in one 12-megapixel JPEG: decode, orient, re-encode, thumbnail, store.

    .venv/bin/python bench/media_image.py            # filesystem storage in a temp dir
    AWS_STORAGE_BUCKET_NAME=... AWS_S3_ENDPOINT_URL=... .venv/bin/python bench/media_image.py

Runs `media_app.processing.process_image` and the two storage writes the upload service does,
on a photo-like 4000x3000 image, and reports CPU (process) and wall time per stage.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confessions_backend.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from media_app import processing  # noqa: E402

RUNS = 5


def photo_like_jpeg() -> bytes:
    # Smooth gradients plus noise compress like a phone photo (about 3-5 MB at quality 92).
    channels = [Image.effect_noise((4000, 3000), sigma) for sigma in (40, 50, 60)]
    noise = Image.merge("RGB", channels).filter(ImageFilter.GaussianBlur(0.6))
    gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    image = Image.blend(noise, gradient, 0.4)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def main() -> None:
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        settings.STORAGES["default"]["OPTIONS"]["location"] = tempfile.mkdtemp(prefix="bench-")
    data = photo_like_jpeg()
    process_cpu, process_wall, store_wall = [], [], []
    for _ in range(RUNS):
        cpu, wall = time.process_time(), time.perf_counter()
        result = processing.process_image(io.BytesIO(data), "JPEG")
        process_cpu.append(time.process_time() - cpu)
        process_wall.append(time.perf_counter() - wall)
        wall = time.perf_counter()
        keys = [
            default_storage.save(f"bench/{os.urandom(8).hex()}.jpg", ContentFile(r.data))
            for r in (result.main, result.thumbnail)
        ]
        store_wall.append(time.perf_counter() - wall)
        for key in keys:
            default_storage.delete(key)
    megabytes = len(data) / 2**20, len(result.main.data) / 2**20
    storage = default_storage.__class__.__name__
    print(f"input: 4000x3000 JPEG, {megabytes[0]:.1f} MB; output {megabytes[1]:.1f} MB "
          f"+ thumbnail {len(result.thumbnail.data) / 1024:.0f} KB; storage {storage}")  # fmt: skip
    print(f"decode+orient+re-encode+thumbnail: CPU median {statistics.median(process_cpu):.3f} s, "
          f"wall median {statistics.median(process_wall):.3f} s (of {RUNS})")  # fmt: skip
    print(f"store original + thumbnail: wall median {statistics.median(store_wall) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
