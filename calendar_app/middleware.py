import zoneinfo

from django.utils import timezone

from calendar_app.models import Municipality
from calendar_app.permissions import PermissionRefused


class MunicipalityTimeZoneMiddleware:
    """Shows dates in the municipality's own time zone (stored dates stay in UTC)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        municipality = Municipality.current()
        if municipality is not None:
            timezone.activate(zoneinfo.ZoneInfo(municipality.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class RefusalMiddleware:
    """Keeps every refusal in the audit log, even one made inside a transaction that rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionRefused):
            exception.record_again_if_lost()
        return None
