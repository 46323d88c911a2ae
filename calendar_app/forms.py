"""The forms people fill in; each hands clean data to a service and shows the service's refusals."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendar_app.models import (
    AccreditedOrganisation,
    Approval,
    Channel,
    ChannelVersion,
    OtherCommunication,
    Post,
    PostMessage,
    Service,
)
from calendar_app.selectors.channels import official_channels
from calendar_app.services.composing import Composition, Frequency, Intent, Recurrence
from calendar_app.services.editing import PostTexts
from calendar_app.services.media import ImageInput
from calendar_app.services.other_communications import OtherCommunicationInput
from calendar_app.services.pending_images import (
    PendingImage,
    pending_image_discard,
    pending_image_find,
    pending_image_keep,
)
from calendar_app.services.requests import ORGANISATION_REFUSED_CATEGORIES, REQUEST_REFUSED_CATEGORIES, RequestInput
from calendar_app.services.scheduling import INVALID_NETWORK_ADDRESS, Timing
from calendar_app.text_input import TextField, validate_text
from calendar_app.validators import validate_contest_rules_pdf, validate_image_upload
from calendar_app.workflow import Status
from kernel.images import file_too_large

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

# What services and committees (art. 9.4) and organisations (art. 9.5) may ask for (services.requests).
SERVICE_REQUEST_CATEGORIES = [
    (value, label) for value, label in Post.Category.choices if value not in REQUEST_REFUSED_CATEGORIES
]
ORGANISATION_REQUEST_CATEGORIES = [
    (value, label) for value, label in Post.Category.choices if value not in ORGANISATION_REFUSED_CATEGORIES
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
            validate_text(url)
            try:
                check(url)
            except ValidationError:
                raise ValidationError(
                    _("“%(url)s” is not a valid web address."), code="invalid_url", params={"url": url}
                ) from None


def contest_rules_url_field() -> forms.URLField:
    """The address of a contest's rules (art. 5.8); their PDF document is the other way."""
    return forms.URLField(
        label=_("Contest rules (address)"),
        required=False,
        assume_scheme="https",
        help_text=_("A contest needs clear rules (art. 5.8): give their address, or attach their PDF document."),
    )


def contest_rules_document_field() -> forms.FileField:
    """A contest's rules as a PDF document (art. 5.8), checked by ``validate_contest_rules_pdf``."""
    return forms.FileField(
        label=_("Contest rules (PDF document)"),
        required=False,
        validators=[validate_contest_rules_pdf],
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
    )


class RequestForm(forms.Form):
    """A service's or committee's publication request (art. 9.4), or an organisation's visibility request (art. 9.5)."""

    title = TextField(label=_("Subject"), max_length=200)
    body = TextField(
        label=_("Text to publish"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("The text that will be published, as you would like it to read, in French (art. 5.2)."),
    )
    category = forms.ChoiceField(label=_("Kind of information"), choices=ORGANISATION_REQUEST_CATEGORIES)
    desired_from = forms.DateField(label=_("Desired from"), widget=DATE_INPUT)
    desired_until = forms.DateField(label=_("Desired until"), widget=DATE_INPUT, required=False)
    channels = ChannelChoiceField(label=_("Channels wished"), queryset=Channel.objects.none())
    links = LinksField(label=_("Links (one per line)"), required=False)
    contest_rules_url = contest_rules_url_field()
    contest_rules_document = contest_rules_document_field()
    original_post_url = forms.URLField(
        label=_("Link of your original post"),
        required=False,
        assume_scheme="https",
        help_text=_("If your organisation has its own social media, publish there first (art. 9.5)."),
    )
    contact_name = TextField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail address"))
    contact_phone = TextField(label=_("Contact phone number"), max_length=40, required=False)
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
            self.fields["category"].choices = SERVICE_REQUEST_CATEGORIES
            self.fields["category"].help_text = _(
                "For the city's own programme, fee or sale (a day camp's registration, a municipal sale), choose "
                "« City's own advertising »: the city may advertise its own offers (art. 5.6)."
            )
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
            contest_rules_url=data.get("contest_rules_url") or "",
            contest_rules_document=data.get("contest_rules_document"),
            images=images,
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            original_post_url=data.get("original_post_url", ""),
            submission_key=data["submission_key"],
        )


