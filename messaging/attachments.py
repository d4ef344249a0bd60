"""What an uploaded file really is, and where attachment files are kept.

The type of a file is decided by its content, never by its name or the type the browser sent:

* pictures (PNG, JPEG, WebP) are opened with Pillow, limited to ``MAX_PIXELS`` each and
  ``MAX_PIXELS_PER_MESSAGE`` together (the sizes are read from the headers and checked before
  anything is decoded: a PNG of 40 megapixels can weigh a few hundred kilobytes and cost
  seconds of CPU and hundreds of megabytes to decode), fully decoded, turned upright and
  encoded again. The
  new file carries none of the original's metadata: a phone photo's EXIF block can hold the
  place it was taken (GPS), the device and the time, which would identify a patient;
* a PDF must start with ``%PDF-`` and be readable by pypdf, with at least one page. PDFs are
  stored as sent and always downloaded, never shown in the browser.

Anything else is refused with a message that names what is accepted. Nothing here writes to the
database; ``messaging.services.message_send`` stores the checked files.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader

from messaging.models import ATTACHMENTS_PER_MESSAGE, Attachment

STORAGE_ALIAS = "attachments"
# 25 megapixels: above a phone camera's default resolution (12 to 24), and a decode that stays
# well under a second and 100 MB. Pillow's own guard is set to the same limit, so that no other
# code path decodes more; its warning (above the limit) is treated as an error here.
MAX_PIXELS = 25_000_000
MAX_PIXELS_PER_MESSAGE = 2 * MAX_PIXELS
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
NAME_MAX_LENGTH = 100

_IMAGE_TYPES = {
    "PNG": (Attachment.Type.PNG, ".png"),
    "JPEG": (Attachment.Type.JPEG, ".jpg"),
    "WEBP": (Attachment.Type.WEBP, ".webp"),
}
_EXTENSIONS = dict(_IMAGE_TYPES.values()) | {Attachment.Type.PDF: ".pdf"}


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, with the bytes to store."""

    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def storage():
    """The private storage of attachment files (``STORAGES["attachments"]``)."""
    return storages[STORAGE_ALIAS]


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def _not_accepted(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” cannot be attached. You can attach pictures (PNG, JPEG or WebP) "
            "and PDF documents."
        )
        % {"name": name},
        code="type",
    )


