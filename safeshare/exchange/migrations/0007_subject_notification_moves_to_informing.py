"""SubjectNotification moves to the informing app: exchange forgets the model, the
table `exchange_subjectnotification` stays where it is with its rows
(informing 0001 takes the model over in state only)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0006_subject_notification_backdating_reason'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='SubjectNotification',
                ),
            ],
            database_operations=[],
        ),
    ]
