"""What an upload really is, and a clean copy of it.

Nothing the client says about a file is believed: the kind is sniffed from its first bytes,
images are decoded by Pillow restricted to the formats we accept and re-encoded from pixels (so
no EXIF, GPS, ICC, text chunk or trailing payload survives), and videos are probed by ffmpeg
(restricted to the MP4/MOV demuxer and to local files) for their real duration.

HEIC/HEIF (iPhones, and Android phones that pass originals through; decoded by pillow-heif)
and AVIF (Pillow) are accepted and become JPEG (PNG with transparency) like every image: a
mini program's <image> cannot show HEIC.

GIF is refused, with a message a client can show: re-encoding to one frame would silently drop
its animation, and keeping it animated would put frames past the first beyond what moderators
and the image check look at, for a format whose frame-heavy files are a cheap decoder bomb.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext, gettext_noop
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

logger = logging.getLogger(__name__)

# Pillow opens HEIC/HEIF through pillow-heif; each open still names its formats.
register_heif_opener(thumbnails=False)

THUMBNAIL_SIDE = 480
DISPLAY_SIDE = 1280  # what a card shows: a phone need not fetch the original for it
MAX_SIDE = 16383  # WebP's limit, and far beyond any phone camera
JPEG_QUALITY = 85
# A PNG original of more pixels than this is compressed at zlib's fastest level: at its
# default, a 12 MP photo with transparency took 5 s of a server thread (bench/RESULTS.md),
# a 40 MP one about four times that; at level 1, a fifth of it for about 5 % more bytes. A
# screenshot (about 3 MP) keeps the default level, where it costs a tenth of a second.
PNG_DEFAULT_LEVEL_PIXELS = 4_000_000


class MediaRejected(Exception):
    """The file is not acceptable. `status` 400 (broken, too long), 413 (too big) or 415."""

    def __init__(self, code: str, message: str, status: int = 400, **values: object) -> None:
        self.template, self.values = message, values
        self.message = message % values if values else message  # English: logs, scripts
        super().__init__(self.message)
        self.code = code
        self.status = status

    def translated(self) -> str:
        """The message in the active language (the request's). Processing may run where no
        language is set up at all (a worker, a script), so it only marks its messages
        (`gettext_noop`) and they are translated here, at the door."""
        text = gettext(self.template)
        return text % self.values if self.values else text


@dataclass(frozen=True)
class Rendition:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    main: Rendition
    thumbnail: Rendition
    display: Rendition | None  # None: the main one is no bigger than a display


@dataclass(frozen=True)
class ProbedVideo:
    content_type: str
    extension: str
    duration: float
    width: int
    height: int
    poster: Rendition


# --- sniffing ----------------------------------------------------------------------------------

_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# ISO BMFF brands of still images, and which Pillow formats may read each ("mif1"/"msf1" are
# generic HEIF: HEVC or AV1 inside).
_ISO_IMAGE_BRANDS = {
    **dict.fromkeys((b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"), "HEIF"),
    **dict.fromkeys((b"mif1", b"msf1"), "HEIF,AVIF"),
    **dict.fromkeys((b"avif", b"avis"), "AVIF"),
}
_QUICKTIME_BRAND = b"qt  "
# Formats we recognise and refuse (415), as opposed to bytes that are nothing we know (400).
_KNOWN_UNSUPPORTED = (
    (b"%PDF-", "PDF"),
    (b"%!PS", "PostScript/EPS"),
    (b"\xc5\xd0\xd3\xc6", "EPS"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"8BPS", "Photoshop"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"\x1aE\xdf\xa3", "WebM/Matroska"),
    (b"PK\x03\x04", "ZIP"),
)


def sniff(head: bytes) -> tuple[str, str]:
    """`("image", PIL format)` or `("video", brand)` from a file's first bytes; else raises."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "WEBP"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _ISO_IMAGE_BRANDS:
            return "image", _ISO_IMAGE_BRANDS[brand]
        if brand == b"crx ":
            raise MediaRejected(
                "unsupported_media_type",
                gettext_noop("Camera RAW files are not accepted; send JPEG, PNG, WebP or HEIC."),
                status=415,
            )
        return "video", brand.decode("latin1")
    if head.startswith((b"GIF87a", b"GIF89a")):
        raise MediaRejected(
            "unsupported_media_type",
            gettext_noop(
                "GIFs and stickers are not accepted: send a photo, or a short video for something "
                "that moves."
            ),
            415,
        )
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        raise MediaRejected(
            "unsupported_media_type", gettext_noop("AVI is not accepted; send MP4."), 415
        )
    for signature, name in _KNOWN_UNSUPPORTED:
        if head.startswith(signature):
            raise MediaRejected(
                "unsupported_media_type",
                gettext_noop(
                    "%(name)s files are not accepted; send JPEG, PNG, WebP, HEIC or MP4/MOV."
                ),
                status=415,
                name=name,
            )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml", b"<!doctype svg")):
        raise MediaRejected(
            "unsupported_media_type", gettext_noop("SVG files are not accepted."), 415
        )
    raise MediaRejected(
        "invalid_media", gettext_noop("This is not an image or a video we can read.")
    )


# --- images ------------------------------------------------------------------------------------


def _to_srgb(image: Image.Image) -> Image.Image:
    """Keep colours right while dropping the ICC profile: convert pixels to sRGB first."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        return ImageCms.profileToProfile(image, source, target, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unusable profile: its colours are lost, the picture is not


def _normalise_mode(image: Image.Image) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        return image.convert("RGBA")
    if image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    return image


def _encode(image: Image.Image, *, original: bool = False) -> Rendition:
    """Pixels only, saved without exif, icc, comment or text: Pillow's savers fall back on
    `image.info` for some of these (a JPEG's comment, a PNG's profile), so it is emptied first.
    The display size and the thumbnail, what a phone shows while it loads, are progressive
    with optimised Huffman tables (PNG: optimised); the original, fetched only to see it whole,
    is a plain encode: for a JPEG a third of the CPU for about 5 % more bytes, for a PNG a sixth
    (a screenshot) to a third (a photo with transparency) for 1 % more (bench/RESULTS.md), and
    past PNG_DEFAULT_LEVEL_PIXELS at zlib's fastest level."""
    image.info = {}
    buffer = io.BytesIO()
    if image.mode == "RGBA":
        # PNG, not WebP: a mini program's <image> shows WebP only with its `webp` attribute,
        # and WeChat's image check does not read WebP.
        if not original:
            image.save(buffer, "PNG", optimize=True)
        else:
            big = image.width * image.height > PNG_DEFAULT_LEVEL_PIXELS
            image.save(buffer, "PNG", compress_level=1 if big else 6)
        content_type, extension = "image/png", "png"
    else:
        compact = not original
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=compact, progressive=compact)
        content_type, extension = "image/jpeg", "jpg"
    return Rendition(buffer.getvalue(), content_type, extension, image.width, image.height)


