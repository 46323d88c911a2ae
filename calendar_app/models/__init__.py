from calendar_app.models.approvals import Approval
from calendar_app.models.audit import AppendOnlyError, AuditEntry
from calendar_app.models.channels import Channel, ChannelProfileConfirmation, ProfileItem
from calendar_app.models.charte import (
    AllowedLinkDomain,
    CharteLexicon,
    CharteParameter,
    CharteSettings,
    CharteTerm,
    NetworkLimit,
    PressReleaseAuthorisation,
    WarningAcknowledgement,
)
from calendar_app.models.elections import Candidate, ElectionPeriod, EmergencySwitch, Party
from calendar_app.models.event_imports import EventSource, ImportedEvent
from calendar_app.models.followed_accounts import FollowedAccountsCheck
from calendar_app.models.media import MediaAsset
from calendar_app.models.municipality import ClosureDay, Municipality, OfficeHours, OfficialContact
from calendar_app.models.notifications import Notification
from calendar_app.models.organisations import AccreditedOrganisation, OrganisationSocialAccount, Service
from calendar_app.models.other_communications import OtherCommunication
from calendar_app.models.people import CalendarFeed, Person, Role, RoleAssignment, RolePolicy, Substitution
from calendar_app.models.posts import ChannelVersion, Post, PostLink, PostMedia, PostMessage

__all__ = [
    "AccreditedOrganisation",
    "AllowedLinkDomain",
    "CharteLexicon",
    "CharteParameter",
    "CharteSettings",
    "CharteTerm",
    "NetworkLimit",
    "PressReleaseAuthorisation",
    "ProfileItem",
    "WarningAcknowledgement",
    "AppendOnlyError",
    "Approval",
    "AuditEntry",
    "CalendarFeed",
    "Candidate",
    "Channel",
    "ChannelProfileConfirmation",
    "ChannelVersion",
    "ClosureDay",
    "ElectionPeriod",
    "EventSource",
    "ImportedEvent",
    "FollowedAccountsCheck",
    "EmergencySwitch",
    "MediaAsset",
    "Notification",
    "Municipality",
    "OfficeHours",
    "OfficialContact",
    "OrganisationSocialAccount",
    "OtherCommunication",
    "Party",
    "Person",
    "Post",
    "PostLink",
    "PostMedia",
    "PostMessage",
    "Role",
    "RoleAssignment",
    "RolePolicy",
    "Service",
    "Substitution",
]
