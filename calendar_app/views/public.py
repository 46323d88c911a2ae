from django.shortcuts import render
from django.views.decorators.http import require_safe

from calendar_app.models import Municipality
from calendar_app.selectors.channels import official_social_accounts


@require_safe
def official_accounts(request):
    """The public list of the city's official accounts on social networks (art. 3, Annexe 1)."""
    return render(
        request,
        "calendar_app/official_accounts.html",
        {"channels": official_social_accounts(), "municipality": Municipality.current()},
    )
