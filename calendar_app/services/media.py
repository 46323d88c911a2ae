"""Images attached to posts, with what art. 5.9 asks about each: the request forms and the composer share them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from calendar_app.models import MediaAsset, Post, PostMedia


@dataclass(frozen=True)
class ImageInput:
    """One image sent with a request or a post, with what art. 5.9 asks about it."""

    file: UploadedFile
    alt_text: str
    credit: str
    rights_statement: str
    shows_identifiable_persons: bool = False
    consent_obtained: bool = False


def attach_images(post: Post, images: Sequence[ImageInput], *, uploader) -> list[MediaAsset]:
    """Store ``images`` with their rights and consent (art. 5.9) and attach them to ``post``, in order."""
    now = timezone.now()
    assets = []
    for image in images:
        consent = image.shows_identifiable_persons and image.consent_obtained
        asset = MediaAsset(
            file=image.file,
            title=image.file.name[:200],
            alt_text=image.alt_text,
            credit=image.credit,
            rights_statement=image.rights_statement,
            shows_identifiable_persons=image.shows_identifiable_persons,
            consent_recorded_at=now if consent else None,
            consent_recorded_by=uploader if consent else None,
            uploaded_by=uploader,
        )
        asset.full_clean()
        asset.save()
        assets.append(asset)
    attach_assets(post, assets)
    return assets


def attach_assets(post: Post, assets: Sequence[MediaAsset]) -> None:
    """Attach media already stored (a duplicate, the occurrences of a recurring post) to ``post``, in order."""
    PostMedia.objects.bulk_create(
        PostMedia(post=post, asset=asset, position=position) for position, asset in enumerate(assets)
    )