def process_image(file, pil_formats: str) -> ProcessedImage:
    """Decode (bounded), orient, and re-encode an image plus its display size and thumbnail.
    `pil_formats`: the Pillow formats the sniffed bytes may be, comma-separated."""
    max_pixels = settings.MEDIA_MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file, formats=pil_formats.split(","))
            # The header gives the size before any pixel is decoded: refuse bombs here.
            width, height = image.size
            if width * height > max_pixels or max(width, height) > MAX_SIDE:
                raise MediaRejected(
                    "image_too_large",
                    gettext_noop(
                        "Images may have at most %(mp)d megapixels and %(side)d pixels a side."
                    ),
                    mp=max_pixels // 1_000_000,
                    side=MAX_SIDE,
                )
            image.load()
            ImageOps.exif_transpose(image, in_place=True)  # in place: no copy of 12 MP
            image = _normalise_mode(_to_srgb(image))
        except MediaRejected:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            # Pillow's own bomb guard fires inside open() for sizes far past ours.
            raise MediaRejected(
                "image_too_large",
                gettext_noop("Images may have at most %(mp)d megapixels."),
                mp=max_pixels // 1_000_000,
            ) from None
        except UnidentifiedImageError as exc:
            # Pillow's message names our file object: it goes to the log, not to the client.
            logger.info("unreadable image: %s", exc)
            raise MediaRejected(
                "invalid_media", gettext_noop("This image cannot be read.")
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            logger.info("damaged image: %s: %s", type(exc).__name__, exc)
            raise MediaRejected(
                "invalid_media", gettext_noop("The image is damaged or truncated.")
            ) from None
    display = _fit(image, DISPLAY_SIDE) if max(image.size) > DISPLAY_SIDE else None
    return ProcessedImage(
        main=_encode(image, original=True),
        display=_encode(display) if display is not None else None,
        # From the display size where there is one: a fraction of the pixels to resample.
        thumbnail=_encode(_fit(display or image, THUMBNAIL_SIDE)),
    )


def _fit(image: Image.Image, side: int) -> Image.Image:
    """`image` at most `side` pixels a side (as `Image.thumbnail` sizes it): a box reduction
    by a whole factor where it shrinks by 2x or more (`reducing_gap=1`: a 12 MP photo's display
    size in a fifth of the time of a resample alone, and no copy of the original), then
    bicubic, Pillow's own choice for thumbnails: within 1 dB of Lanczos after the reduction,
    at four fifths of its time (bench/RESULTS.md)."""
    if max(image.size) <= side:
        return image.copy()
    scale = side / max(image.size)
    size = (max(round(image.width * scale), 1), max(round(image.height * scale), 1))
    return image.resize(size, Image.Resampling.BICUBIC, reducing_gap=1.0)


# --- videos ------------------------------------------------------------------------------------

_DURATION = re.compile(rb"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_PROGRESS_TIME = re.compile(rb"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)")


def _seconds(hours: bytes, minutes: bytes, seconds: bytes) -> float:
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _ffmpeg(arguments: list[str]) -> subprocess.CompletedProcess:
    import imageio_ffmpeg

    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-protocol_whitelist",
        "file",
        "-f",
        "mov",
        *arguments,
    ]
    try:
        return subprocess.run(  # noqa: S603 - fixed binary, our own arguments, no shell
            command, capture_output=True, timeout=settings.MEDIA_FFMPEG_TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        raise MediaRejected(
            "invalid_media", gettext_noop("The video took too long to read.")
        ) from None


def probe_video(path: Path, brand: str) -> ProbedVideo:
    """Measure a video by reading its packets (not its header's claims) and grab a poster."""
    # Copying the video stream to nowhere reads every packet without decoding: the last
    # timestamp is the real length, whatever the container's header claims.
    probe = _ffmpeg(["-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"])
    if probe.returncode != 0:
        raise MediaRejected("invalid_media", gettext_noop("This is not a video we can read."))
    claimed = [_seconds(*found) for found in _DURATION.findall(probe.stderr)]
    measured = [_seconds(*found) for found in _PROGRESS_TIME.findall(probe.stderr)]
    duration = max([0.0, *claimed[:1], *measured[-1:]])
    if duration <= 0:
        raise MediaRejected("invalid_media", gettext_noop("The video has no playable frames."))
    limit = settings.MEDIA_MAX_VIDEO_SECONDS
    if duration > limit + 0.5:
        raise MediaRejected(
            "video_too_long",
            gettext_noop("Videos may be at most %(seconds)d seconds long."),
            seconds=limit,
        )

    frame = _ffmpeg(
        ["-i", str(path), "-map", "0:v:0", "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"]
    )
    if frame.returncode != 0 or not frame.stdout:
        raise MediaRejected(
            "invalid_media", gettext_noop("No frame of this video could be decoded.")
        )
    try:
        poster = Image.open(io.BytesIO(frame.stdout), formats=["PNG"])
        poster.load()
    except (OSError, UnidentifiedImageError) as exc:
        logger.info("unreadable video frame: %s", exc)
        raise MediaRejected(
            "invalid_media", gettext_noop("No frame of this video could be decoded.")
        ) from None
    width, height = poster.size  # after ffmpeg's rotation: as the video is watched
    poster = _normalise_mode(poster)
    poster.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    quicktime = brand.encode("latin1") == _QUICKTIME_BRAND
    return ProbedVideo(
        content_type="video/quicktime" if quicktime else "video/mp4",
        extension="mov" if quicktime else "mp4",
        duration=round(duration, 3),
        width=width,
        height=height,
        poster=_encode(poster),
    )


def spooled_path(file) -> tuple[Path, tempfile.TemporaryDirectory | None]:
    """A path ffmpeg can read: the upload's temp file, or a copy of an in-memory upload."""
    temporary_path = getattr(file, "temporary_file_path", None)
    if temporary_path is not None:
        return Path(temporary_path()), None
    directory = tempfile.TemporaryDirectory(prefix="upload-")
    path = Path(directory.name) / "video"
    with path.open("wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    return path, directory
