# Delivery settings get a UUID and timestamps, like every other record, so that their
# changes can be audited. Existing rows each get a fresh UUID.

import uuid

import django.utils.timezone
from django.db import migrations, models


def give_each_a_uuid(apps, schema_editor):
    settings = apps.get_model("delivery", "DeliverySettings")
    for row in settings.objects.all():
        row.uuid = uuid.uuid4()
        row.save(update_fields=["uuid"])


class Migration(migrations.Migration):
    dependencies = [("delivery", "0003_initial")]

    operations = [
        migrations.AddField(
            model_name="deliverysettings",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_each_a_uuid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="deliverysettings",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="deliverysettings",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="deliverysettings",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
    ]
