"""Removals of published posts from their networks (art. 7, issue 16)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calendar_app", "0015_advertising_civic_patterns"),
        ("publishing", "0004_attempt_charte"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Removal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reason", models.TextField(verbose_name="reason")),
                ("requested_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="requested at")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("requested", "To remove"),
                            ("removing", "Removal under way"),
                            ("removed", "Removed from the network"),
                            ("gone", "Already gone from the network"),
                            ("failed", "Removal failed"),
                            ("by_hand", "To remove by hand"),
                            ("removed_by_hand", "Removed by hand"),
                        ],
                        default="requested",
                        max_length=20,
                        verbose_name="state",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="next attempt at")),
                ("claim_token", models.UUIDField(blank=True, editable=False, null=True)),
                ("claimed_until", models.DateTimeField(blank=True, editable=False, null=True)),
                ("call_started_at", models.DateTimeField(blank=True, null=True, verbose_name="network call at")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished at")),
                ("http_status", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="HTTP status")),
                ("response_summary", models.TextField(blank=True, verbose_name="response")),
                ("error", models.TextField(blank=True, verbose_name="error")),
                ("log", models.JSONField(blank=True, default=list, verbose_name="tries")),
                ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="removed by hand at")),
                (
                    "confirmed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="removed by hand by",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
                (
                    "version",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="removal",
                        to="calendar_app.channelversion",
                        verbose_name="publication",
                    ),
                ),
            ],
            options={
                "verbose_name": "removal",
                "verbose_name_plural": "removals",
                "ordering": ["-requested_at", "-pk"],
                "indexes": [models.Index(fields=["state", "next_attempt_at"], name="removal_state_next")],
            },
        ),
    ]
