from django.shortcuts import render
from django.views.decorators.http import require_safe

from calendar_app.selectors.dashboard import dashboard_for
from calendar_app.views.base import abilities_of, login_required


@login_required
@require_safe
def home(request):
    """Where each person starts: what concerns them today, and the actions their roles allow."""
    can = abilities_of(request)
    return render(request, "calendar_app/home.html", {"can": can, "board": dashboard_for(can)})