class UploadedImageField(forms.ImageField):
    """An image upload whose weight is checked before Pillow reads it: a 20 MB file is told it is too heavy
    (with its weight and the limit), not that it is no image, and is not parsed for nothing."""

    def to_python(self, data):
        limit = settings.MEDIA_MAX_UPLOAD_BYTES
        if data is not None and getattr(data, "size", 0) > limit:
            raise file_too_large(data.size, limit)
        return super().to_python(data)


class ImageForm(forms.Form):
    """One image with what art. 5.9 asks about it; an empty row is ignored."""

    file = UploadedImageField(label=_("Image"), required=False, validators=[validate_image_upload])
    # The signed token of an image chosen at an earlier sending of this form (``services.pending_images``).
    kept = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)
    forget_kept = forms.BooleanField(label=_("Remove this image"), required=False)
    alt_text = TextField(label=_("Alternative text"), required=False, max_length=1000)
    credit = TextField(label=_("Credit or source"), required=False, max_length=300)
    rights_statement = TextField(label=_("Rights statement"), required=False, max_length=1000)
    shows_identifiable_persons = forms.BooleanField(label=_("Shows identifiable persons"), required=False)
    consent_obtained = forms.BooleanField(
        label=_("Their written consent was obtained"),
        required=False,
        help_text=_("Required when the image shows identifiable persons (art. 5.9)."),
    )

    def __init__(self, *args, owner=None, **kwargs):
        """``owner``: the person sending the form, whose valid image is kept when the form comes back with
        errors (``keep_upload``); without one, nothing is kept."""
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.kept_image: PendingImage | None = None
        self.forgotten_image: PendingImage | None = None

    def clean_kept(self) -> str:
        token = self.cleaned_data["kept"]
        if not token:
            return ""
        found = pending_image_find(owner=self.owner, token=token)
        if found is None:
            raise ValidationError(
                _("The image kept from your last sending is no longer available; choose it again."),
                code="kept_image_gone",
            )
        # The fields are cleaned in order: a valid new file is in cleaned_data by now.
        if self.data.get(self.add_prefix("forget_kept")) or self.cleaned_data.get("file"):
            self.forgotten_image = found  # removed by its owner, or replaced by a new file
        else:
            self.kept_image = found
        return token

    def clean(self):
        data = super().clean()
        if not data.get("file") and self.kept_image is not None:
            data["file"] = self.kept_image.open()
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

    def keep_upload(self) -> None:
        """The form is shown again with errors: keep this row's image for the next sending, if its file was valid
        (a new file replaces the one kept before; a kept one its owner removed goes)."""
        self.is_valid()  # what follows reads the validation's outcome (formsets validate lazily)
        if self.forgotten_image is not None:
            pending_image_discard(self.forgotten_image)
            self.forgotten_image = None
        upload = self.files.get(self.add_prefix("file")) if self.owner is not None else None
        if upload is not None and not self.has_error("file"):
            self.kept_image = pending_image_keep(owner=self.owner, upload=upload)

    def release_kept(self) -> None:
        """The form was sent and its images attached: the kept files are no longer needed."""
        if self.kept_image is not None:
            self.cleaned_data["file"].close()
        for image in (self.kept_image, self.forgotten_image):
            if image is not None:
                pending_image_discard(image)


# absolute_max: a forged images-TOTAL_FORMS builds at most 4 forms (Django's default allows max_num + 1000).
ImageFormSet = forms.formset_factory(ImageForm, extra=2, max_num=4, validate_max=True, absolute_max=4)


class MessageForm(forms.Form):
    body = TextField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=PostMessage.MAX_LENGTH)


