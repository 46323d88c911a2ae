"""The images of a channel version, as renditions its network accepts (publishing.renditions)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from publishing.adapters.base import MediaFile, PermanentError
from publishing.rendition_profiles import config
from publishing.renditions import media_file, render


def media_files_for(version) -> list[MediaFile]:
    """One rendition per attached image, sized and stripped for ``version``'s network, credit stamped (art. 5.9).

    A network without an image profile (YouTube) gets none; an image that cannot be made to fit
    is a ``PermanentError`` with the reason, so the publication fails clearly instead of crashing.
    """
    network = version.channel.network
    if network not in config()["networks"]:
        return []
    files = []
    # .all() uses the worker's prefetched media; ordered here rather than by a new query.
    for attached in sorted(version.post.post_media.all(), key=lambda attached: (attached.position, attached.pk)):
        asset = attached.asset
        try:
            rendition = render(asset, network, credit=asset.credit)
        except ValidationError as error:
            raise PermanentError(" ".join(error.messages)) from None
        files.append(media_file(rendition, asset.alt_text))
    return files
