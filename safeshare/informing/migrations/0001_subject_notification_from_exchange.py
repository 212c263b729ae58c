"""SubjectNotification, taken over from exchange in state only: the table keeps its
name (`exchange_subjectnotification`, created by exchange 0003 and 0006), so no
row moves."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('exchange', '0007_subject_notification_moves_to_informing'),
        ('people', '0003_person_identity_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SubjectNotification',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('outcome', models.CharField(choices=[('informed', 'Informed'), ('not_informed', 'Not informed')], max_length=20)),
                        ('informed_on', models.DateField(blank=True, null=True)),
                        ('method', models.CharField(blank=True, choices=[('in_person', 'In person'), ('phone', 'By phone'), ('letter', 'By letter'), ('email', 'By email'), ('other', 'Another way')], max_length=20)),
                        ('reason', models.CharField(blank=True, choices=[('risk_of_harm', 'Telling them would create or increase the risk of harm to the child or others'), ('prejudice_crime_enquiry', 'Telling them would prejudice a crime enquiry'), ('other', 'Another reason')], max_length=30)),
                        ('reason_other_enc', models.BinaryField(null=True)),
                        ('backdating_reason', models.CharField(blank=True, max_length=40)),
                        ('backdating_explanation_enc', models.BinaryField(null=True)),
                        ('recorded_at', models.DateTimeField()),
                        ('informed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='subjects_informed', to=settings.AUTH_USER_MODEL)),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subject_notifications_recorded', to=settings.AUTH_USER_MODEL)),
                        ('share', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subject_notifications', to='exchange.share')),
                        ('told_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='told_of_shares', to='people.person')),
                    ],
                    options={
                        'db_table': 'exchange_subjectnotification',
                        'ordering': ['share', '-recorded_at'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('informed_by__isnull', False), ('informed_on__isnull', False), ('method__in', ['in_person', 'phone', 'letter', 'email', 'other']), ('outcome', 'informed'), ('reason', ''), ('reason_other_enc__isnull', True), ('told_person__isnull', False)), models.Q(('informed_by__isnull', True), ('informed_on__isnull', True), ('method', ''), ('outcome', 'not_informed'), ('reason__in', ['risk_of_harm', 'prejudice_crime_enquiry', 'other']), ('told_person__isnull', True)), _connector='OR'), name='subjectnotification_outcome_complete'), models.CheckConstraint(condition=models.Q(models.Q(('reason', 'other'), _negated=True), ('reason_other_enc__isnull', False), _connector='OR'), name='subjectnotification_other_reason_explained'), models.CheckConstraint(condition=models.Q(models.Q(('backdating_explanation_enc__isnull', True), ('backdating_reason', '')), models.Q(('outcome', 'informed'), models.Q(('backdating_reason', ''), _negated=True)), _connector='OR'), name='subjectnotification_backdating_only_when_informed')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
