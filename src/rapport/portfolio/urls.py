from django.urls import path

from rapport.core.export import export_paths
from rapport.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.portfolio_page, name="portfolio"),
    *export_paths("", views.portfolio_export, "export"),
]
