from django.urls import path
from django.views.generic import RedirectView

from calendar_app import views

app_name = "calendar_app"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("comptes-officiels/", views.official_accounts, name="official_accounts"),
]