class PressReleaseAuthorisationForm(forms.Form):
    """The decision to relay another organisation's press release (art. 5.3), with why."""

    note = TextField(
        label=_("Why the city relays it"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Recorded with your decision; the communications department and the author are told."),
    )


class RemovalForm(forms.Form):
    """Taking published posts off their networks (art. 7), with why."""

    reason = TextField(
        label=_("Why it is removed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        initial=_("Content linked to the election campaign (art. 7)."),
        help_text=_("Kept with the removal; the communications department and the author are told."),
    )


class RemovalConfirmForm(forms.Form):
    """A person removed a publication on the network themselves."""

    note = TextField(label=_("What you did (optional)"), widget=forms.TextInput(), max_length=2000, required=False)


class EmergencySwitchForm(forms.Form):
    reason = TextField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000)


class EmergencyPostForm(forms.Form):
    title = TextField(label=_("Title (for the calendar)"), max_length=200)
    body = TextField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    channels = ChannelChoiceField(label=_("Channels"), queryset=Channel.objects.none())
    health_and_safety = forms.BooleanField(label=_("Health and safety (English allowed, art. 5.2)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Authorised: the Direction générale's authorisation and the profile checklist (art. 5.10, 8.1, 9.1).
        self.fields["channels"].queryset = Channel.objects.authorised().filter(is_active=True, emergency_enabled=True)


def is_account(text: str) -> bool:
    """Whether a party's "other name" is a social media account: a handle (``@name``) or a profile's address."""
    return text.startswith("@") or text.lower().startswith(("http://", "https://"))


class ElectionForm(forms.Form):
    name = TextField(label=_("Name"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    polling_day = forms.DateField(label=_("Polling day"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT)
    parties = TextField(
        label=_("Parties"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
        help_text=_(
            "One per line: name, then other names separated by “|” (abbreviations, slogans, hashtags) and its "
            "social media accounts (@name, or a profile's address), which the city's accounts may not follow (art. 7)."
        ),
    )
    candidates = TextField(
        label=_("Registered candidates"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
        help_text=_(
            "One per line: full name | position sought | party (optional) | social media accounts (optional: "
            "@name, or a profile's address), which the city's accounts may not follow (art. 7)."
        ),
    )

    def clean_parties(self):
        """(name, other names, accounts) of each line: among the other names, an account (``is_account``) is one."""
        parties = []
        for line in self.cleaned_data["parties"].splitlines():
            name, *others = [part.strip() for part in line.split("|")]
            if name:
                accounts = [other for other in others if is_account(other)]
                aliases = [other for other in others if other and not is_account(other)]
                parties.append((name, "\n".join(aliases), "\n".join(accounts)))
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
                CandidateInput(
                    full_name=parts[0],
                    position=parts[1],
                    party=parts[2] if len(parts) > 2 else "",
                    social_accounts="\n".join(part for part in parts[3:] if part),
                )
            )
        return candidates

    def clean(self):
        data = super().clean()
        party_names = {name for name, _aliases, _accounts in data.get("parties", [])}
        for candidate in data.get("candidates", []):
            if candidate.party and candidate.party not in party_names:
                self.add_error(
                    "candidates",
                    _("The party “%(party)s” is not in the list of parties.") % {"party": candidate.party},
                )
        return data


class RevisionForm(forms.Form):
    """A form that changes a post: it sends back the revision the page showed (``services.revisions``)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, post=None, **kwargs):
        if post is not None:
            kwargs.setdefault("initial", {})["revision"] = post.revision
        super().__init__(*args, **kwargs)


class PostTextsForm(RevisionForm):
    """The post's text and each channel version's own text (empty: the post's)."""

    body = TextField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=Post.TEXT_MAX_LENGTH)
    approve_again = forms.BooleanField(
        label=_("Keep it approved: I approve the new text (otherwise it returns to review)"), required=False
    )
    acknowledge_warnings = forms.BooleanField(
        label=_("I have read the Charte's warnings and take responsibility for publishing"), required=False
    )

    def __init__(self, *args, post, versions, **kwargs):
        kwargs.setdefault("initial", {}).update(
            {"body": post.body, **{f"version-{version.pk}": version.text_override for version in versions}}
        )
        super().__init__(*args, post=post, **kwargs)
        for version in versions:
            self.fields[f"version-{version.pk}"] = TextField(
                label=_("Text for %(channel)s (empty: the text above)") % {"channel": version.channel},
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=Post.TEXT_MAX_LENGTH,
                required=False,
            )
        self.versions = versions
        self.order_fields(["revision", "body", *(f"version-{version.pk}" for version in versions)])
        if post.status not in (Status.APPROVED, Status.SCHEDULED):
            del self.fields["approve_again"]
            del self.fields["acknowledge_warnings"]

    def texts(self) -> PostTexts:
        data = self.cleaned_data
        return PostTexts(
            body=data["body"], versions={version.pk: data[f"version-{version.pk}"] for version in self.versions}
        )


# A time this far in the past is a mistake, not "now" (the form's times have minutes only).
PAST_TOLERANCE = datetime.timedelta(minutes=1)


class TimingForm(RevisionForm):
    """When a post goes out: one time for every channel, or a time of its own for some (``scheduling.Timing``)."""

    due_at = forms.DateTimeField(label=_("Publish on"), widget=DATETIME_INPUT, required=False)
    acknowledge_warnings = forms.BooleanField(
        label=_("I have read the Charte's warnings and take responsibility for publishing"), required=False
    )

    def __init__(self, *args, versions, **kwargs):
        times = [version.due_at for version in versions if version.due_at]
        if times:
            kwargs.setdefault("initial", {}).setdefault("due_at", min(times))
        super().__init__(*args, **kwargs)
        self.versions = versions
        if len(versions) > 1:
            for version in versions:
                self.fields[f"due_at-{version.pk}"] = forms.DateTimeField(
                    label=_("Own time for %(channel)s (empty: the time above)") % {"channel": version.channel},
                    widget=DATETIME_INPUT,
                    required=False,
                    initial=version.due_at if version.due_at and version.due_at != min(times) else None,
                )
        self.order_fields(["revision", "due_at", *(f"due_at-{version.pk}" for version in versions)])

    def clean(self):
        data = super().clean()
        refuse_past_times(self, data)
        return data

    @classmethod
    def moving(cls, post, versions, moved, to: datetime.datetime, *, revision, acknowledge_warnings) -> TimingForm:
        """The form as if sent with ``moved`` (one of ``versions``) at ``to`` and the others at their own
        times: a drag on the calendar, validated as the scheduling page is."""
        data = {"revision": revision, "acknowledge_warnings": acknowledge_warnings}
        if len(versions) > 1:
            data.update({f"due_at-{version.pk}": timezone.localtime(version.due_at) for version in versions})
            data[f"due_at-{moved.pk}"] = to
        else:
            data["due_at"] = to
        return cls(data, post=post, versions=versions)

    def timing(self) -> Timing:
        data = self.cleaned_data
        own = {version.pk: data.get(f"due_at-{version.pk}") for version in self.versions}
        return Timing(default=data["due_at"], per_version={pk: at for pk, at in own.items() if at is not None})


class ReasonsForm(RevisionForm):
    reasons = TextField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=Approval.REASONS_MAX_LENGTH
    )


class CsvImportForm(forms.Form):
    """A CSV file of posts (``services.csv_transfer``); scheduling them at once is offered only to an author
    whose role needs no review (``csv_transfer.may_schedule_imports``)."""

    file = forms.FileField(label=_("CSV file"), widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}))
    schedule = forms.BooleanField(
        label=_("Schedule the imported posts"),
        required=False,
        help_text=_(
            "Each post is approved and scheduled at its time, after the Charte's check; if one of them cannot be, "
            "none is imported. Unticked: they are imported as drafts."
        ),
    )
    acknowledge_warnings = forms.BooleanField(
        label=_("I have read the Charte's warnings and take responsibility for publishing"), required=False
    )

    def __init__(self, *args, may_schedule: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_schedule:
            del self.fields["schedule"]
            del self.fields["acknowledge_warnings"]


class _DraftChannels(forms.ModelMultipleChoiceField):
    def label_from_instance(self, channel):
        return str(channel)


class EventFileForm(forms.Form):
    """An .ics file of the city's events (``services.ical_import``), and the channels of the drafts."""

    file = forms.FileField(
        label=_("iCalendar file (.ics)"), widget=forms.FileInput(attrs={"accept": ".ics,text/calendar"})
    )
    channels = _DraftChannels(
        label=_("Channels of the drafts"), queryset=Channel.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = official_channels()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ICAL_IMPORT["MAX_BYTES"]
        if upload.size > limit:
            raise ValidationError(
                _("The file is larger than %(size)d kB: it is not imported.") % {"size": limit // 1024},
                code="too_large",
            )
        return upload


class EventSourceForm(forms.Form):
    """The address of an events calendar imported now and then on schedule."""

    name = TextField(label=_("Name"), max_length=200)
    url = forms.URLField(
        label=_("Address of the calendar (.ics)"),
        max_length=1000,
        assume_scheme="https",
        help_text=_(
            "An https:// (or http://) address on the Internet, e.g. the events calendar of the city's website."
        ),
    )
    channels = _DraftChannels(
        label=_("Channels of the drafts"), queryset=Channel.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = official_channels()
        self.fields["is_active"].label = _("Import it again every %(minutes)d minutes") % {
            "minutes": settings.ICAL_IMPORT["EVERY_MINUTES"]
        }


class WithdrawForm(RevisionForm):
    """Withdraw a post (from the calendar's panel): its reason, if given, goes to the audit log."""

    reason = TextField(label=_("Why (optional)"), required=False, max_length=500)


class OtherCommunicationForm(forms.Form):
    """An other communication on the calendar (``services.other_communications``), new or as stored."""

    title = TextField(label=_("Title"), max_length=OtherCommunication._meta.get_field("title").max_length)
    kind = forms.ChoiceField(label=_("Kind"), choices=OtherCommunication.Kind.choices)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DATETIME_INPUT, required=False, help_text=_("Empty: a moment, not a span.")
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Post.Category.choices], required=False)
    requester = forms.ChoiceField(label=_("Requested by"), required=False)
    notes = TextField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, item=None, services, organisations, **kwargs):
        if item is not None:
            requester = (
                f"service-{item.requesting_service_id}"
                if item.requesting_service_id
                else f"organisation-{item.requesting_organisation_id}"
                if item.requesting_organisation_id
                else ""
            )
            kwargs.setdefault("initial", {}).update(
                {
                    **{name: getattr(item, name) for name in ("title", "kind", "category", "notes", "revision")},
                    "starts_at": timezone.localtime(item.starts_at),
                    "ends_at": timezone.localtime(item.ends_at) if item.ends_at else None,
                    "requester": requester,
                }
            )
        super().__init__(*args, **kwargs)
        self.requesters = {f"service-{service.pk}": service for service in services}
        self.requesters |= {f"organisation-{organisation.pk}": organisation for organisation in organisations}
        self.fields["requester"].choices = [
            ("", _("Nobody: the city itself")),
            (_("Services and committees"), [(f"service-{service.pk}", service.name) for service in services]),
            (
                _("Accredited organisations"),
                [(f"organisation-{organisation.pk}", organisation.name) for organisation in organisations],
            ),
        ]
        # A change names the revision the page showed (services.other_communications.ConcurrentEdit).
        self.fields["revision"].required = item is not None

    def item_input(self) -> OtherCommunicationInput:
        data = self.cleaned_data
        requester = self.requesters.get(data.get("requester") or "")
        return OtherCommunicationInput(
            title=data["title"],
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            category=data.get("category") or "",
            requesting_service=requester if isinstance(requester, Service) else None,
            requesting_organisation=requester if isinstance(requester, AccreditedOrganisation) else None,
            notes=data.get("notes") or "",
        )


def refuse_past_times(form: forms.Form, data: dict) -> None:
    """Every ``due_at…`` field of ``form`` that is already past gets an error (the minute's tolerance aside)."""
    earliest = timezone.now() - PAST_TOLERANCE
    for name, value in list(data.items()):  # add_error takes the field out of cleaned_data
        if name.startswith("due_at") and value is not None and value < earliest:
            form.add_error(name, _("This time is already past."))


class ComposerForm(forms.Form):
    """The composer: a post written once and adjusted per channel (its own text and time), with its links, its
    contest rules, a recurrence, and what to do with it (``services.composing.Intent``)."""

    title = TextField(label=_("Title (for the calendar, not published)"), max_length=200)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[choice for choice in Post.Category.choices if choice[0] != Post.Category.EMERGENCY],
    )
    body = TextField(
        label=_("Text to publish"), widget=forms.Textarea(attrs={"rows": 8}), max_length=Post.TEXT_MAX_LENGTH
    )
    channels = ChannelChoiceField(label=_("Channels"), queryset=Channel.objects.none())
    due_at = forms.DateTimeField(
        label=_("Publish on"),
        widget=DATETIME_INPUT,
        required=False,
        help_text=_("Optional for a draft or a submission: the time you propose."),
    )
    links = LinksField(label=_("Links (one per line)"), required=False)
    contest_rules_url = contest_rules_url_field()
    contest_rules_document = contest_rules_document_field()
    # Set by the page's script when a document is chosen: the live check cannot see files (nothing is
    # saved from it; the real check reads the document itself).
    contest_rules_chosen = forms.BooleanField(required=False, widget=forms.HiddenInput)
    health_and_safety = forms.BooleanField(label=_("Health and safety (English allowed, art. 5.2)"), required=False)
    repeat = forms.ChoiceField(
        label=_("Repeat"), choices=[("", _("No repetition")), *Frequency.choices], required=False
    )
    repeat_until = forms.DateField(label=_("Until (included)"), widget=DATE_INPUT, required=False)
    acknowledge_warnings = forms.BooleanField(
        label=_("I have read the Charte's warnings and take responsibility for publishing"), required=False
    )
    intent = forms.ChoiceField(choices=Intent.choices, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, channels, intents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = channels
        self.fields["intent"].choices = [(intent.value, intent.label) for intent in intents]
        self.intents = intents
        self.channel_list = list(channels)
        for channel in self.channel_list:
            self.fields[f"text-{channel.pk}"] = TextField(
                label=_("Text for %(channel)s (empty: the text above)") % {"channel": channel},
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=Post.TEXT_MAX_LENGTH,
                required=False,
            )
            self.fields[f"due_at-{channel.pk}"] = forms.DateTimeField(
                label=_("Own time for %(channel)s (empty: the time above)") % {"channel": channel},
                widget=DATETIME_INPUT,
                required=False,
            )

    def channel_rows(self):
        """Each channel with its own text and time fields, for the template."""
        return [(channel, self[f"text-{channel.pk}"], self[f"due_at-{channel.pk}"]) for channel in self.channel_list]

    def clean(self):
        data = super().clean()
        refuse_past_times(self, data)
        if data.get("repeat") and not data.get("repeat_until"):
            self.add_error("repeat_until", _("Say until when the post repeats."))
        return data

    def composition(self, images) -> Composition:
        data = self.cleaned_data
        chosen = list(data.get("channels") or [])
        return Composition(
            title=data.get("title", ""),
            category=data.get("category", Post.Category.PUBLIC_INTEREST),
            body=data.get("body", ""),
            channels=chosen,
            version_texts={channel.pk: data.get(f"text-{channel.pk}") or "" for channel in chosen},
            due_at=data.get("due_at"),
            version_times={
                channel.pk: data[f"due_at-{channel.pk}"] for channel in chosen if data.get(f"due_at-{channel.pk}")
            },
            links=data.get("links") or [],
            contest_rules_url=data.get("contest_rules_url") or "",
            contest_rules_document=data.get("contest_rules_document"),
            contest_rules_chosen=bool(data.get("contest_rules_chosen")),
            images=images,
            health_and_safety=bool(data.get("health_and_safety")),
        )

    def recurrence(self) -> Recurrence | None:
        data = self.cleaned_data
        if not data.get("repeat"):
            return None
        return Recurrence(frequency=Frequency(data["repeat"]), until=data.get("repeat_until"))


class NetworkAddressForm(forms.Form):
    """« It was published »: the address of a publication "to verify" that a person found on the network
    (``scheduling.version_confirm_published``, which checks it again). Its ids name the version, since a post's
    page may show several."""

    url = forms.URLField(
        label=_("Its address on the network"),
        max_length=ChannelVersion._meta.get_field("external_url").max_length,
        assume_scheme="https",
        help_text=_("Open the publication on the network and copy its address from the browser."),
        error_messages={"required": INVALID_NETWORK_ADDRESS, "invalid": INVALID_NETWORK_ADDRESS},
    )

    def __init__(self, *args, version: ChannelVersion, **kwargs):
        kwargs.setdefault("auto_id", f"id_version_{version.pk}_%s")
        super().__init__(*args, **kwargs)
        self.version_pk = version.pk
