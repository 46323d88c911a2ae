from django.shortcuts import render
from django.views.decorators.http import require_safe

from calendar_app.models import Channel, Municipality


@require_safe
def official_accounts(request):
    """The public list of the city's official accounts (art. 3, Annexe 1)."""
    channels = Channel.objects.filter(is_active=True, authorised_at__isnull=False).order_by("network", "handle")
    return render(
        request, "calendar_app/official_accounts.html", {"channels": channels, "municipality": Municipality.current()}
    )
