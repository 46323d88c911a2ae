from calendar_app.models import EmergencySwitch


def vitrine(request):
    """The emergency banner on every page (art. 6), and the person's unread notifications."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"emergency_on": EmergencySwitch.is_on(), "unread_notifications": unread}
