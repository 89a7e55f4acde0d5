"""Evidence photo validation: bounded reading, format sniffing, bomb guard, metadata stripping.

Pure functions, no models. ``image_clean`` takes an upload (a binary stream or bytes) and returns a
``CleanImage`` whose ``content`` is a freshly encoded JPEG, PNG or WebP with no metadata at all
(no EXIF, GPS, XMP, ICC profile or comments), with the EXIF orientation already applied to the
pixels. Every refusal raises ``ValidationFailed`` with ``fields={"file": message}`` and one of the
``EvidenceErrorCode`` codes. See QUALITY.md S6.

The format is decided from the bytes only, and only Pillow's JPEG, PNG and WebP parsers ever see
the data (``Image.open(..., formats=...)``), so no other decoder is exposed to uploads. The pixel
count is checked from the header, before any pixel is decoded.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, BinaryIO, Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from anxin.core.errors import ValidationFailed

DEFAULT_MAX_BYTES: Final = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS: Final = 40_000_000

JPEG_QUALITY: Final = 88
WEBP_QUALITY: Final = 85
# Re-encoding cost is CPU spent inside a web worker, and with PNG it depends on the content, not
# only on the size: measured on 2 cores for a 12 MP photo-like PNG, ``optimize=True`` (zlib level
# 9) took 20-60 s, the default level 6 took 3-8 s, level 1 took 0.8-1.3 s; a chat screenshot
# comes out ~25 % larger at level 1 than at level 6 (174 kB against 139 kB). WebP method 4
# (Pillow's default) took 1.6-3 s against 0.4-0.9 s for method 1, for ~5 % smaller files.
PNG_COMPRESS_LEVEL: Final = 1
WEBP_METHOD: Final = 1

_READ_CHUNK: Final = 1024 * 1024

# Pillow format name -> (output format, content type, extension). MPO is the multi-picture JPEG
# many phones write (a photo plus a depth map or preview); it is a JPEG and only its first,
# primary picture is kept.
_FORMATS: Final[dict[str, tuple[str, str, str]]] = {
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "MPO": ("JPEG", "image/jpeg", "jpg"),
    "PNG": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
}
_OPEN_FORMATS: Final = ("JPEG", "PNG", "WEBP")  # MPO is reached through the JPEG parser.

# Anything Pillow can raise while parsing or decoding a hostile file. MemoryError is included:
# a file that passes the pixel budget but still exhausts memory is refused, not a server error.
_DECODE_ERRORS: Final = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    OverflowError,
    MemoryError,
)


class EvidenceErrorCode(StrEnum):
    EMPTY = "evidence.empty"
    TOO_LARGE = "evidence.too_large"
    UNSUPPORTED_TYPE = "evidence.unsupported_type"
    CORRUPT = "evidence.corrupt"
    TOO_MANY_PIXELS = "evidence.too_many_pixels"
    ANIMATED = "evidence.animated"


_MESSAGES: Final[dict[EvidenceErrorCode, Promise]] = {
    EvidenceErrorCode.EMPTY: _("The file is empty."),
    EvidenceErrorCode.TOO_LARGE: _("The file is too large."),
    EvidenceErrorCode.UNSUPPORTED_TYPE: _("Only JPEG, PNG and WebP images are accepted."),
    EvidenceErrorCode.CORRUPT: _("The image is damaged or incomplete."),
    EvidenceErrorCode.TOO_MANY_PIXELS: _("The image has too many pixels."),
    EvidenceErrorCode.ANIMATED: _("Animated images are not accepted."),
}


@dataclass(frozen=True, slots=True)
class CleanImage:
    """A re-encoded image, safe to store and to serve: no metadata, orientation applied."""

    content: bytes
    content_type: str
    extension: str  # without the dot: "jpg", "png" or "webp"
    width: int
    height: int
    sha256: str  # hex digest of ``content``


def _refuse(code: EvidenceErrorCode, data: dict[str, int] | None = None) -> ValidationFailed:
    message = _MESSAGES[code]
    return ValidationFailed(message, code=code, fields={"file": message}, data=data)


def _read_bounded(stream: BinaryIO | bytes | bytearray | memoryview, max_bytes: int) -> bytes:
    """Return the whole upload, reading at most ``max_bytes + 1`` bytes from a stream."""
    if isinstance(stream, bytes | bytearray | memoryview):
        if len(stream) > max_bytes:
            raise _refuse(EvidenceErrorCode.TOO_LARGE, {"max_bytes": max_bytes})
        return bytes(stream)
    limit = max_bytes + 1
    buffer = bytearray()
    while len(buffer) < limit:
        chunk = stream.read(min(_READ_CHUNK, limit - len(buffer)))
        if not chunk:
            break
        buffer += chunk[: limit - len(buffer)]
    if len(buffer) > max_bytes:
        raise _refuse(EvidenceErrorCode.TOO_LARGE, {"max_bytes": max_bytes})
    return bytes(buffer)


def _open(data: bytes) -> Image.Image:
    """Open lazily (header only) with the allowed parsers; refuse anything else."""
    try:
        return Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own global guard (MAX_IMAGE_PIXELS) fired while reading the header; the
        # warning is only raised when warnings are turned into errors.
        raise _refuse(EvidenceErrorCode.TOO_MANY_PIXELS) from None
    except UnidentifiedImageError:
        raise _refuse(EvidenceErrorCode.UNSUPPORTED_TYPE) from None
    except _DECODE_ERRORS:
        raise _refuse(EvidenceErrorCode.CORRUPT) from None


def _check_header(image: Image.Image, max_pixels: int) -> None:
    if image.format not in _FORMATS:  # pragma: no cover - formats= already restricts this
        raise _refuse(EvidenceErrorCode.UNSUPPORTED_TYPE)
    width, height = image.size
    if width <= 0 or height <= 0:
        raise _refuse(EvidenceErrorCode.CORRUPT)
    if width * height > max_pixels:
        raise _refuse(
            EvidenceErrorCode.TOO_MANY_PIXELS,
            {"width": width, "height": height, "max_pixels": max_pixels},
        )
    # Animated PNG (APNG) and WebP are refused; MPO's extra pictures are not an animation.
    if image.format in ("PNG", "WEBP") and getattr(image, "n_frames", 1) > 1:
        raise _refuse(EvidenceErrorCode.ANIMATED)


def _apply_orientation(image: Image.Image) -> None:
    """Rotate/flip the pixels in place as EXIF says; a malformed EXIF block leaves them be."""
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except (Image.DecompressionBombError, MemoryError):
        raise
    except _DECODE_ERRORS:
        return


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent areas become white rather than whatever colour they hide."""
    if image.mode == "RGB":
        return image
    if _has_alpha(image):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