def safe_name(raw, content_type: str) -> str:
    """The sender's file name without folders or unusual characters, ending in the extension of
    the type found in the content (a PNG called ``scan.pdf`` is stored as ``scan.png``)."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    # Both separators: a browser on Windows may send "C:\\Users\\...\\photo.jpg".
    text = PureWindowsPath(PurePosixPath(text).name).name
    stem = text.rsplit(".", 1)[0] if "." in text.strip(".") else text
    stem = re.sub(r"[^\w\- ]+", "", stem, flags=re.UNICODE)
    stem = re.sub(r"\s+", " ", stem).strip(" .-_")
    extension = _EXTENSIONS[content_type]
    stem = stem[: NAME_MAX_LENGTH - len(extension)] or "attachment"
    return stem + extension


def _read(upload, display_name: str) -> bytes:
    limit = max_bytes()
    upload.seek(0)
    data = upload.read(limit + 1)
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": display_name}, code="empty")
    if len(data) > limit:
        raise ValidationError(
            _("“%(name)s” is too large. Each file can be at most %(mb)d MB.")
            % {"name": display_name, "mb": limit // (1024 * 1024)},
            code="size",
        )
    return data


def _check_image(data: bytes, display_name: str) -> CheckedFile | None:
    """The picture encoded again without metadata, or None when the bytes are no picture."""
    damaged = ValidationError(
        _("“%(name)s” looks like a picture but could not be read. It may be damaged.")
        % {"name": display_name},
        code="damaged",
    )
    too_big = ValidationError(
        _("“%(name)s” is too large a picture to open safely.") % {"name": display_name},
        code="size",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only the header is read here; the pixel count is checked before anything is decoded.
            with Image.open(io.BytesIO(data), formats=list(_IMAGE_TYPES)) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise too_big
                probe.verify()
            with Image.open(io.BytesIO(data), formats=list(_IMAGE_TYPES)) as image:
                content_type, _ext = _IMAGE_TYPES[image.format]
                image.load()
                upright = ImageOps.exif_transpose(image)
                encoded = _encode(upright, image.format, image.info.get("icc_profile"))
    except UnidentifiedImageError:
        return None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise damaged from None
    return CheckedFile(name=display_name, content_type=content_type, data=encoded)


def header_pixels(upload) -> int:
    """The pixel count a picture's header announces, without decoding it; 0 for anything that
    is not a readable picture header (the full check of each file says what is wrong)."""
    upload.seek(0)
    data = upload.read(max_bytes() + 1)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(_IMAGE_TYPES)) as probe:
                width, height = probe.size
    except Image.DecompressionBombError:
        return MAX_PIXELS + 1
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return 0
    return width * height


def _encode(image: Image.Image, image_format: str, icc_profile) -> bytes:
    """A fresh file from the decoded pixels. Only the colour profile is carried over; EXIF
    (GPS position, device, time), XMP and text chunks are left behind."""
    clean = image.copy()
    clean.info = {}
    options: dict = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        if clean.mode not in {"RGB", "L", "CMYK"}:
            clean = clean.convert("RGB")
        options |= {"quality": 90, "optimize": True}
    elif image_format == "WEBP":
        if clean.mode not in {"RGB", "RGBA"}:
            clean = clean.convert("RGBA" if "A" in clean.getbands() else "RGB")
        options |= {"quality": 90}
    out = io.BytesIO()
    clean.save(out, format=image_format, **options)
    return out.getvalue()


def _check_pdf(data: bytes, display_name: str) -> CheckedFile | None:
    if not data.startswith(b"%PDF-"):
        return None
    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 - pypdf raises many types for malformed files
        pages = 0
    if pages < 1:
        raise ValidationError(
            _("“%(name)s” looks like a PDF but could not be read. It may be damaged.")
            % {"name": display_name},
            code="damaged",
        )
    return CheckedFile(name=display_name, content_type=Attachment.Type.PDF, data=data)


def check_upload(upload) -> CheckedFile:
    """Decide what ``upload`` (a Django ``UploadedFile`` or any binary file object with a
    ``name``) really is. Raises ``ValidationError`` with a message naming the file."""
    display_name = safe_name(getattr(upload, "name", ""), Attachment.Type.PDF)[: -len(".pdf")]
    display_name = display_name or "attachment"
    data = _read(upload, display_name)
    checked = _check_image(data, display_name) or _check_pdf(data, display_name)
    if checked is None:
        raise _not_accepted(display_name)
    name = safe_name(getattr(upload, "name", ""), checked.content_type)
    return CheckedFile(name=name, content_type=checked.content_type, data=checked.data)


def check_uploads(uploads) -> list[CheckedFile]:
    """Check every file of one message; all must pass, or none is kept."""
    uploads = [u for u in (uploads or []) if u is not None]
    if len(uploads) > ATTACHMENTS_PER_MESSAGE:
        raise ValidationError(
            {
                "attachments": ngettext(
                    "You can attach at most %(limit)d file to one message.",
                    "You can attach at most %(limit)d files to one message.",
                    ATTACHMENTS_PER_MESSAGE,
                )
                % {"limit": ATTACHMENTS_PER_MESSAGE}
            }
        )
    # Pictures over MAX_PIXELS are refused one by one below, also before they are decoded.
    pixels = [header_pixels(upload) for upload in uploads]
    if sum(n for n in pixels if n <= MAX_PIXELS) > MAX_PIXELS_PER_MESSAGE:
        raise ValidationError(
            {
                "attachments": _(
                    "These pictures are too large together (at most %(mp)d megapixels in one "
                    "message). Please send them in separate messages or make them smaller."
                )
                % {"mp": MAX_PIXELS_PER_MESSAGE // 1_000_000}
            },
            code="size",
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    return checked


def request_too_large(request) -> bool:
    """Whether a request announces more than a full message with the largest files allowed.
    Django limits the form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not uploaded files, so
    such a request is refused on its length alone. The body has been received by then (and,
    with a session's CSRF check, parsed into temporary files that Django deletes after the
    request): the reverse proxy in front should cap the body size."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > ATTACHMENTS_PER_MESSAGE * max_bytes() + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_message() -> str:
    return _(
        "That was too much to send at once. You can attach up to %(count)d files of at most "
        "%(mb)d MB each."
    ) % {"count": ATTACHMENTS_PER_MESSAGE, "mb": max_bytes() // (1024 * 1024)}


def new_storage_name() -> str:
    """A random name, unrelated to the sender's file name, spread over 256 folders."""
    token = uuid.uuid4().hex
    return f"{token[:2]}/{token}"


def write(storage_name: str, data: bytes) -> None:
    saved = storage().save(storage_name, ContentFile(data))
    if saved != storage_name:  # pragma: no cover - a random 128-bit name never collides
        storage().delete(saved)
        raise RuntimeError("attachment storage name collision")


def discard(storage_names) -> None:
    """Delete files (after a rollback, or once their rows are gone); missing files are fine."""
    for name in storage_names:
        storage().delete(name)
