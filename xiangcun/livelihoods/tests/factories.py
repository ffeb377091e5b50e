"""Income and 务工 rows in a given village: the scope factories of the livelihoods app."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from xiangcun.core.testing import scope_factory
from xiangcun.households.tests.factories import make_household
from xiangcun.livelihoods import choices
from xiangcun.livelihoods.models import Employment, IncomeRecord
from xiangcun.regions.models import Region


@scope_factory(IncomeRecord)
def make_income(village: Region) -> IncomeRecord:
    return IncomeRecord.objects.create(household=make_household(village), year=2025, family_size=1,
                                       wage_income=Decimal("12000"))



@scope_factory(Employment)
def make_employment(village: Region) -> Employment:
    return Employment.objects.create(person=make_household(village).head, destination_province="江苏省",
                                     destination_city="苏州市", place=choices.WorkPlace.OUT_PROVINCE,
                                     industry=choices.Industry.MANUFACTURING, start_date=date(2025, 3, 1),
                                     monthly_income=Decimal("4500"), method=choices.CollectionMethod.GRID_WORKER)

