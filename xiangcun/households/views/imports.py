"""Excel pages of the registry: import (upload, templates, job progress and report) and export."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from xiangcun.core import excel
from xiangcun.core.errors import ServiceError
from xiangcun.core.forms import FilePickerInput, StyledFormMixin
from xiangcun.core.models import ImportJob
from xiangcun.households import exporting, importing
from xiangcun.households.services import importing as services

REPORT_SHOWN = 500  # error rows shown on the page; the counts above the table stay exact


class ImportForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Sheet"),
                             choices=[(key, importer.title) for key, importer in importing.IMPORTERS.items()])
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"),
                           widget=FilePickerInput(attrs={"accept": ".xlsx"}))
    mode = forms.ChoiceField(label=gettext_lazy("If some rows have errors"), choices=ImportJob.Mode.choices,
                             initial=ImportJob.Mode.ALL_OR_NOTHING, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mode"].widget.attrs["class"] = "form-check-input"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx); save older .xls files as .xlsx first."),
                                        code="file_type")
        return upload


class ImportPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = services.IMPORT_PERMISSION
    raise_exception = True


class ImportView(ImportPermissionMixin, FormView):
    """导入 — choose the sheet, download its template, upload, choose what happens to bad rows."""

    form_class = ImportForm
    template_name = "households/import.html"

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in importing.IMPORTERS else {}

    def get_context_data(self, **kwargs):
        jobs = ImportJob.objects.visible_to(self.request.user).filter(created_by=self.request.user,
                                                                      kind__startswith="households.")[:10]
        return super().get_context_data(importers=importing.IMPORTERS, jobs=jobs, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            job = services.import_start(actor=self.request.user, kind=data["kind"], upload=data["file"],
                                        file_name=data["file"].name, mode=data["mode"])
        except ServiceError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return redirect("households:import-job", job.uuid)


class ImportTemplateView(ImportPermissionMixin, View):
    """The empty template of one sheet, with its "说明" sheet."""

    def get(self, request, kind: str):
        importer = importing.IMPORTERS.get(kind)
        if importer is None:
            raise Http404
        return xlsx_response(excel.build_template(importer), f"{importer.sheet_title}导入模板.xlsx")


class ImportJobView(LoginRequiredMixin, View):
    """A job: progress while it runs (polled by HTMX), then the counts and the per-row report."""

    def get(self, request, uuid):
        job = get_object_or_404(ImportJob.objects.visible_to(request.user), uuid=uuid, kind__startswith="households.")
        importer = excel.REGISTRY.get(job.kind)
        context = {"job": job, "importer": importer, "report": job.report[:REPORT_SHOWN],
                   "report_hidden": max(len(job.report) - REPORT_SHOWN, 0)}
        template = "households/partials/import_job_status.html" if request.headers.get("HX-Request") else \
            "households/import_job.html"
        return TemplateResponse(request, template, context)


class ExportView(LoginRequiredMixin, View):
    """导出 — the list's filters in the query string; ``sheet=members|income|employment``; ``full=1`` unmasked."""

    def get(self, request):
        sheet = request.GET.get("sheet", "members")
        full = request.GET.get("full") == "1"
        try:
            content, _count = exporting.households_export(actor=request.user, sheet=sheet, params=request.GET,
                                                          full=full, request=request)
        except ServiceError as error:
            if error.status == 404:
                raise Http404 from None
            return HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")
        importer = exporting.SHEETS[sheet][0]
        return xlsx_response(content, f"{importer.sheet_title}_{date.today():%Y%m%d}.xlsx")


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"  # personal data: never kept by a proxy or the browser's cache
    return response
