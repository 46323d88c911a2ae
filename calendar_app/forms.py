"""The forms people fill in; each hands clean data to a service and shows the service's refusals."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from calendar_app.models import Channel, Post
from calendar_app.services.requests import ImageInput, RequestInput
from calendar_app.validators import validate_image_upload

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

# What services, committees and organisations may ask for (art. 9.4, 9.5); the rest is the city's own.
REQUEST_CATEGORIES = [
    (value, label)
    for value, label in Post.Category.choices
    if value not in {Post.Category.CITY_ADVERTISING, Post.Category.EMERGENCY}
]


class ChannelChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, channel):
        return f"{channel.get_network_display()} — {channel.handle}"


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: on its fields where they exist, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class LinksField(forms.CharField):
    """Addresses, one per line; each must be a well-formed web address."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def validate(self, value):
        super().validate("\n".join(value))
        check = URLValidator(schemes=["http", "https"])
        for url in value:
            try:
                check(url)
            except ValidationError:
                raise ValidationError(
                    _("“%(url)s” is not a valid web address."), code="invalid_url", params={"url": url}
                ) from None


class RequestForm(forms.Form):
    """A service's or committee's publication request (art. 9.4), or an organisation's visibility request (art. 9.5)."""

    title = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Short description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("The text you would like to see published, in French (art. 5.2)."),
    )
    category = forms.ChoiceField(label=_("Kind of information"), choices=REQUEST_CATEGORIES)
    desired_from = forms.DateField(label=_("Desired from"), widget=DATE_INPUT)
    desired_until = forms.DateField(label=_("Desired until"), widget=DATE_INPUT, required=False)
    channels = ChannelChoiceField(label=_("Channels wished"), queryset=Channel.objects.none())
    links = LinksField(label=_("Links (one per line)"), required=False)
    original_post_url = forms.URLField(
        label=_("Link of your original post"),
        required=False,
        assume_scheme="https",
        help_text=_("If your organisation has its own social media, publish there first (art. 9.5)."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail address"))
    contact_phone = forms.CharField(label=_("Contact phone number"), max_length=40, required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, requesters, for_organisation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester"] = forms.ModelChoiceField(
            label=_("On behalf of") if for_organisation else _("Service or committee"),
            queryset=requesters,
            initial=requesters.first() if requesters.count() == 1 else None,
        )
        self.order_fields(["requester"])
        channels = Channel.objects.filter(is_active=True).order_by("network", "handle")
        if for_organisation:
            channels = channels.filter(accepts_organisation_requests=True)
        else:
            del self.fields["original_post_url"]
        self.fields["channels"].queryset = channels

    def request_input(self, images: list[ImageInput]) -> RequestInput:
        data = self.cleaned_data
        return RequestInput(
            title=data["title"],
            body=data["body"],
            category=data["category"],
            desired_from=data["desired_from"],
            desired_until=data["desired_until"],
            channels=list(data["channels"]),
            links=data["links"],
            images=images,
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            original_post_url=data.get("original_post_url", ""),
            submission_key=data["submission_key"],
        )


class ImageForm(forms.Form):
    """One image with what art. 5.9 asks about it; an empty row is ignored."""

    file = forms.ImageField(label=_("Image"), required=False, validators=[validate_image_upload])
    alt_text = forms.CharField(label=_("Alternative text"), required=False, max_length=1000)
    credit = forms.CharField(label=_("Credit or source"), required=False, max_length=300)
    rights_statement = forms.CharField(label=_("Rights statement"), required=False, max_length=1000)
    shows_identifiable_persons = forms.BooleanField(label=_("Shows identifiable persons"), required=False)
    consent_obtained = forms.BooleanField(
        label=_("Their written consent was obtained"),
        required=False,
        help_text=_("Required when the image shows identifiable persons (art. 5.9)."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("file"):
            return data
        for name in ("alt_text", "credit", "rights_statement"):
            if not data.get(name, "").strip():
                self.add_error(name, _("Required with an image (art. 5.9)."))
        if data.get("shows_identifiable_persons") and not data.get("consent_obtained"):
            self.add_error("consent_obtained", _("Consent is required for identifiable persons (art. 5.9)."))
        return data

    def image_input(self) -> ImageInput | None:
        data = self.cleaned_data
        if not data.get("file"):
            return None
        return ImageInput(
            file=data["file"],
            alt_text=data["alt_text"],
            credit=data["credit"],
            rights_statement=data["rights_statement"],
            shows_identifiable_persons=data["shows_identifiable_persons"],
            consent_obtained=data["consent_obtained"],
        )


ImageFormSet = forms.formset_factory(ImageForm, extra=2, max_num=4, validate_max=True)


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class TextEditForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=63206)


class ReasonsForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ScheduleForm(forms.Form):
    due_at = forms.DateTimeField(label=_("Publish on"), widget=DATETIME_INPUT)
    acknowledge_warnings = forms.BooleanField(
        label=_("I have read the Charte's warnings and take responsibility for publishing"), required=False
    )


class InternalPostForm(forms.Form):
    """An internal post by an authorised publisher (art. 8.4), on the channels they may use."""

    title = forms.CharField(label=_("Title (for the calendar)"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Post.Category.choices)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=63206)
    channels = ChannelChoiceField(label=_("Channels"), queryset=Channel.objects.none())
    links = LinksField(label=_("Links (one per line)"), required=False)
    health_and_safety = forms.BooleanField(label=_("Health and safety (English allowed, art. 5.2)"), required=False)

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = channels


class EmergencySwitchForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class EmergencyPostForm(forms.Form):
    title = forms.CharField(label=_("Title (for the calendar)"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    channels = ChannelChoiceField(label=_("Channels"), queryset=Channel.objects.none())
    health_and_safety = forms.BooleanField(label=_("Health and safety (English allowed, art. 5.2)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = Channel.objects.filter(
            is_active=True, emergency_enabled=True, authorised_at__isnull=False
        )


class ElectionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    polling_day = forms.DateField(label=_("Polling day"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT)
    parties = forms.CharField(
        label=_("Parties"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One per line: name, then other names separated by “|” (abbreviations, slogans, hashtags)."),
    )
    candidates = forms.CharField(
        label=_("Registered candidates"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line: full name | position sought | party (optional)."),
    )

    def clean_parties(self):
        parties = []
        for line in self.cleaned_data["parties"].splitlines():
            name, *aliases = [part.strip() for part in line.split("|")]
            if name:
                parties.append((name, "\n".join(alias for alias in aliases if alias)))
        return parties

    def clean_candidates(self):
        from calendar_app.services.elections import CandidateInput

        candidates = []
        for number, line in enumerate(self.cleaned_data["candidates"].splitlines(), start=1):
            parts = [part.strip() for part in line.split("|")]
            if not any(parts):
                continue
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise ValidationError(
                    _("Line %(number)d: write “full name | position sought | party”."),
                    code="candidate_line",
                    params={"number": number},
                )
            candidates.append(
                CandidateInput(full_name=parts[0], position=parts[1], party=parts[2] if len(parts) > 2 else "")
            )
        return candidates

    def clean(self):
        data = super().clean()
        party_names = {name for name, _aliases in data.get("parties", [])}
        for candidate in data.get("candidates", []):
            if candidate.party and candidate.party not in party_names:
                self.add_error(
                    "candidates",
                    _("The party “%(party)s” is not in the list of parties.") % {"party": candidate.party},
                )
        return data
