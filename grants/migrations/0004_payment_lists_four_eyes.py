"""Payment lists are proposed by one person and approved by another. A list approved before this
migration was proposed and approved by the same person: it keeps that person as both."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def earlier_lists_approved(apps, schema_editor):
    PaymentBatch = apps.get_model("grants", "PaymentBatch")
    for batch in PaymentBatch.objects.all():
        batch.proposed_by_id = batch.approved_by_id
        batch.proposed_at = batch.approved_at
        batch.status = "approved"
        batch.save(update_fields=["proposed_by", "proposed_at", "status"])


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0003_letter_details"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="paymentbatch",
            name="status",
            field=models.CharField(
                choices=[
                    ("proposed", "Awaiting approval"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                ],
                default="proposed",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="paymentbatch",
            name="proposed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="proposed"
            ),
        ),
        migrations.AddField(
            model_name="paymentbatch",
            name="proposed_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="paymentbatch",
            name="rejected_reason",
            field=models.TextField(blank=True, verbose_name="why rejected"),
        ),
        migrations.AlterField(
            model_name="paymentbatch",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="approved"),
        ),
        migrations.AlterField(
            model_name="paymentbatch",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(earlier_lists_approved, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="paymentbatch",
            name="proposed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="payment",
            name="status",
            field=models.CharField(
                choices=[
                    ("planned", "Planned"),
                    ("proposed", "Proposed for payment"),
                    ("approved", "Approved for payment"),
                ],
                default="planned",
                max_length=20,
                verbose_name="status",
            ),
        ),
    ]
