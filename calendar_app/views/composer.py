"""The composer (art. 8.4): write a post once, adjust it per channel, see the Charte and each network's preview
as one types, then save it, submit it, schedule it or send it now — each button offered only to those allowed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from calendar_app.forms import ComposerForm, ImageFormSet, PostTextsForm, apply_service_errors
from calendar_app.permissions import Abilities, Action
from calendar_app.selectors.channels import channels_writable_by
from calendar_app.selectors.posts import post_versions
from calendar_app.services.charte import WarningsNotAcknowledged, charte_check_draft, charte_check_texts
from calendar_app.services.composing import Intent, post_compose, post_duplicate
from calendar_app.services.editing import PostTexts
from calendar_app.services.media import ImageInput
from calendar_app.views.base import abilities_of, allow, login_required, visible_post
from publishing.previews import previews_for_composition, previews_for_post


def intents_for(can: Abilities) -> list[Intent]:
    """The composer's buttons for this person: those whose posts need review submit them; the others approve
    their own and schedule them, or send them now (art. 8.4)."""
    if can.internal_posts_need_review():
        return [Intent.DRAFT, Intent.SUBMIT]
    return [Intent.DRAFT, Intent.SCHEDULE, Intent.PUBLISH_NOW]


def _composer_form(request, data=None):
    can = abilities_of(request)
    allow(request, can.can_write_internal(), Action.SUBMIT)
    initial = {}
    start = request.GET.get("le", "")
    try:
        initial["due_at"] = datetime.datetime.fromisoformat(start) if start else None
    except ValueError:
        pass
    return ComposerForm(*data or (), channels=channels_writable_by(can), intents=intents_for(can), initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def compose(request):
    """A new post: written, checked and previewed live, then saved, submitted, scheduled or sent now."""
    posting = request.method == "POST"
    form = _composer_form(request, (request.POST, request.FILES) if posting else None)
    images = _image_formset(request)
    check = None
    if posting:
        images_valid = not images.is_bound or images.is_valid()  # a sending without image rows has none
        if form.is_valid() and images_valid:
            # Without a button (a script, an old page): a submission where review is needed, else a draft.
            default = Intent.SUBMIT if Intent.SUBMIT in form.intents else Intent.DRAFT
            intent = Intent(form.cleaned_data["intent"] or default)
            try:
                posts = post_compose(
                    author=request.user,
                    composition=form.composition(_images(images)),
                    intent=intent,
                    recurrence=form.recurrence(),
                    acknowledge_warnings=form.cleaned_data["acknowledge_warnings"],
                )
            except WarningsNotAcknowledged as error:
                apply_service_errors(form, error)
                form.add_error("acknowledge_warnings", _("Tick this box once you have read the warnings."))
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                for subform in images:
                    subform.release_kept()
                messages.success(request, _done(intent, len(posts)))
                return redirect("calendar_app:post_detail", posts[0].pk)
        if images.is_bound:
            for subform in images:  # shown again with errors: the images chosen are kept, not asked for again
                subform.keep_upload()
        check = _check(request, form, images, live=False)
    return render(
        request,
        "calendar_app/composer/form.html",
        {"form": form, "images": images, "check": check, "intents": form.intents},
    )


def _image_formset(request, *, files: bool = True):
    """The image rows of the form; a sending without them (no management form) has none."""
    if request.method != "POST" or "images-TOTAL_FORMS" not in request.POST:
        return ImageFormSet(prefix="images")
    return ImageFormSet(
        request.POST, request.FILES if files else None, prefix="images", form_kwargs={"owner": request.user}
    )


def _done(intent: Intent, count: int) -> str:
    if intent == Intent.SUBMIT:
        message = ngettext(
            "Your post was sent to the communications department for review.",
            "Your %(count)d posts were sent to the communications department for review.",
            count,
        )
    elif intent == Intent.SCHEDULE:
        message = ngettext("Approved and scheduled.", "%(count)d posts approved and scheduled.", count)
    elif intent == Intent.PUBLISH_NOW:
        message = _("Approved; it goes out now.")
    else:
        message = ngettext("Saved as a draft.", "%(count)d drafts saved.", count)
    return message % {"count": count}


def _images(formset, *, chosen_only: bool = False) -> list[ImageInput]:
    """The images of the form: uploaded files, or (the live check, which sends no file) the rows whose file was
    chosen in the browser."""
    images = []
    for subform in formset:
        data = subform.cleaned_data if subform.is_bound and hasattr(subform, "cleaned_data") else {}
        if chosen_only:
            if subform.data.get(f"{subform.prefix}-chosen") != "1":
                continue
        elif not data.get("file"):
            continue
        images.append(
            ImageInput(
                file=data.get("file"),
                alt_text=data.get("alt_text", ""),
                credit=data.get("credit", ""),
                rights_statement=data.get("rights_statement", ""),
                shows_identifiable_persons=bool(data.get("shows_identifiable_persons")),
                consent_obtained=bool(data.get("consent_obtained")),
            )
        )
    return images


@dataclass(frozen=True)
class Piece:
    """A piece of a text as the live check shows it: marked when a Charte finding is about it."""

    text: str
    finding: str = ""
    blocks: bool = False


def highlighted(text: str, results) -> list[Piece]:
    """``text`` cut into pieces, the words each finding is about marked with its message (overlaps merged)."""
    spans = sorted(
        (result.start, result.end, result)
        for result in results
        if result.start is not None and result.end is not None and result.end > result.start
    )
    pieces, position = [], 0
    for start, end, result in spans:
        start = max(start, position)
        if end <= start:
            continue
        if start > position:
            pieces.append(Piece(text[position:start]))
        pieces.append(Piece(text[start:end], finding=str(result.message), blocks=result.blocks))
        position = end
    if position < len(text):
        pieces.append(Piece(text[position:]))
    return pieces


def _check(request, form, images, *, live: bool) -> dict:
    """The Charte's results for what the form holds now, each text with its findings marked, and the previews;
    ``live``: as one types, when the images are the rows whose file was chosen (no file is sent)."""
    composition = form.composition(_images(images, chosen_only=live))
    report = charte_check_draft(draft=composition.draft(request.user), at=composition.first_time())
    own = {channel: composition.version_texts.get(channel.pk, "") for channel in composition.channels}
    return check_context(report, composition.body, own, previews_for_composition(composition))


def check_context(report, body: str, own_texts: dict, previews) -> dict:
    """What ``_check.html`` shows: the results, the texts with their findings marked (the body, then each
    channel's own text by channel), the previews."""
    on_body = [result for result in report.results if result.target == "post"]
    texts = [(_("Text to publish"), highlighted(body, on_body))]
    for channel, own in own_texts.items():
        if own:
            found = [result for result in report.results if result.channel_id == channel.pk and result.target != "post"]
            texts.append((str(channel), highlighted(own, found)))
    return {"report": report, "at": report.at, "texts": texts, "previews": previews}


@login_required
@require_POST
def compose_check(request):
    """The live check beside the composer (htmx, as one types): the Charte and the previews, nothing saved."""
    form = _composer_form(request, (request.POST, None))
    form.is_valid()
    images = _image_formset(request, files=False)
    images.is_valid()
    return render(request, "calendar_app/composer/_check.html", {"check": _check(request, form, images, live=True)})


@login_required
@require_POST
def post_check(request, pk: int):
    """The live check beside a post's texts on the review page (htmx, as one types): the Charte at the post's
    time and each channel's preview of the texts typed, nothing saved."""
    post = visible_post(request, pk)
    allow(request, abilities_of(request).can_edit(post), Action.EDIT, post)
    versions = post_versions(post)
    form = PostTextsForm(request.POST, post=post, versions=versions)
    form.is_valid()
    data = form.cleaned_data

    def typed(name: str, stored: str) -> str:  # a text the page does not offer stays as stored
        return data.get(name, stored) if name in request.POST else stored

    texts = PostTexts(
        body=typed("body", post.body),
        versions={version.pk: typed(f"version-{version.pk}", version.text_override) for version in versions},
    )
    channel_texts = {version.channel_id: texts.versions[version.pk] for version in versions}
    report = charte_check_texts(post=post, body=texts.body, channel_texts=channel_texts)
    own = {version.channel: texts.versions[version.pk] for version in versions}
    previews = previews_for_post(post, versions=versions, texts=texts)
    context = {"check": check_context(report, texts.body, own, previews)}
    return render(request, "calendar_app/composer/_check.html", context)


@login_required
@require_POST
def duplicate(request, pk: int):
    """A new draft like this post, opened on its page to be changed and scheduled."""
    post = visible_post(request, pk)
    try:
        copy = post_duplicate(post=post, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("calendar_app:post_detail", post.pk)
    messages.success(request, _("A copy was saved as a draft: change it, then submit or schedule it."))
    return redirect("calendar_app:post_detail", copy.pk)
