"""Real files made on the spot for the media tests: images with metadata and payloads,
decompression bombs, broken and disguised files, and short or long videos (ffmpeg)."""

from __future__ import annotations

import io
import struct
import subprocess
import zlib
from pathlib import Path

import imageio_ffmpeg
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

GPS_LATITUDE = (35.0, 40.0, 12.5)


def noise_image(width: int, height: int, mode: str = "RGB") -> Image.Image:
    return Image.frombytes(mode, (width, height), bytes(
        (x * 7 + y * 13) % 256 for y in range(height) for x in range(width) for _ in mode
    ))  # fmt: skip


def jpeg_with_gps_and_orientation(width: int = 64, height: int = 32) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to view"
    exif[ExifTags.Base.Make] = "SecretPhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (139.0, 45.0, 1.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    noise_image(width, height).save(buffer, "JPEG", exif=exif, icc_profile=icc)
    return buffer.getvalue()


def heic_with_gps(width: int = 64, height: int = 48, mode: str = "RGB") -> bytes:
    """A HEIC as an iPhone makes it (pillow-heif's encoder), with a GPS position in its EXIF."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretPhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    buffer = io.BytesIO()
    noise_image(width, height, mode).save(buffer, "HEIF", exif=exif, quality=90)
    return buffer.getvalue()


def avif(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    noise_image(width, height).save(buffer, "AVIF")
    return buffer.getvalue()


def jpeg(width: int = 40, height: int = 30, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    noise_image(width, height).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


HTML_PAYLOAD = b"<html><script>alert('stored xss')</script></html>"


def png_with_text_chunk_and_trailer(mode: str = "RGB") -> bytes:
    info = PngInfo()
    info.add_text("Comment", "<script>alert('in a text chunk')</script>")
    buffer = io.BytesIO()
    noise_image(32, 32, mode).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue() + HTML_PAYLOAD


def big_with_words_inside(mode: str, width: int = 1600, height: int = 900) -> bytes:
    """Big enough for a display size, with the payload wherever its format carries words:
    RGB, a JPEG's comment and EXIF; RGBA, a PNG's text chunk and an ICC profile (which the
    decoder turns into sRGB pixels, leaving the profile of the result to be dropped)."""
    image = Image.effect_noise((width, height), 40).convert(mode)
    buffer = io.BytesIO()
    if mode == "RGB":
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "SecretPhone"
        exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
        image.save(buffer, "JPEG", exif=exif, comment=HTML_PAYLOAD)
    else:
        info = PngInfo()
        info.add_text("Comment", HTML_PAYLOAD.decode())
        icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        image.save(buffer, "PNG", pnginfo=info, icc_profile=icc)
    return buffer.getvalue() + HTML_PAYLOAD


def png_header_bomb(width: int, height: int) -> bytes:
    """A few hundred bytes declaring a huge 8-bit RGB image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096, 9))
        + chunk(b"IEND", b"")
    )


def tiff() -> bytes:
    buffer = io.BytesIO()
    noise_image(16, 16).save(buffer, "TIFF")
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    noise_image(16, 16).save(buffer, "GIF")
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"


def video(path: Path, seconds: int, *, size: str = "64x48", rate: int = 5) -> bytes:
    subprocess.run(  # noqa: S603
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=duration={seconds}:size={size}:rate={rate}",
            "-pix_fmt",
            "yuv420p",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            str(path),
        ],  # fmt: skip
        check=True,
        timeout=120,
    )
    return path.read_bytes()
