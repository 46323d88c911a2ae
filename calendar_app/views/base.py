"""What every view of the web interface shares: the logged-in person's abilities, and 403 on refusal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404

from calendar_app.models import Post
from calendar_app.permissions import Abilities, Action, require
from calendar_app.selectors.posts import post_for_page


def abilities_of(request) -> Abilities:
    """The person's abilities, read once per request."""
    if not hasattr(request, "_abilities"):
        request._abilities = Abilities(request.user)
    return request._abilities


def allow(request, allowed: bool, action: Action, target=None) -> None:
    """Answer 403 (and record the refusal) unless ``allowed``."""
    require(allowed, actor=request.user, action=action, target=target)


# Rows per page of a list (the request list, the review queue).
PAGE_LENGTH = 50


def page_of(request, rows):
    """The page of ``rows`` the address asks for (``?page=``; the last one past the end), ``PAGE_LENGTH`` rows."""
    return Paginator(rows, PAGE_LENGTH).get_page(request.GET.get("page"))


def visible_post(request, pk: int) -> Post:
    """The post ``pk`` if the person may see it; 403 otherwise (recorded)."""
    try:
        post = post_for_page(pk)
    except Post.DoesNotExist:
        raise Http404 from None
    allow(request, abilities_of(request).can_view(post), Action.VIEW, post)
    return post


__all__ = ["abilities_of", "allow", "login_required", "page_of", "visible_post"]
