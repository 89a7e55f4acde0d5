"""Evidence photo cleaning (QUALITY.md S6). No database: every image is made in memory."""

from __future__ import annotations

import hashlib
import io
import struct
import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from anxin.cases.images import CleanImage, EvidenceErrorCode, image_clean
from anxin.core.errors import ValidationFailed

MB = 1024 * 1024


# --- helpers ---------------------------------------------------------------------------------


def _encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _open(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def _refusal(data, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        image_clean(data, **kwargs)
    return caught.value


def _gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "AcmePhone"
    exif[ExifTags.Base.Model] = "X1"
    exif[ExifTags.Base.DateTimeOriginal] = "2024:05:01 10:00:00"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (39.0, 54.0, 27.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (116.0, 23.0, 17.0),
    }
    return exif


XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-location</rdf:RDF></x:xmpmeta>'


def _assert_no_metadata(content: bytes) -> None:
    image = Image.open(io.BytesIO(content))
    assert len(image.getexif()) == 0
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Comment"):
        assert key not in image.info, key
    assert b"Exif\x00\x00" not in content
    assert b"AcmePhone" not in content
    assert b"secret-location" not in content
    assert b"adobe:ns:meta" not in content


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _png_bomb(width: int, height: int) -> bytes:
    """A complete, valid 1-bit greyscale PNG of zeros, built without ever holding its pixels."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    idat = b"".join(parts) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _jpeg_with_header_size(width: int, height: int) -> bytes:
    """A tiny baseline JPEG whose SOF0 header claims ``width`` x ``height``."""
    data = bytearray(_encode(Image.new("RGB", (16, 16), "white"), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


class CountingStream:
    """An upload body of ``size`` bytes that is never materialised; counts what is read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.position = 0
        self.bytes_read = 0
        self.calls = 0

    def read(self, n: int = -1) -> bytes:
        self.calls += 1
        remaining = self.size - self.position
        if n is None or n < 0:
            n = remaining
        n = min(n, remaining)
        self.position += n
        self.bytes_read += n
        return b"\xff" * n


@pytest.fixture(scope="module")
def png_bomb() -> bytes:
    return _png_bomb(20_000, 20_000)


@pytest.fixture(scope="module")
def twelve_megapixel_jpeg() -> bytes:
    size = (4000, 3000)
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge(
        "RGB",
        (gradient, Image.effect_noise(size, 20), gradient.transpose(Image.Transpose.ROTATE_180)),
    )
    return _encode(image, "JPEG", quality=92, exif=_gps_exif())


# --- accepted images -------------------------------------------------------------------------


def test_jpeg_with_exif_gps_xmp_and_comment_comes_out_bare():
    source = _encode(
        Image.new("RGB", (64, 48), (200, 30, 30)),
        "JPEG",
        exif=_gps_exif(),
        xmp=XMP,
        comment=b"taken at home",
        icc_profile=b"\x00" * 128,
    )
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # precondition

    clean = image_clean(source)

    assert isinstance(clean, CleanImage)
    assert (clean.content_type, clean.extension) == ("image/jpeg", "jpg")
    assert (clean.width, clean.height) == (64, 48)
    assert clean.sha256 == hashlib.sha256(clean.content).hexdigest()
    _assert_no_metadata(clean.content)
    assert b"taken at home" not in clean.content
    output = _open(clean.content)
    assert output.format == "JPEG"
    assert output.size == (64, 48)


def test_exif_orientation_is_applied_to_the_pixels():
    # 40x20 landscape: left half red, right half blue; orientation 6 = "rotate 90° clockwise".
    source_image = Image.new("RGB", (40, 20), (0, 0, 255))
    source_image.paste((255, 0, 0), (0, 0, 20, 20))
    source = _encode(source_image, "JPEG", quality=95, exif=_gps_exif(orientation=6))

    clean = image_clean(source)

    assert (clean.width, clean.height) == (20, 40)
    output = _open(clean.content).convert("RGB")
    assert output.size == (20, 40)
    top, bottom = output.getpixel((10, 5)), output.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60  # red went to the top
    assert bottom[2] > 200 and bottom[0] < 60
    assert ExifTags.Base.Orientation not in output.getexif()


def test_png_with_alpha_stays_png_with_alpha_and_no_metadata():
    source_image = Image.new("RGBA", (30, 30), (0, 128, 0, 0))
    source_image.paste((0, 128, 0, 255), (0, 0, 15, 30))
    info = PngInfo()
    info.add_text("Comment", "AcmePhone secret-location")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    source = _encode(source_image, "PNG", pnginfo=info, exif=_gps_exif(), icc_profile=b"x" * 64)

    clean = image_clean(source)

    assert (clean.content_type, clean.extension) == ("image/png", "png")
    _assert_no_metadata(clean.content)
    output = _open(clean.content)
    assert output.format == "PNG"
    assert output.mode == "RGBA"
    assert output.getpixel((2, 2)) == (0, 128, 0, 255)
    assert output.getpixel((25, 2))[3] == 0


def test_palette_png_keeps_its_transparency():
    source_image = Image.new("P", (10, 10), 1)
    source_image.putpalette([0, 0, 0, 255, 0, 0] + [0] * (254 * 3))
    source_image.paste(0, (0, 0, 5, 10))
    source = _encode(source_image, "PNG", transparency=0)

    output = _open(image_clean(source).content)

    assert output.mode == "P"
    assert output.info.get("transparency") == 0
    assert output.convert("RGBA").getpixel((1, 1))[3] == 0
    assert output.convert("RGBA").getpixel((8, 1)) == (255, 0, 0, 255)


def test_webp_is_accepted_and_stays_webp_without_metadata():
    source = _encode(Image.new("RGB", (50, 40), (10, 20, 200)), "WEBP", exif=_gps_exif(), xmp=XMP)

    clean = image_clean(source)

    assert (clean.content_type, clean.extension) == ("image/webp", "webp")
    assert (clean.width, clean.height) == (50, 40)
    _assert_no_metadata(clean.content)
    assert _open(clean.content).format == "WEBP"


def test_webp_with_alpha_keeps_alpha():
    source = _encode(Image.new("RGBA", (20, 20), (255, 0, 0, 0)), "WEBP", lossless=True)

    output = _open(image_clean(source).content)

    assert output.mode == "RGBA"
    assert output.getpixel((5, 5))[3] == 0


def test_cmyk_and_greyscale_jpegs_are_accepted():
    cmyk = image_clean(_encode(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"))
    grey = image_clean(_encode(Image.new("L", (8, 8), 128), "JPEG"))

    assert _open(cmyk.content).mode == "RGB"
    assert _open(grey.content).mode == "L"


def test_multi_picture_jpeg_from_a_phone_is_a_jpeg_not_an_animation():
    first, second = Image.new("RGB", (32, 24), "red"), Image.new("RGB", (32, 24), "blue")
    source = _encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(source)).format == "MPO"  # precondition

    clean = image_clean(source)

    assert clean.content_type == "image/jpeg"
    output = _open(clean.content)
    assert getattr(output, "n_frames", 1) == 1
    assert output.getpixel((5, 5))[0] > 200


def test_format_comes_from_the_bytes_and_a_django_upload_is_a_stream():
    png = _encode(Image.new("RGB", (5, 5)), "PNG")
    upload = SimpleUploadedFile("holiday.jpg", png, content_type="image/jpeg")

    clean = image_clean(upload)

    assert clean.content_type == "image/png"


def test_a_file_of_exactly_max_bytes_is_accepted():
    source = _encode(Image.new("RGB", (16, 16), "white"), "JPEG")

    assert image_clean(io.BytesIO(source), max_bytes=len(source)).width == 16
    assert _refusal(source, max_bytes=len(source) - 1).code == EvidenceErrorCode.TOO_LARGE


def test_valid_12_megapixel_jpeg_is_cleaned_in_reasonable_time(twelve_megapixel_jpeg):
    assert len(twelve_megapixel_jpeg) < 10 * MB

    started = time.perf_counter()
    clean = image_clean(twelve_megapixel_jpeg)
    elapsed = time.perf_counter() - started

    assert (clean.width, clean.height) == (4000, 3000)
    _assert_no_metadata(clean.content)
    assert elapsed < 2.0, f"cleaning a 12 MP JPEG took {elapsed:.2f} s"


# --- refusals --------------------------------------------------------------------------------


def test_refusal_carries_code_status_and_a_file_field_message():
    error = _refusal(b"just some text")

    assert error.code == "evidence.unsupported_type"
    assert error.status == 422
    assert set(error.fields) == {"file"}
    assert str(error.fields["file"]) == str(error.message)
    assert str(error.message) == "Only JPEG, PNG and WebP images are accepted."
    assert error.as_dict()["fields"] == {"file": str(error.message)}


def test_empty_upload_is_refused():
    assert _refusal(b"").code == EvidenceErrorCode.EMPTY
    assert _refusal(io.BytesIO(b"")).code == EvidenceErrorCode.EMPTY


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"Dear merchant, please refund me.\n" * 50, id="text-renamed-jpg"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script/></svg>',
            id="svg",
        ),
        pytest.param(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", id="pdf"),
        pytest.param(b"<html><body>hi</body></html>", id="html"),
        pytest.param(b"\xff\xd8\xff" + b"\x00" * 10, id="jpeg-magic-only"),
    ],
)
def test_non_images_are_unsupported(payload):
    upload = SimpleUploadedFile("evidence.jpg", payload, content_type="image/jpeg")

    error = _refusal(upload)

    assert error.code in (EvidenceErrorCode.UNSUPPORTED_TYPE, EvidenceErrorCode.CORRUPT)
    if not payload.startswith(b"\xff\xd8"):
        assert error.code == EvidenceErrorCode.UNSUPPORTED_TYPE


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [("P", "GIF"), ("RGB", "BMP"), ("RGB", "TIFF"), ("RGB", "ICO"), ("RGB", "PPM"), ("RGB", "PDF")],
)
def test_other_image_formats_are_unsupported(mode, fmt):
    source = _encode(Image.new(mode, (16, 16)), fmt)

    assert _refusal(source).code == EvidenceErrorCode.UNSUPPORTED_TYPE


