"""The 低收入人口 register and 防返贫 monitoring move here from ``households`` (issue 11): their tables stay,
only the state moves.

See households 0004 for the other half and for the content types.
"""

import uuid
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('households', '0004_move_income_and_monitoring_out'),
        ('regions', '0002_facility_facilityphoto_facility_facility_lat_lng'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables were created by households 0001 and stay (db_table): this app takes them over in state only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LowIncomeCategory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=40, verbose_name='name')),
                        ('is_monitoring', models.BooleanField(default=False, verbose_name='monitoring object against relapse into poverty')),
                        ('order', models.PositiveSmallIntegerField(default=100, verbose_name='order')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                    ],
                    options={
                        'verbose_name': 'low-income category',
                        'verbose_name_plural': 'low-income categories',
                        'db_table': 'households_lowincomecategory',
                        'ordering': ['order', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='MonitoringCase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('kind', models.CharField(choices=[('inclusion', 'inclusion in monitoring'), ('elimination', 'risk elimination')], default='inclusion', max_length=20, verbose_name='kind')),
                        ('state', models.CharField(choices=[('clue', 'risk clue'), ('verifying', 'home verification'), ('comparing', 'information comparison'), ('deliberation', 'village democratic review'), ('notice', 'public notice'), ('notice_paused', 'notice paused for recheck'), ('township_review', 'township review'), ('county_review', 'county approval'), ('assisting', 'assistance'), ('eliminated', 'risk eliminated'), ('rejected', 'not included')], db_index=True, default='clue', max_length=20, verbose_name='state')),
                        ('summary', models.TextField(blank=True, verbose_name='risk described')),
                        ('consent_signed_on', models.DateField(blank=True, null=True, verbose_name='consent to data checks signed on')),
                        ('comparison', models.TextField(blank=True, verbose_name='result of the information comparison')),
                        ('deliberation', models.TextField(blank=True, verbose_name='result of the democratic review')),
                        ('notice_days', models.PositiveSmallIntegerField(default=5, verbose_name='public notice days')),
                        ('notice_started_on', models.DateField(blank=True, null=True, verbose_name='notice started on')),
                        ('notice_ends_on', models.DateField(blank=True, null=True, verbose_name='notice ends on')),
                        ('decided_on', models.DateField(blank=True, null=True, verbose_name='decided on')),
                        ('reason', models.TextField(blank=True, verbose_name='reason')),
                        ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='monitoring.lowincomecategory', verbose_name='category')),
                        ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='households.household', verbose_name='household')),
                        ('inclusion', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='eliminations', to='monitoring.monitoringcase', verbose_name='inclusion case')),
                        ('opened_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='opened by')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='region')),
                    ],
                    options={
                        'verbose_name': 'monitoring case',
                        'verbose_name_plural': 'monitoring cases',
                        'db_table': 'households_monitoringcase',
                        'ordering': ['-created_at'],
                        'permissions': [('review_township_monitoringcase', 'Can review monitoring cases for the township'), ('approve_county_monitoringcase', 'Can approve monitoring cases for the county')],
                    },
                ),
                migrations.CreateModel(
                    name='LowIncomeRegistration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('start_date', models.DateField(verbose_name='included on')),
                        ('end_date', models.DateField(blank=True, db_index=True, null=True, verbose_name='removed on')),
                        ('end_reason', models.CharField(blank=True, max_length=200, verbose_name='reason for removal')),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='registrations', to='monitoring.lowincomecategory', verbose_name='category')),
                        ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='registrations', to='households.household', verbose_name='household')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='registrations', to='monitoring.monitoringcase', verbose_name='case')),
                    ],
                    options={
                        'verbose_name': 'low-income registration',
                        'verbose_name_plural': 'low-income registrations',
                        'db_table': 'households_lowincomeregistration',
                        'ordering': ['-start_date', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='CaseEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(max_length=40, verbose_name='action')),
                        ('from_state', models.CharField(blank=True, choices=[('clue', 'risk clue'), ('verifying', 'home verification'), ('comparing', 'information comparison'), ('deliberation', 'village democratic review'), ('notice', 'public notice'), ('notice_paused', 'notice paused for recheck'), ('township_review', 'township review'), ('county_review', 'county approval'), ('assisting', 'assistance'), ('eliminated', 'risk eliminated'), ('rejected', 'not included')], max_length=20, verbose_name='from')),
                        ('to_state', models.CharField(choices=[('clue', 'risk clue'), ('verifying', 'home verification'), ('comparing', 'information comparison'), ('deliberation', 'village democratic review'), ('notice', 'public notice'), ('notice_paused', 'notice paused for recheck'), ('township_review', 'township review'), ('county_review', 'county approval'), ('assisting', 'assistance'), ('eliminated', 'risk eliminated'), ('rejected', 'not included')], max_length=20, verbose_name='to')),
                        ('at', models.DateTimeField(auto_now_add=True, verbose_name='at')),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='details')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='monitoring.monitoringcase', verbose_name='case')),
                    ],
                    options={
                        'verbose_name': 'case event',
                        'verbose_name_plural': 'case events',
                        'db_table': 'households_caseevent',
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='AssistanceMeasure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('kind', models.CharField(choices=[('industry', 'industry support'), ('employment', 'employment support'), ('public_post', 'public-welfare post'), ('microcredit', 'micro-credit'), ('education', 'education support'), ('health', 'health support'), ('housing', 'housing safety'), ('social_security', 'social assistance'), ('consumption', 'consumption support'), ('other', 'other measure')], max_length=20, verbose_name='kind')),
                        ('description', models.CharField(max_length=200, verbose_name='description')),
                        ('start_date', models.DateField(verbose_name='start')),
                        ('end_date', models.DateField(blank=True, null=True, verbose_name='end')),
                        ('responsible_name', models.CharField(max_length=50, verbose_name='responsible cadre')),
                        ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='amount (yuan)')),
                        ('status', models.CharField(choices=[('planned', 'planned'), ('active', 'in progress'), ('done', 'completed')], default='active', max_length=20, verbose_name='status')),
                        ('responsible', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='responsible cadre')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='measures', to='monitoring.monitoringcase', verbose_name='case')),
                    ],
                    options={
                        'verbose_name': 'assistance measure',
                        'verbose_name_plural': 'assistance measures',
                        'db_table': 'households_assistancemeasure',
                        'ordering': ['start_date', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='MonitoringLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('province_code', models.CharField(max_length=2, verbose_name='province code')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='per-capita net income line (yuan/year)')),
                        ('near_ratio', models.DecimalField(decimal_places=2, default=Decimal('1.20'), max_digits=4, validators=[django.core.validators.MinValueValidator(Decimal('1.00'))], verbose_name="'near the line' up to this multiple of it")),
                        ('drop_percent', models.PositiveSmallIntegerField(default=30, validators=[django.core.validators.MaxValueValidator(100)], verbose_name='warn on a per-capita drop of at least (%)')),
                        ('notice_days', models.PositiveSmallIntegerField(default=5, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(30)], verbose_name='public notice days')),
                    ],
                    options={
                        'verbose_name': 'monitoring line',
                        'verbose_name_plural': 'monitoring lines',
                        'db_table': 'households_monitoringline',
                        'ordering': ['province_code', '-year'],
                        'constraints': [models.UniqueConstraint(fields=('province_code', 'year'), name='monitoring_line_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='NoticeObjection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('raised_by', models.CharField(max_length=50, verbose_name='raised by')),
                        ('content', models.TextField(verbose_name='objection')),
                        ('status', models.CharField(choices=[('open', 'open'), ('upheld', 'upheld'), ('dismissed', 'dismissed')], default='open', max_length=20, verbose_name='status')),
                        ('resolution', models.TextField(blank=True, verbose_name='resolution')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved at')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='objections', to='monitoring.monitoringcase', verbose_name='case')),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='resolved by')),
                    ],
                    options={
                        'verbose_name': 'notice objection',
                        'verbose_name_plural': 'notice objections',
                        'db_table': 'households_noticeobjection',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='RiskClue',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('source', models.CharField(choices=[('system', 'early warning'), ('self_declaration', "household's own declaration"), ('cadre_check', "cadre's check"), ('department', 'department data')], max_length=20, verbose_name='source')),
                        ('signal', models.CharField(choices=[('below_line', 'income below the monitoring line'), ('near_line', 'income near the monitoring line'), ('income_drop', 'sharp drop in income'), ('serious_illness', 'serious illness'), ('new_disability', 'new disability'), ('disaster', 'natural disaster or accident'), ('large_expense', 'large sudden expense'), ('lost_work', 'loss of work'), ('dangerous_house', 'dangerous house'), ('other', 'other difficulty')], max_length=20, verbose_name='risk')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='amount involved (yuan)')),
                        ('occurred_on', models.DateField(blank=True, null=True, verbose_name='occurred on')),
                        ('status', models.CharField(choices=[('open', 'open'), ('in_case', 'under verification'), ('dismissed', 'dismissed')], db_index=True, default='open', max_length=20, verbose_name='status')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='clues', to='monitoring.monitoringcase', verbose_name='case')),
                        ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='clues', to='households.household', verbose_name='household')),
                        ('reported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reported by')),
                    ],
                    options={
                        'verbose_name': 'risk clue',
                        'verbose_name_plural': 'risk clues',
                        'db_table': 'households_riskclue',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='RiskFlag',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('computed_on', models.DateField(verbose_name='computed on')),
                        ('level', models.PositiveSmallIntegerField(db_index=True, default=1, verbose_name='risk level')),
                        ('signals', models.JSONField(default=list, verbose_name='signals')),
                        ('per_capita', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='per-capita net income')),
                        ('line', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='monitoring line')),
                        ('household', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='risk', to='households.household', verbose_name='household')),
                    ],
                    options={
                        'verbose_name': 'risk warning',
                        'verbose_name_plural': 'risk warnings',
                        'db_table': 'households_riskflag',
                        'ordering': ['-level', 'household'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
