"""Version 1 of every product (ADR 0019): the terms the product row held, in force from its
earliest policy's start (or today), published; its checklist and its policies move to it."""

from django.db import migrations
from django.db.models import Min
from django.utils import timezone


def forwards(apps, schema_editor):
    Product = apps.get_model("policies", "Product")
    ProductVersion = apps.get_model("policies", "ProductVersion")
    DocumentRequirement = apps.get_model("policies", "DocumentRequirement")
    Policy = apps.get_model("policies", "Policy")
    now = timezone.now()
    for product in Product.objects.all():
        first = Policy.objects.filter(product=product).aggregate(d=Min("start_date"))["d"]
        version = ProductVersion.objects.create(
            product=product,
            number=1,
            claim_types=product.claim_types or [],
            term_years=product.term_years,
            effective_from=first or timezone.localdate(),
            published_at=now,
        )
        DocumentRequirement.objects.filter(product=product).update(version=version)
        Policy.objects.filter(product=product).update(product_version=version)


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_product_versions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
