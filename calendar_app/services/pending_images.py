"""Images chosen in a form that came back with errors, kept until the form is sent again.

A browser never sends a file twice: when a request form is shown again because of an error
elsewhere, the image the person had chosen would be lost. Its file is kept instead under
``pending/`` of the media storage, named at random, and the page carries a *token* for it: signed
(``django.core.signing``) and bound to the person who uploaded it, so that a token copied,
guessed or forged never opens another person's file. The next valid sending attaches the file
(``calendar_app.services.media.attach_images``, audited with the post); until then it is no part
of any post, so keeping or discarding it is not audited.

Kept files older than ``KEPT_FOR`` are removed at each new keep, and by
``pending_images_prune`` wherever it is scheduled.
"""

from __future__ import annotations

import datetime
import mimetypes
import re
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

PENDING_FOLDER = "pending"
# How long a chosen image waits for the form to be sent again; a token is refused after it too.
KEPT_FOR = datetime.timedelta(days=1)
_SALT = "calendar_app.pending_images"
# What a kept file's stored name looks like; anything else in a token is refused (defence in depth:
# the signature already guarantees that Vitrine wrote the name).
_STORED_NAME = re.compile(rf"{PENDING_FOLDER}/[0-9a-f]{{32}}\.[a-z0-9]{{1,5}}\Z")
# The file's extension from the format Pillow found when the upload was validated.
_EXTENSIONS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}


@dataclass(frozen=True)
class PendingImage:
    """A kept file: its token (for the page), where it is stored, and the name it was uploaded under."""

    token: str
    stored_name: str
    original_name: str

    @property
    def content_type(self) -> str:
        return mimetypes.guess_type(self.stored_name)[0] or "application/octet-stream"

    def open(self) -> File:
        """The file, named as it was uploaded (the name a ``MediaAsset`` keeps as its title)."""
        return File(default_storage.open(self.stored_name, "rb"), name=self.original_name)


def pending_image_keep(*, owner, upload) -> PendingImage:
    """Store ``upload`` (a file the form's validation accepted) for ``owner`` and return it with its token.

    Kept files older than ``KEPT_FOR`` are removed first.
    """
    pending_images_prune()
    image_format = getattr(getattr(upload, "image", None), "format", None)
    extension = _EXTENSIONS.get(image_format) or _safe_extension(upload.name)
    upload.seek(0)
    stored_name = default_storage.save(f"{PENDING_FOLDER}/{secrets.token_hex(16)}{extension}", upload)
    original_name = PurePosixPath(upload.name or "image").name[:200]
    token = signing.dumps({"name": stored_name, "original": original_name, "owner": owner.pk}, salt=_SALT)
    return PendingImage(token=token, stored_name=stored_name, original_name=original_name)


def pending_image_find(*, owner, token: str) -> PendingImage | None:
    """The file ``token`` names if ``owner`` kept it less than ``KEPT_FOR`` ago and it is still there; else None
    (a forged, altered, expired or someone else's token alike)."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=KEPT_FOR)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or owner is None or payload.get("owner") != owner.pk:
        return None
    stored_name, original_name = payload.get("name"), payload.get("original")
    if not isinstance(stored_name, str) or not _STORED_NAME.match(stored_name) or not isinstance(original_name, str):
        return None
    if not default_storage.exists(stored_name):
        return None
    return PendingImage(token=token, stored_name=stored_name, original_name=original_name)


def pending_image_discard(image: PendingImage) -> None:
    """Remove a kept file: attached to a post by now, or removed by its owner."""
    default_storage.delete(image.stored_name)


def pending_images_prune(*, now: datetime.datetime | None = None) -> int:
    """Remove the kept files older than ``KEPT_FOR``; returns how many were removed."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    try:
        _folders, names = default_storage.listdir(PENDING_FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{PENDING_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        except FileNotFoundError:  # removed meanwhile by another request
            continue
    return removed


def _safe_extension(name: str | None) -> str:
    suffix = PurePosixPath(name or "").suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ".img"
