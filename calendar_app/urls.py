from django.urls import path

from calendar_app.views import (
    administration,
    calendar,
    channel_profiles,
    composer,
    event_imports,
    followed_accounts,
    home,
    ical,
    other_communications,
    posts,
    profile,
    public,
    publishing,
    removals,
    requests,
    review,
    transfer,
)

app_name = "calendar_app"
urlpatterns = [
    path("", home.home, name="home"),
    path("comptes-officiels/", public.official_accounts, name="official_accounts"),
    # The editorial calendar (art. 8.2)
    path("calendrier/", calendar.calendar_page, name="calendar"),
    path("calendrier/publications.json", calendar.calendar_events, name="calendar_events"),
    path("calendrier/deplacer/<int:pk>/", calendar.calendar_move, name="calendar_move"),
    # Bulk work on the plan: CSV import and export (issue 13, item 6)
    path("calendrier/importer/", transfer.calendar_import, name="calendar_import"),
    path("calendrier/exporter.csv", transfer.calendar_export, name="calendar_export"),
    path("calendrier/modele.csv", transfer.calendar_import_template, name="calendar_import_template"),
    # The calendar as iCal (issue 15): a download, and the feeds calendar applications subscribe to
    path("calendrier/exporter.ics", ical.calendar_export_ics, name="calendar_export_ics"),
    path("calendrier/evenements/", event_imports.event_import, name="event_import"),
    path("calendrier/evenements/<int:pk>/importer/", event_imports.event_source_run, name="event_source_run"),
    path("agenda/<str:token>/calendrier.ics", ical.plan_feed, name="plan_feed"),
    path("agenda/<str:token>/elections.ics", ical.elections_feed, name="elections_feed"),
    path("agenda/<str:token>/urgences.ics", ical.emergencies_feed, name="emergencies_feed"),
    path("profil/", profile.profile, name="profile"),
    path("profil/abonnement/nouveau/", ical.feed_renew_view, name="feed_renew"),
    path("profil/abonnement/retirer/", ical.feed_revoke_view, name="feed_revoke"),
    path("calendrier/publication/<int:pk>/", calendar.calendar_panel, name="calendar_panel"),
    path("calendrier/publication/<int:pk>/deprogrammer/", calendar.calendar_unschedule, name="post_unschedule"),
    path("calendrier/publication/<int:pk>/retirer/", calendar.calendar_withdraw, name="post_withdraw"),
    path("calendrier/autres/nouvelle/", other_communications.other_communication_new, name="other_communication_new"),
    path("calendrier/autres/<int:pk>/", other_communications.other_communication_edit, name="other_communication_edit"),
    path(
        "calendrier/autres/<int:pk>/supprimer/",
        other_communications.other_communication_delete_view,
        name="other_communication_delete",
    ),
    path(
        "calendrier/autres/<int:pk>/deplacer/",
        other_communications.other_communication_move,
        name="other_communication_move",
    ),
    # Requests (art. 9.4, 9.5)
    path("demandes/", requests.request_list, name="request_list"),
    path("demandes/service/nouvelle/", requests.service_request_new, name="service_request_new"),
    path("demandes/organisme/nouvelle/", requests.organisation_request_new, name="organisation_request_new"),
    path("demandes/image-conservee/<str:token>/", requests.kept_image, name="kept_image"),
    path("demandes/<int:pk>/", requests.request_detail, name="request_detail"),
    path("demandes/<int:pk>/resoumettre/", requests.request_resubmit, name="request_resubmit"),
    # Review by the communications department
    path("revision/", review.review_queue, name="review_queue"),
    path("revision/<int:pk>/", review.review_detail, name="review_detail"),
    # Internal posts (art. 8.4) and emergencies (art. 6)
    path("publications/nouvelle/", composer.compose, name="internal_post_new"),
    path("publications/verifier/", composer.compose_check, name="compose_check"),
    path("publications/<int:pk>/", posts.post_detail, name="post_detail"),
    path("publications/<int:pk>/dupliquer/", composer.duplicate, name="post_duplicate"),
    path("publications/<int:pk>/verifier/", composer.post_check, name="post_check"),
    path("publications/<int:pk>/programmer/", publishing.post_schedule_view, name="post_schedule"),
    # Relaying another organisation's press release, authorised (art. 5.3)
    path(
        "publications/<int:pk>/communique-autorise/", posts.press_release_authorise_view, name="press_release_authorise"
    ),
    # A channel whose outcome is unknown, answered by a person (issue 14)
    path(
        "publications/canal/<int:pk>/publiee/",
        posts.version_confirm_published_view,
        name="version_confirm_published",
    ),
    path("publications/canal/<int:pk>/renvoyer/", posts.version_send_again_view, name="version_send_again"),
    # Removal after publication (art. 7)
    path("publications/<int:pk>/retirer/", removals.post_remove_view, name="post_remove"),
    path("retraits/<int:pk>/reessayer/", removals.removal_retry_view, name="removal_retry"),
    path("retraits/<int:pk>/retire-a-la-main/", removals.removal_confirm_view, name="removal_confirm"),
    path("elections/<int:pk>/retirer/", removals.election_remove_flagged_view, name="election_remove_flagged"),
    path("urgence/", publishing.emergency, name="emergency"),
    path("urgence/basculer/", publishing.emergency_toggle, name="emergency_toggle"),
    # The Direction générale's decisions (art. 7, 8.1)
    path("elections/", administration.election_list, name="election_list"),
    path("elections/nouvelle/", administration.election_new, name="election_new"),
    path("elections/<int:pk>/", administration.election_detail, name="election_detail"),
    path("canaux/", administration.channel_list, name="channel_list"),
    path("canaux/<int:pk>/autoriser/", administration.channel_authorise_view, name="channel_authorise"),
    # The profile checklist (art. 5.10, 9.1)
    path(
        "canaux/<int:pk>/profil/confirmer/",
        channel_profiles.channel_profile_confirm_view,
        name="channel_profile_confirm",
    ),
    path(
        "canaux/profil/<int:pk>/retirer/",
        channel_profiles.channel_profile_withdraw_view,
        name="channel_profile_withdraw",
    ),
    # Whom the channels follow during an election period (art. 7)
    path(
        "canaux/<int:pk>/abonnements/lire/",
        followed_accounts.followed_accounts_fetch_view,
        name="followed_accounts_fetch",
    ),
    path(
        "canaux/<int:pk>/abonnements/confirmer/",
        followed_accounts.followed_accounts_confirm_view,
        name="followed_accounts_confirm",
    ),
    path("notifications/", administration.notification_list, name="notifications"),
]
