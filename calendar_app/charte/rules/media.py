"""Images (art. 5.9): only authorised images, with their source, the consent of the persons one can
recognise, and an alternative text for people who use a screen reader."""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from calendar_app.charte.base import Check, CheckContext, Finding, Severity
from calendar_app.charte.text.folding import fold
from calendar_app.charte.text.stems import stem
from calendar_app.charte.text.tokens import tokens

# A field says something when it holds at least one letter or digit ("-" or "…" say nothing).
_SAYS_SOMETHING = re.compile(r"[^\W_]")
_MESSAGE_TEXT_LENGTH = 80


def _blank(value: str | None) -> bool:
    return not value or _SAYS_SOMETHING.search(value) is None


def _images(context: CheckContext):
    return [media for media in context.media if media.is_image]


class ImageSource(Check):
    code = "image_source"
    article = "5.9"
    severity = Severity.BLOCK
    help_text = _("Every image states its source (credit) and who authorised its use (rights statement).")

    NO_CREDIT = _("This image does not state its source: enter who took or made it (the photo credit).")
    NO_RIGHTS = _(
        "This image has no rights statement: record who authorised its use and how (the city's own photo, a "
        "licence, a written permission)."
    )

    def check(self, context: CheckContext):
        for image in _images(context):
            if _blank(image.credit):
                yield Finding(message=self.NO_CREDIT, media_id=image.id)
            if _blank(image.rights_statement):
                yield Finding(message=self.NO_RIGHTS, media_id=image.id)


class ImageConsent(Check):
    code = "image_consent"
    article = "5.9"
    severity = Severity.BLOCK
    help_text = _("An image showing identifiable persons needs their recorded consent.")

    MESSAGE = _(
        "This image shows identifiable persons but no consent is recorded: record their consent (or their legal "
        "representative's) or choose another image."
    )

    def check(self, context: CheckContext):
        for image in _images(context):
            if image.shows_identifiable_persons and not image.has_consent:
                yield Finding(message=self.MESSAGE, media_id=image.id)


class ImageAltText(Check):
    code = "image_alt_text"
    article = "5.9"
    severity = Severity.BLOCK
    help_text = _("Every image has an alternative text that describes it (accessibility).")

    MISSING = _("This image has no alternative text: describe what it shows for people who use a screen reader.")
    USELESS = _(
        "The alternative text « %(found)s » does not describe the image: say what it shows (who, what, where) for "
        "people who use a screen reader."
    )

    def __init__(self, data, **options):
        super().__init__(data, **options)
        # Each useless text as its key: the stems of its words, numbers left out ("Image 3" is "image").
        self.useless = frozenset(filter(None, map(self._key, data.lexicon("useless_alt_text").terms)))
        self.patterns = data.patterns("useless_alt_text_patterns")
        self.is_useless = lru_cache(maxsize=1024)(self._is_useless)

    @staticmethod
    def _key(text: str) -> str:
        return " ".join(stem(word) for word in tokens(fold(text)).words if not word.isdigit())

    def _is_useless(self, alt_text: str) -> bool:
        if any(pattern.regex.search(alt_text) for pattern in self.patterns):
            return True
        key = self._key(alt_text)
        return not key or key in self.useless

    def check(self, context: CheckContext):
        for image in _images(context):
            alt_text = (image.alt_text or "").strip()
            if _blank(alt_text):
                yield Finding(message=self.MISSING, media_id=image.id)
            elif self.is_useless(alt_text):
                found = (
                    alt_text if len(alt_text) <= _MESSAGE_TEXT_LENGTH else alt_text[: _MESSAGE_TEXT_LENGTH - 1] + "…"
                )
                yield Finding(message=self.USELESS, params={"found": found}, media_id=image.id)