def test_truncated_jpeg_is_corrupt():
    image = Image.merge(
        "RGB", [Image.effect_noise((256, 256), 50) for _ in range(3)]
    )  # noise: the cut lands in the scan data
    source = _encode(image, "JPEG")

    assert _refusal(source[: len(source) // 2]).code == EvidenceErrorCode.CORRUPT


def test_truncated_and_damaged_png_are_corrupt():
    source = _encode(Image.effect_noise((128, 128), 50), "PNG")
    damaged = bytearray(source)
    idat = damaged.index(b"IDAT")
    damaged[idat + 40] ^= 0xFF  # flips a byte of the compressed data: its CRC no longer matches

    bad_checksum = bytearray(source)
    iend = bad_checksum.index(b"IEND")
    bad_checksum[iend - 5] ^= 0xFF  # IDAT's CRC (before IEND's length): pixels decode fine

    assert _refusal(source[: len(source) // 2]).code == EvidenceErrorCode.CORRUPT
    assert _refusal(bytes(damaged)).code == EvidenceErrorCode.CORRUPT
    assert _refusal(bytes(bad_checksum)).code == EvidenceErrorCode.CORRUPT


def test_truncated_webp_is_corrupt():
    source = _encode(Image.effect_noise((128, 128), 50).convert("RGB"), "WEBP")

    assert _refusal(source[: len(source) // 2]).code == EvidenceErrorCode.CORRUPT


def test_bytes_larger_than_max_bytes_are_refused():
    error = _refusal(b"\xff" * (10 * MB + 1))

    assert error.code == EvidenceErrorCode.TOO_LARGE
    assert str(error.fields["file"]) == "The file is too large."


def test_an_11_mb_stream_is_refused_without_reading_past_the_limit():
    stream = CountingStream(11 * MB)

    error = _refusal(stream)

    assert error.code == EvidenceErrorCode.TOO_LARGE
    assert stream.bytes_read <= 10 * MB + 1


def test_a_100_mb_body_is_refused_fast_with_bounded_reads():
    stream = CountingStream(100 * MB)
    started = time.perf_counter()

    error = _refusal(stream, max_bytes=10 * MB)

    assert time.perf_counter() - started < 1.0
    assert error.code == EvidenceErrorCode.TOO_LARGE
    assert stream.bytes_read == 10 * MB + 1


def test_decompression_bomb_is_refused_from_the_header_in_under_a_second(png_bomb):
    assert len(png_bomb) < 200 * 1024  # 400 megapixels in a small file

    started = time.perf_counter()
    error = _refusal(png_bomb)

    assert time.perf_counter() - started < 1.0
    assert error.code == EvidenceErrorCode.TOO_MANY_PIXELS


def test_bomb_is_refused_by_our_own_check_before_any_decoding(png_bomb, monkeypatch):
    # Pillow's global guard switched off, and decoding made to blow up: the header check alone
    # must refuse the file.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    started = time.perf_counter()

    error = _refusal(png_bomb)

    assert time.perf_counter() - started < 1.0
    assert error.code == EvidenceErrorCode.TOO_MANY_PIXELS
    assert error.data["width"] == 20_000


def test_image_above_max_pixels_but_below_pillows_limit_is_refused():
    source = _png_bomb(8000, 6000)  # 48 MP: Pillow alone would decode it

    assert _refusal(source).code == EvidenceErrorCode.TOO_MANY_PIXELS
    assert _refusal(_encode(Image.new("L", (100, 100)), "PNG"), max_pixels=9_999).code == (
        EvidenceErrorCode.TOO_MANY_PIXELS
    )


def test_jpeg_header_claiming_100_megapixels_is_refused():
    source = _jpeg_with_header_size(10_000, 10_000)

    with pytest.warns(Image.DecompressionBombWarning):
        assert _refusal(source).code == EvidenceErrorCode.TOO_MANY_PIXELS


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_pillow_bomb_warning_raised_as_error_is_a_refusal_too():
    source = _jpeg_with_header_size(10_000, 10_000)

    assert _refusal(source).code == EvidenceErrorCode.TOO_MANY_PIXELS


def test_animated_webp_is_refused():
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "green", "blue")]
    source = _encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(io.BytesIO(source)).n_frames == 3  # precondition

    assert _refusal(source).code == EvidenceErrorCode.ANIMATED


def test_animated_png_is_refused():
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "green")]
    source = _encode(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(io.BytesIO(source)).n_frames == 2  # precondition

    assert _refusal(source).code == EvidenceErrorCode.ANIMATED


def test_single_frame_webp_saved_with_save_all_is_accepted():
    source = _encode(Image.new("RGB", (16, 16), "red"), "WEBP", save_all=True)

    assert image_clean(source).content_type == "image/webp"
