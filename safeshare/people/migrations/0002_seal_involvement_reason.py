# The involvement's service or reason is sealed under the person's data key.
# No installation holds data yet, so the plaintext column is dropped rather than
# re-sealed; the destructive step comes last.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="involvement",
            name="reason_enc",
            field=models.BinaryField(null=True, verbose_name="service or reason (sealed)"),
        ),
        migrations.RemoveField(
            model_name="involvement",
            name="reason",
        ),
    ]
