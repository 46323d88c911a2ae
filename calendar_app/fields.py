from django.db import models


class URLField(models.URLField):
    """A URL field whose forms take "ville.montmagny.qc.ca" as https://ville.montmagny.qc.ca."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)
