from django.urls import path

from rapport.risks import portal_views

app_name = "portal_risks"
urlpatterns = [
    path("", portal_views.risks_and_issues, name="list"),
]
