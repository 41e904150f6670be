from django.urls import path

from rapport.closure import portal_views

app_name = "portal_closure"
urlpatterns = [
    path("", portal_views.closure_detail, name="detail"),
    path("accept/", portal_views.closure_accept, name="accept"),
    path("pdf/", portal_views.closure_pdf, name="pdf"),
]
