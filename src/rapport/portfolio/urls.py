from django.urls import path

from rapport.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.portfolio_page, name="portfolio"),
    path("export.csv", views.portfolio_csv, name="export_csv"),
    path("export.xlsx", views.portfolio_xlsx, name="export_xlsx"),
]
