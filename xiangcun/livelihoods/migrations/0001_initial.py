"""Income and 务工 move here from ``households`` (issue 11): their tables stay, only the state moves.

See households 0004 for the other half and for the content types.
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('households', '0004_move_income_and_monitoring_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables were created by households 0001 and stay (db_table): this app takes them over in state only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Employment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('destination_code', models.CharField(blank=True, db_index=True, max_length=12, verbose_name='destination division code')),
                        ('destination_province', models.CharField(max_length=40, verbose_name='province')),
                        ('destination_city', models.CharField(blank=True, max_length=40, verbose_name='city')),
                        ('destination_county', models.CharField(blank=True, max_length=40, verbose_name='county')),
                        ('place', models.CharField(choices=[('in_county', 'inside the county'), ('in_province', 'outside the county, inside the province'), ('out_province', 'outside the province')], db_index=True, max_length=20, verbose_name='place of work')),
                        ('industry', models.CharField(choices=[('construction', 'construction'), ('manufacturing', 'manufacturing'), ('services', 'services'), ('catering', 'catering and lodging'), ('transport', 'transport and logistics'), ('agriculture', 'agriculture'), ('mining', 'mining'), ('public_welfare', 'public-welfare post'), ('other', 'other industry')], db_index=True, max_length=20, verbose_name='industry')),
                        ('employer', models.CharField(blank=True, max_length=100, verbose_name='employer')),
                        ('job', models.CharField(blank=True, max_length=50, verbose_name='job')),
                        ('start_date', models.DateField(verbose_name='start')),
                        ('end_date', models.DateField(blank=True, null=True, verbose_name='end')),
                        ('monthly_income', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='monthly income (yuan)')),
                        ('method', models.CharField(choices=[('self_report', 'reported by the person'), ('grid_worker', 'recorded by a grid worker'), ('import', 'imported from Excel'), ('department', 'department data')], max_length=20, verbose_name='collected')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='jobs', to='households.person', verbose_name='person')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                    ],
                    options={
                        'verbose_name': 'employment',
                        'verbose_name_plural': 'employments',
                        'db_table': 'households_employment',
                        'ordering': ['-start_date', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='IncomeRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('county_code', models.CharField(db_index=True, max_length=6, verbose_name='county code')),
                        ('kind', models.CharField(choices=[('crop', 'per mu of a crop'), ('livestock', 'per head of livestock'), ('work', 'per month of work')], max_length=20, verbose_name='kind')),
                        ('item', models.CharField(help_text='crop name, livestock kind or place of work', max_length=40, verbose_name='item')),
                        ('unit_yield', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, verbose_name='yield per unit (kg)')),
                        ('unit_price', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, verbose_name='price (yuan/kg)')),
                        ('unit_income', models.DecimalField(blank=True, decimal_places=2, help_text='used when yield and price are not given', max_digits=12, null=True, verbose_name='income per unit (yuan)')),
                        ('unit_cost', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='cost per unit (yuan)')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                        ('notes', models.CharField(blank=True, max_length=200, verbose_name='notes')),
                    ],
                    options={
                        'verbose_name': 'income estimation rule',
                        'verbose_name_plural': 'income estimation rules',
                        'db_table': 'households_incomerule',
                        'ordering': ['county_code', 'kind', 'item'],
                        'constraints': [models.UniqueConstraint(fields=('county_code', 'kind', 'item'), name='income_rule_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='IncomeRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000)], verbose_name='year')),
                        ('family_size', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='persons counted')),
                        ('wage_income', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='wage income')),
                        ('business_income', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='production and business income')),
                        ('business_expense', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='production and business expenses')),
                        ('property_income', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='net property income')),
                        ('transfer_income', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='net transfer income')),
                        ('net_income', models.DecimalField(decimal_places=2, default=Decimal('0'), editable=False, max_digits=12, verbose_name='net income')),
                        ('per_capita', models.DecimalField(db_index=True, decimal_places=2, default=Decimal('0'), editable=False, max_digits=12, verbose_name='per-capita net income')),
                        ('notes', models.CharField(blank=True, max_length=200, verbose_name='notes')),
                        ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='incomes', to='households.household', verbose_name='household')),
                    ],
                    options={
                        'verbose_name': 'income record',
                        'verbose_name_plural': 'income records',
                        'db_table': 'households_incomerecord',
                        'ordering': ['household', '-year'],
                        'constraints': [models.UniqueConstraint(fields=('household', 'year'), name='income_record_unique_year')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
