"""Vitrine's side of django-axes: whose address a log-in comes from, the audit of failed log-ins,
and the log-in page shown to a locked-out account.

Axes counts the failures and refuses locked-out accounts (see the AXES_* settings); the hooks
here are named by those settings. It lives beside ``middleware.py`` rather than in ``services/``
because it speaks HTTP (a request in, a response out); its one write goes through
``audit_record``.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import AuditEntry
from calendar_app.services.audit import HIDDEN, audit_record

# While an account stays locked, each refused attempt from one address is not written: one entry
# per this window says how many failures there have been so far, so a flood cannot bloat the log.
REFUSED_WHILE_LOCKED_WINDOW = timedelta(minutes=1)


def client_address(request) -> str | None:
    """The address a log-in comes from (``AXES_CLIENT_IP_CALLABLE``).

    The connection's address, or behind ``TRUSTED_PROXY_COUNT`` reverse proxies that each append
    to X-Forwarded-For, the entry the outermost of them wrote; the entries before it are whatever
    the client sent and are never trusted. A header that does not fit falls back to the
    connection's address.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class AuditedAxesHandler(AxesDatabaseHandler):
    """Axes' database handler, which also writes each failed log-in to Vitrine's audit log."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request=request, **kwargs)
        # Axes refuses a locked-out account before its password is checked: such a failure is a
        # refusal, not a wrong password.
        was_locked = self.is_locked(request, credentials)
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request.axes_failures_since_start is None:  # a whitelisted client: axes counted nothing
            return
        if was_locked:
            action = "login_refused_locked"
        elif request.axes_locked_out:
            action = "login_locked_out"
        else:
            action = "login_failed"
        _audit_failure(
            request=request,
            username=get_client_username(request, credentials),
            action=action,
            failures=request.axes_failures_since_start,
            limit=get_failure_limit(request, credentials),
        )


def _audit_failure(*, request, username: str | None, action: str, failures: int, limit: int) -> AuditEntry | None:
    """Append one entry for a failed log-in; the password never reaches here (Django masks it).

    The entry's object is the account when the name is one, so that it shows in that person's
    history. Otherwise it is axes' record of the attempt, with the name hidden: a name that is no
    account is often a password typed in the wrong field, and the audit log is kept for ever.
    """
    address = request.axes_ip_address
    person = get_user_model().objects.filter(username=username).first() if username else None
    if person is not None:
        target, shown_name = person, username
    else:
        # Axes' record of these attempts; its name in the log is its time, never the name typed.
        target = AccessAttempt.objects.filter(
            username=username, ip_address=address, user_agent=request.axes_user_agent
        ).first()
        if target is None:
            return None
        shown_name = HIDDEN
    if action == "login_refused_locked" and _refusal_written_lately(target=target, address=address):
        return None
    return audit_record(
        actor=None,
        action=action,
        target=target,
        after={"username": shown_name, "address": address, "failures": failures, "limit": limit},
        message=_("From %(address)s: %(failures)d failed log-ins in a row (locked at %(limit)d).")
        % {"address": address, "failures": failures, "limit": limit},
    )


def _refusal_written_lately(*, target, address: str) -> bool:
    # Served by the audit_target_history index (target_type, target_id, at).
    return AuditEntry.objects.filter(
        action="login_refused_locked",
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        at__gte=timezone.now() - REFUSED_WHILE_LOCKED_WINDOW,
        after__address=address,
    ).exists()


def locked_out_response(request, original_response=None, credentials=None):
    """The log-in page, saying the account is locked and for how long (``AXES_LOCKOUT_CALLABLE``).

    429 Too Many Requests, the status axes itself answers a lock-out with.
    """
    cool_off = get_cool_off(request) or timedelta(0)
    username = get_client_username(request, credentials) or ""
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "locked_out_minutes": max(1, round(cool_off.total_seconds() / 60)),
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)
