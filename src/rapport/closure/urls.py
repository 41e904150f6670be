from django.urls import path

from rapport.closure import views

app_name = "closure"
urlpatterns = [
    path("", views.closure_detail, name="detail"),
    path("save/", views.closure_save, name="save"),
    path("close/", views.closure_close, name="close"),
    path("pdf/", views.closure_pdf, name="pdf"),
    path("checkins/<int:checkin_id>/", views.checkin_record, name="checkin_record"),
]
