"""Reads for views, services and feeds, one module per aggregate: ``people`` (roles held on a day, who holds
a role, who follows a request), ``posts`` (who sees which post, the review queue, a post's versions and
history), ``channels`` (the channels a page lists).

Callers import from the module of the aggregate; the names of ``people`` are also here, where they were first.
"""

from calendar_app.selectors.people import RoleGrant, active_on, has_role, people_with_roles, role_grants

__all__ = ["RoleGrant", "active_on", "has_role", "people_with_roles", "role_grants"]
