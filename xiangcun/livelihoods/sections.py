"""The dossier's income (家庭收入 and 收入测算) and 务工 sections; ``register()`` is called from apps.py."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from xiangcun.core.scoping import permission_name
from xiangcun.core.services import may
from xiangcun.households.dossier import Section, register_section
from xiangcun.households.models import Household, Person
from xiangcun.livelihoods import estimation
from xiangcun.livelihoods.models import Employment, IncomeRecord
from xiangcun.monitoring.models import MonitoringLine


def income_context(household: Household, user) -> dict:
    """Income by year (chart beside the monitoring line), the latest year's categories, the estimate."""
    records = list(IncomeRecord.objects.restrict(user, "view").filter(household=household).order_by("year"))
    years = [record.year for record in records]
    lines = {line.year: line.amount for line in
             MonitoringLine.objects.filter(province_code=household.region.code[:2], year__in=years)}
    latest = records[-1] if records else None
    year = latest.year if latest else date.today().year - 1
    visible = Household.objects.restrict(user, "view").filter(pk=household.pk).exists()
    estimate = estimation.estimate_household(household, year) if visible else None
    chart = {"years": [str(y) for y in years], "net": [float(r.net_income) for r in records],
             "per_capita": [float(r.per_capita) for r in records],
             "line": [float(lines[y]) if y in lines else None for y in years]}
    # Asked as the service asks it (region in scope), so a villager is not offered what would be refused.
    can_record = may(user, IncomeRecord, "add", region=household.region)
    return {"records": records, "latest": latest, "year": year, "estimate": estimate, "chart": chart,
            "has_line": any(value is not None for value in chart["line"]), "can_record": can_record}


def employment_context(household: Household, user) -> dict:
    """Members' jobs, current and past."""
    today = date.today()
    jobs = list(Employment.objects.restrict(user, "view").filter(person__household=household)
                .select_related("person").order_by("-start_date", "-id"))
    current = [job for job in jobs if job.end_date is None or job.end_date >= today]
    past = [job for job in jobs if job.end_date is not None and job.end_date < today]
    can_record = Person.objects.restrict(user, permission_name(Employment, "add")).filter(
        household=household).exists()
    return {"current": current, "past": past, "can_record": can_record}


def register() -> None:
    register_section(Section("income", _("Income"), "livelihoods/sections/income.html", income_context, 50))
    register_section(Section("employment", _("Migrant work"), "livelihoods/sections/employment.html",
                             employment_context, 60))
