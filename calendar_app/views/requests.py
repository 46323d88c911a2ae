"""Requests from services and committees (art. 9.4) and accredited organisations (art. 9.5)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from calendar_app.forms import ImageFormSet, MessageForm, PostTextsForm, RequestForm, RevisionForm, apply_service_errors
from calendar_app.permissions import Action
from calendar_app.selectors.people import organisations_submittable_by, services_submittable_by
from calendar_app.selectors.posts import post_decisions, post_thread, post_versions, posts_followed_by
from calendar_app.services.charte import charte_check
from calendar_app.services.editing import post_edit
from calendar_app.services.pending_images import pending_image_find
from calendar_app.services.posts import post_add_message, post_submit
from calendar_app.services.requests import request_submit
from calendar_app.views.base import abilities_of, allow, login_required, page_of, visible_post
from calendar_app.views.posts import press_release_section
from calendar_app.workflow import Status
from publishing.previews import previews_for_post


@login_required
@require_safe
def request_list(request):
    """The person's own posts and the requests of their services and organisations, newest first."""
    can = abilities_of(request)
    allow(
        request,
        can.can_submit_for_service() or can.can_submit_for_organisation() or can.can_write_internal(),
        Action.VIEW,
    )
    return render(
        request,
        "calendar_app/requests/list.html",
        {
            "posts": page_of(request, posts_followed_by(can)),
            "can_service": can.can_submit_for_service(),
            "can_organisation": can.can_submit_for_organisation(),
        },
    )


def _request_form(request, *, for_organisation: bool):
    can = abilities_of(request)
    if for_organisation:
        allow(request, can.can_submit_for_organisation(), Action.SUBMIT)
        requesters = organisations_submittable_by(can)
    else:
        allow(request, can.can_submit_for_service(), Action.SUBMIT)
        requesters = services_submittable_by(can)
    sending = request.method == "POST"
    data = (request.POST, request.FILES) if sending else (None, None)
    form = RequestForm(*data, requesters=requesters, for_organisation=for_organisation, initial=_contact(request.user))
    images = ImageFormSet(*data, prefix="images", form_kwargs={"owner": request.user})
    if sending and form.is_valid() and images.is_valid():
        inputs = [image for image in (subform.image_input() for subform in images) if image is not None]
        requester = form.cleaned_data["requester"]
        scope = {"organisation": requester} if for_organisation else {"service": requester}
        try:
            submitted = request_submit(requester=request.user, data=form.request_input(inputs), **scope)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            for subform in images:
                subform.release_kept()
            if submitted.created:
                messages.success(request, _("Your request was sent to the communications department."))
            else:
                messages.info(request, _("This request had already been received; it was not sent twice."))
            return redirect("calendar_app:request_detail", submitted.post.pk)
    if sending:
        # Shown again with errors: the images chosen are kept, not asked for again.
        for subform in images:
            subform.keep_upload()
    template = "calendar_app/requests/form.html"
    return render(request, template, {"form": form, "images": images, "for_organisation": for_organisation})


def _contact(person) -> dict:
    """The request's contact, from the requester's account (they may change it)."""
    return {"contact_name": person.get_full_name(), "contact_email": person.email, "contact_phone": person.phone}


@login_required
@require_safe
def kept_image(request, token: str):
    """An image kept from an earlier sending of a form that came back with errors, to its owner only."""
    can = abilities_of(request)
    allow(
        request,
        can.can_submit_for_service() or can.can_submit_for_organisation() or can.can_write_internal(),
        Action.VIEW,
    )
    image = pending_image_find(owner=request.user, token=token)
    if image is None:
        raise Http404
    response = FileResponse(image.open(), content_type=image.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def service_request_new(request):
    return _request_form(request, for_organisation=False)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_request_new(request):
    return _request_form(request, for_organisation=True)


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request, pk: int):
    """A request as its requester follows it: status, Charte results, decisions, messages; its author changes
    the text while it is a draft or sent back for changes."""
    post = visible_post(request, pk)
    can = abilities_of(request)
    versions = post_versions(post)
    can_edit = can.can_edit(post) and post.status in (Status.DRAFT, Status.CHANGES_REQUESTED)
    editing = request.method == "POST" and request.POST.get("action") == "edit"
    form = MessageForm(request.POST if request.method == "POST" and not editing else None)
    edit_form = PostTextsForm(request.POST if editing else None, post=post, versions=[])
    try:
        if form.is_bound and form.is_valid():
            post_add_message(post=post, author=request.user, body=form.cleaned_data["body"])
            messages.success(request, _("Your message was sent."))
            return redirect("calendar_app:request_detail", post.pk)
        if edit_form.is_bound and edit_form.is_valid():
            post_edit(
                post=post,
                actor=request.user,
                texts=edit_form.texts(),
                seen_revision=edit_form.cleaned_data["revision"],
            )
            messages.success(request, _("The text was saved; send the request back for review when it is ready."))
            return redirect("calendar_app:request_detail", post.pk)
    except ValidationError as error:
        apply_service_errors(edit_form if editing else form, error)
        post = visible_post(request, pk)
    return render(
        request,
        "calendar_app/requests/detail.html",
        {
            "post": post,
            "report": charte_check(post=post),
            "form": form,
            "decisions": post_decisions(post),
            "thread": post_thread(post),
            "versions": versions,
            "previews": previews_for_post(post, versions=versions),
            "media": post.post_media.select_related("asset"),
            "links": post.links.all(),
            "can_resubmit": can_edit and post.status == Status.CHANGES_REQUESTED,
            "can_schedule": post.status == Status.APPROVED and can.can_schedule(post),
            "edit_form": edit_form if can_edit else None,
            "press_release": press_release_section(can, post),
        },
    )


@login_required
@require_POST
def request_resubmit(request, pk: int):
    """Send a draft to review, or a request back to review once the requested changes are made."""
    post = visible_post(request, pk)
    first_time = post.status == Status.DRAFT
    form = RevisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("This page is out of date; reload it and try again."), code="no_revision")
        post_submit(post=post, actor=request.user, seen_revision=form.cleaned_data["revision"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if first_time:
            said = ngettext(
                "Your post was sent to the communications department for review.",
                "Your %(count)d posts were sent to the communications department for review.",
                1,
            )
            messages.success(request, said % {"count": 1})
        else:
            messages.success(request, _("Your request was sent back to the communications department."))
    return redirect("calendar_app:request_detail", post.pk)
