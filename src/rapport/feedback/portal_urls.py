from django.urls import path

from rapport.feedback import followup_views, views

app_name = "portal_feedback"
urlpatterns = [
    path("surveys/<int:survey_id>/", views.portal_answer, name="answer"),
    path("we-did/", followup_views.we_did, name="we_did"),
]