_Info = dict[str | tuple[int, int], Any]  # the type of Image.info


def _prepare(image: Image.Image, out_format: str) -> tuple[Image.Image, _Info]:
    """Convert to a mode the encoder takes; return the image and the only info worth keeping."""
    if out_format == "JPEG":
        return (image if image.mode == "L" else _flatten_to_rgb(image)), {}
    if out_format == "WEBP":
        mode = "RGBA" if _has_alpha(image) else "RGB"
        return (image if image.mode == mode else image.convert(mode)), {}
    # PNG: keep compact modes (1-bit, grey, palette) as they are; palette/grey transparency lives
    # in info["transparency"] and is the one piece of info that is pixel data, not metadata.
    if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA"):
        keep: _Info = {}
        if "transparency" in image.info:
            keep["transparency"] = image.info["transparency"]
        return image, keep
    return image.convert("RGBA" if _has_alpha(image) else "RGB"), {}


def _encode(image: Image.Image, out_format: str) -> bytes:
    out = io.BytesIO()
    if out_format == "JPEG":
        image.save(out, format="JPEG", quality=JPEG_QUALITY)
    elif out_format == "PNG":
        image.save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    else:
        image.save(out, format="WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return out.getvalue()


def image_clean(
    stream: BinaryIO | bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> CleanImage:
    """Validate an uploaded evidence photo and return it re-encoded without any metadata.

    ``stream`` is read from its current position and never beyond ``max_bytes + 1`` bytes.
    Raises ``ValidationFailed`` (code ``evidence.*``, ``fields={"file": ...}``) when the upload is
    empty, larger than ``max_bytes``, not a JPEG/PNG/WebP, damaged, above ``max_pixels`` or
    animated.
    """
    data = _read_bounded(stream, max_bytes)
    if not data:
        raise _refuse(EvidenceErrorCode.EMPTY)

    image = _open(data)
    _check_header(image, max_pixels)
    assert image.format is not None
    out_format, content_type, extension = _FORMATS[image.format]

    try:
        if image.format == "PNG":
            # verify() checks every chunk's CRC without decoding pixels; the image must be
            # reopened afterwards.
            image.verify()
            image = _open(data)
        image.load()
        _apply_orientation(image)  # in place: a 40 MP copy would cost another 120-160 MB
        prepared, keep_info = _prepare(image, out_format)
        # Nothing from the source's info dict (EXIF, XMP, ICC, comments, text chunks, dpi) may
        # reach the encoder: some encoders read defaults from im.info.
        prepared.info = dict(keep_info)
        content = _encode(prepared, out_format)
        width, height = prepared.size
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(EvidenceErrorCode.TOO_MANY_PIXELS) from None
    except _DECODE_ERRORS:
        raise _refuse(EvidenceErrorCode.CORRUPT) from None
    finally:
        image.close()

    return CleanImage(
        content=content,
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        sha256=hashlib.sha256(content).hexdigest(),
    )
