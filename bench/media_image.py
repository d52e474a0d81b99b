"""CPU time to take in one 12-megapixel JPEG: decode, orient, re-encode, thumbnail, store.

    .venv/bin/python bench/media_image.py            # filesystem storage in a temp dir
    .venv/bin/python bench/media_image.py --json [runs]   # make bench's row: JSON only
    AWS_STORAGE_BUCKET_NAME=... AWS_S3_ENDPOINT_URL=... .venv/bin/python bench/media_image.py

Runs `media_app.processing.process_image` and the two storage writes the upload service does,
on a photo-like 4000x3000 image, and reports CPU (process) and wall time per stage. Beside it,
the same work done by libvips (pyvips, when it is installed: `pip install pyvips
pyvips-binary`; not a requirement of the project): one decode, rotated upright, the original
re-encoded, the display size and the thumbnail; and the peak memory each takes for one
upload, each measured in a fresh process.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
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


def pillow(data: bytes) -> processing.ProcessedImage:
    return processing.process_image(io.BytesIO(data), "JPEG")


def vips(data: bytes) -> None:
    """What process_image does, in libvips: decode once, upright, sRGB, metadata dropped."""
    import pyvips

    image = pyvips.Image.new_from_buffer(data, "", fail_on="error").autorot()
    if image.get_typeof("icc-profile-data"):
        image = image.icc_transform("srgb")
    options = {"Q": processing.JPEG_QUALITY, "optimize_coding": True, "keep": "none"}
    image.jpegsave_buffer(Q=processing.JPEG_QUALITY, keep="none")  # the original: plain
    display = image.thumbnail_image(processing.DISPLAY_SIDE)
    display.jpegsave_buffer(interlace=True, **options)
    display.thumbnail_image(processing.THUMBNAIL_SIDE).jpegsave_buffer(interlace=True, **options)


def one_upload(which: str, photo: Path, runs: int = RUNS) -> dict:
    """In a fresh process: CPU, the median of `runs`, and the peak RSS one upload adds."""
    data = photo.read_bytes()
    work = pillow if which == "pillow" else vips
    work(data)  # libraries loaded, caches warm
    before = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
    cpu = []
    for _ in range(runs):
        start = time.process_time()
        work(data)
        cpu.append(time.process_time() - start)
    figures = {"cpu_s": statistics.median(cpu), "peak_mib": (_status_kib("VmHWM") - before) / 1024}
    if which == "pillow":
        made = pillow(data)
        figures["bytes"] = {"photo": len(data), "original": len(made.main.data),
                            "display": len(made.display.data) if made.display else 0,
                            "thumbnail": len(made.thumbnail.data)}  # fmt: skip
    return figures


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field}")


def compared(runs: int = RUNS) -> dict:
    """{library: one_upload(library)} for Pillow, and libvips where pyvips is installed, each
    in a fresh process."""
    results = {}
    photo = Path(tempfile.mkdtemp(prefix="bench-")) / "photo.jpg"
    photo.write_bytes(photo_like_jpeg())
    for which in ("pillow", "vips"):
        if which == "vips":
            try:
                import pyvips  # noqa: F401
            except (ImportError, OSError):
                continue
        output = subprocess.run([sys.executable, __file__, "--one", which, str(photo), str(runs)],
                                check=True, capture_output=True, text=True).stdout  # fmt: skip
        results[which] = json.loads(output.strip().splitlines()[-1])
    return results


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
    print(f"decode+orient+re-encode+display size+thumbnail: CPU median "
          f"{statistics.median(process_cpu):.3f} s, "
          f"wall median {statistics.median(process_wall):.3f} s (of {RUNS})")  # fmt: skip
    print(f"store original + thumbnail: wall median {statistics.median(store_wall) * 1000:.1f} ms")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one_upload(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))))
    elif sys.argv[1:2] == ["--json"]:  # make bench's row (bench/run.py)
        print(json.dumps(compared(int(sys.argv[2]) if sys.argv[2:] else RUNS)))
    else:
        main()
        for which, figures in compared().items():
            print(f"{which}: CPU median {figures['cpu_s']:.3f} s, "
                  f"peak memory of one upload {figures['peak_mib']:.0f} MiB")  # fmt: skip
