from django.urls import include, path

from rapport.api import api
from rapport.core import app_views, views

app_patterns = (
    [
        path("", app_views.app_home, name="home"),
    ],
    "app",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/", include("rapport.tenancy.urls")),
    path("app/", include(app_patterns)),
    path("app/team/", include("rapport.tenancy.team_urls")),
    path("app/clients/", include("rapport.clients.urls")),
    path("app/projects/", include("rapport.projects.urls")),
    path("app/projects/<int:project_id>/changes/", include("rapport.changes.urls")),
    path("app/projects/<int:project_id>/reports/", include("rapport.reports.urls")),
    path("app/projects/<int:project_id>/messages/", include("rapport.messaging.urls")),
    path("app/", include("rapport.communication.urls")),
    path("app/", include("rapport.meetings.urls")),
    path("app/", include("rapport.risks.urls")),
    path("app/", include("rapport.feedback.urls")),
    path("survey/", include("rapport.feedback.public_urls")),
    path("app/projects/<int:project_id>/closure/", include("rapport.closure.urls")),
    path("app/settings/check-ins/", include("rapport.closure.settings_urls")),
    path("app/settings/client-health/", include("rapport.clients.settings_urls")),
    path("app/settings/feedback/", include("rapport.feedback.settings_urls")),
    path("app/settings/webhooks/", include("rapport.webhooks.urls")),
    path("app/settings/export/", include("rapport.portability.urls")),
    path("app/lessons/", include("rapport.lessons.urls")),
    path("app/search/", include("rapport.search.urls")),
    path("help/", include("rapport.help.urls")),
    path("app/setup/", include("rapport.onboarding.urls")),
    path("app/portfolio/", include("rapport.portfolio.urls")),
    path("app/audit/", include("rapport.audit.urls")),
    path("app/outbox/", include("rapport.notify.urls")),
    path("app/notifications/", include("rapport.notify.notification_urls")),
    path("portal/notifications/", include("rapport.notify.portal_urls")),
    path("unsubscribe/", include("rapport.notify.unsubscribe_urls")),
    path("portal/", include("rapport.portal.urls")),
    path("portal/projects/<int:project_id>/changes/", include("rapport.changes.portal_urls")),
    path("portal/projects/<int:project_id>/reports/", include("rapport.reports.portal_urls")),
    path("portal/projects/<int:project_id>/messages/", include("rapport.messaging.portal_urls")),
    path("portal/", include("rapport.meetings.portal_urls")),
    path("portal/projects/<int:project_id>/risks/", include("rapport.risks.portal_urls")),
    path("portal/projects/<int:project_id>/", include("rapport.feedback.portal_urls")),
    path("portal/projects/<int:project_id>/closure/", include("rapport.closure.portal_urls")),
    path("portal/", include("rapport.lessons.portal_urls")),
    path("api/", api.urls),
]
