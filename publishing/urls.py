from django.urls import path

from publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.status, name="status"),
    path("reessayer/<int:pk>/", views.retry, name="retry"),
]
