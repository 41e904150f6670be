"""Pages of the client import: upload, then check the mapping and the row errors, then run."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.clients import import_services, permissions, selectors
from rapport.clients.forms import (
    ClientImportMappingForm,
    ClientImportRunForm,
    ClientImportUploadForm,
)
from rapport.clients.models import ClientImport
from rapport.core.forms import add_service_errors
from rapport.tenancy.access import member_required
from rapport.tenancy.actors import ActorRequest

PREVIEW_ROWS = 10
SHOWN_ERRORS = 200
TEMPLATE_ROWS = [
    [
        "Client name / 客户名称",
        "Client website / 网站",
        "Contact name / 联系人",
        "Email / 邮箱",
        "Phone / 电话",
        "Job title / 职位",
        "Language / 语言",
    ],
    ["Blue Harbour Ltd", "https://blueharbour.example", "Ada Lee", "ada@blueharbour.example",
     "+44 20 7946 0000", "Marketing director", "en"],
    ["上海蓝港科技有限公司", "", "王芳", "wang.fang@langang.example", "13800138000",
     "项目经理", "zh-hans"],
]  # fmt: skip


@member_required
def client_import_upload(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not permissions.can_import_clients(actor):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ClientImportUploadForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            client_import = import_services.client_import_upload(
                actor=actor, upload=upload, name=upload.name or "", size=upload.size or 0
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("clients:import_review", client_import.pk)
    return render(
        request,
        "clients/import_upload.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@member_required
def client_import_template(request: ActorRequest) -> HttpResponse:
    """A sample file with both languages' headers, in UTF-8 with a byte order mark so that
    Excel shows its Chinese."""
    if not permissions.can_import_clients(request.actor):
        raise PermissionDenied
    text = io.StringIO()
    csv.writer(text).writerows(TEMPLATE_ROWS)
    response = HttpResponse(text.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="rapport-clients-import.csv"'
    return response


@member_required
def client_import_review(request: ActorRequest, import_id: int) -> HttpResponse:
    actor = request.actor
    client_import = selectors.client_import_get(actor=actor, import_id=import_id)
    mapping_form = ClientImportMappingForm(
        request.POST or None,
        headers=client_import.headers,
        initial=client_import.mapping,
    )
    if request.method == "POST" and mapping_form.is_valid():
        try:
            import_services.client_import_map(
                actor=actor, client_import=client_import, mapping=mapping_form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(mapping_form, error)
        else:
            return redirect("clients:import_review", client_import.pk)
    return _review(request, client_import, mapping_form, ClientImportRunForm())


@require_POST
@member_required
def client_import_run(request: ActorRequest, import_id: int) -> HttpResponse:
    actor = request.actor
    client_import = selectors.client_import_get(actor=actor, import_id=import_id)
    form = ClientImportRunForm(request.POST)
    if form.is_valid():
        try:
            client_import = import_services.client_import_run(
                actor=actor,
                client_import=client_import,
                valid_rows_only=form.cleaned_data["valid_rows_only"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Imported %(clients)s new clients and %(contacts)s contacts.")
                % client_import.result,
            )
            return redirect("clients:list")
    mapping_form = ClientImportMappingForm(
        headers=client_import.headers, initial=client_import.mapping
    )
    return _review(request, client_import, mapping_form, form, status=400)


def _review(
    request: ActorRequest,
    client_import: ClientImport,
    mapping_form: ClientImportMappingForm,
    run_form: ClientImportRunForm,
    status: int | None = None,
) -> HttpResponse:
    pending = client_import.status == ClientImport.Status.PENDING
    check = (
        import_services.check_rows(actor=request.actor, client_import=client_import)
        if pending
        else None
    )
    if status is None:
        status = 400 if mapping_form.errors else 200
    return render(
        request,
        "clients/import_review.html",
        {
            "client_import": client_import,
            "pending": pending,
            "preview": client_import.rows[:PREVIEW_ROWS],
            "mapping_form": mapping_form,
            "run_form": run_form,
            "check": check,
            "errors": check.errors[:SHOWN_ERRORS] if check else [],
            "more_errors": max(0, len(check.errors) - SHOWN_ERRORS) if check else 0,
        },
        status=status,
    )
