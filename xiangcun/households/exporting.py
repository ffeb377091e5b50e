"""Excel 导出 of the registry, in the import templates' layout (so a full export can be re-imported elsewhere).

Rows come through ``restrict(user, "households.export_household")`` and the household list's FilterSet, so
an export holds exactly what the list shows. ID numbers, phones and health are masked unless the user holds
``accounts.reveal_personal_data`` and asks for full values. Every export writes a security event (who, how
many rows, which filter); a full export is recorded as ``personal_data_revealed``, never with the values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from xiangcun.accounts.choices import SecurityEventKind
from xiangcun.accounts.services import security_event_record
from xiangcun.core import excel
from xiangcun.core.errors import CoreErrorCode, ServiceError
from xiangcun.core.masking import mask_id_card, mask_phone
from xiangcun.core.services import Actor
from xiangcun.households import choices, importing
from xiangcun.households.errors import ErrorCode
from xiangcun.households.filtersets import HouseholdFilterSet
from xiangcun.households.models import Household, HouseholdTag, Person
from xiangcun.livelihoods.models import Employment, IncomeRecord

EXPORT_PERMISSION = "households.export_household"
REVEAL_PERMISSION = "accounts.reveal_personal_data"
HIDDEN = "***"  # what a masked export shows for health data


def _labels(mapping: Mapping[str, str], shown: Iterable[str] = ()) -> dict[str, str]:
    """Stored code -> the label the template lists for it."""
    labels: dict[str, str] = {}
    for label in shown:
        labels.setdefault(mapping[label], label)
    for label, code in mapping.items():
        labels.setdefault(code, label)
    return labels


SEX = _labels(importing.SEX)
RELATION = _labels(importing.RELATION, importing.RELATION_SHOWN)
ETHNICITY = _labels(importing.ETHNICITY, ("汉族", "藏族", "回族", "其他民族"))
EDUCATION = _labels(importing.EDUCATION)
HEALTH = _labels(importing.HEALTH)
DISABILITY = _labels(importing.DISABILITY)
LABOUR = _labels(importing.LABOUR)
INDUSTRY = _labels(importing.INDUSTRY)


def can_reveal(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(REVEAL_PERMISSION))


def filtered_households(user, params: Mapping[str, Any], request=None) -> QuerySet[Household]:
    """The households the list page would show with these filters, among those the user may export."""
    if not user.has_perm(EXPORT_PERMISSION):
        raise ServiceError(_("You do not have permission to do this."), code=CoreErrorCode.PERMISSION_DENIED,
                           status=403)
    households = Household.objects.restrict(user, EXPORT_PERMISSION)
    filterset = HouseholdFilterSet(params, queryset=households, request=request)
    return filterset.qs if filterset.is_valid() else households.none()


def _members_rows(households: QuerySet[Household], user, full: bool) -> tuple[list[list[Any]], int]:
    households = list(households.select_related("region", "group").order_by("number")
                      .prefetch_related(Prefetch("tags", queryset=HouseholdTag.objects.order_by("order"))))
    persons: dict[int, list[Person]] = defaultdict(list)
    members = (Person.objects.restrict(user, EXPORT_PERMISSION)
               .filter(household__in=[household.pk for household in households],
                       status=choices.PersonStatus.REGISTERED).order_by("household_id", "id"))
    for member in members:
        persons[member.household_id].append(member)
    id_number = (lambda value: value) if full else mask_id_card
    phone = (lambda value: value) if full else mask_phone
    rows = []
    for household in households:
        people = sorted(persons[household.pk], key=lambda p: (p.pk != household.head_id, p.relation != "head", p.pk))
        tags = "、".join(tag.name for tag in household.tags.all())
        for index, member in enumerate(people):
            first = index == 0
            rows.append([
                household.number, household.region.display_name if first else "",
                (household.group.display_name if household.group else "") if first else "",
                household.address if first else "", phone(household.phone) if first else "", tags if first else "",
                member.name, id_number(member.id_number), SEX.get(member.sex, ""), member.birth_date,
                RELATION.get(member.relation, ""), ETHNICITY.get(member.ethnicity, ""),
                EDUCATION.get(member.education, ""),
                HEALTH.get(member.health, "") if full else HIDDEN,
                (DISABILITY.get(member.disability_grade, "") if full else (HIDDEN if member.disability_grade else "")),
                LABOUR.get(member.labour_ability, ""), phone(member.phone),
            ])
    return rows, len(rows)


def _income_rows(households: QuerySet[Household], user, full: bool) -> tuple[list[list[Any]], int]:
    records = (IncomeRecord.objects.restrict(user, EXPORT_PERMISSION).filter(household__in=households)
               .select_related("household").order_by("household__number", "year"))
    rows = [[record.household.number, record.year, record.family_size, record.wage_income, record.business_income,
             record.business_expense, record.property_income, record.transfer_income] for record in records]
    return rows, len(rows)


def _employment_rows(households: QuerySet[Household], user, full: bool) -> tuple[list[list[Any]], int]:
    jobs = (Employment.objects.restrict(user, EXPORT_PERMISSION).filter(person__household__in=households)
            .select_related("person").order_by("person__household_id", "person_id", "start_date"))
    id_number = (lambda value: value) if full else mask_id_card
    rows = [[id_number(job.person.id_number), job.destination_province, job.destination_city,
             job.destination_county, INDUSTRY.get(job.industry, ""), job.employer, job.job, job.start_date,
             job.end_date, job.monthly_income] for job in jobs]
    return rows, len(rows)


SHEETS = {"members": (importing.MEMBERS, _members_rows), "income": (importing.INCOME, _income_rows),
          "employment": (importing.EMPLOYMENT, _employment_rows)}


def households_export(*, actor: Actor, sheet: str = "members", params: Mapping[str, Any] | None = None,
                      full: bool = False, request=None) -> tuple[bytes, int]:
    """导出 — the workbook of one sheet for the filtered households in the actor's scope, and its row count.

    ``full`` (unmasked values) needs ``accounts.reveal_personal_data``; the export is audited either way.
    """
    if sheet not in SHEETS:
        raise ServiceError(_("Unknown kind of export."), code=ErrorCode.EXPORT_KIND_UNKNOWN, status=404)
    if full and not can_reveal(actor):
        raise ServiceError(_("You may not export unmasked personal data."), code=ErrorCode.REVEAL_DENIED, status=403)
    params = params or {}
    importer, build = SHEETS[sheet]
    rows, count = build(filtered_households(actor, params, request), actor, full)
    content = excel.write_workbook(importer, rows)
    filters = {key: params.getlist(key) if hasattr(params, "getlist") else params[key] for key in params
               if key not in ("full", "sheet", "page")}
    security_event_record(
        kind=SecurityEventKind.PERSONAL_DATA_REVEALED if full else SecurityEventKind.DATA_EXPORTED,
        actor=actor, request=request, target=f"households.{sheet}",
        detail={"export": importer.kind, "rows": count, "filters": filters, "unmasked": full},
    )
    return content, count
