from django.shortcuts import render
from django.views.decorators.http import require_safe

from calendar_app.selectors.posts import posts_awaiting_review_count
from calendar_app.views.base import abilities_of, login_required


@login_required
@require_safe
def home(request):
    """Where each person starts: the actions their roles allow."""
    can = abilities_of(request)
    to_review = posts_awaiting_review_count() if can.is_reviewer else 0
    return render(request, "calendar_app/home.html", {"can": can, "to_review": to_review})
