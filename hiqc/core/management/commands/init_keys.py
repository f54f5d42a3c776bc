from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from hiqc.core.crypto import generate_keyring, key_file, write_key_file


class Command(BaseCommand):
    help = "Create the field-encryption key file (outside the repository) if it does not exist."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.HIQC_FIELD_KEYS:
            self.stdout.write("Keys come from HIQC_FIELD_KEYS; nothing to create.")
            return
        path = key_file()
        if path.exists():
            self.stdout.write(f"Key file exists: {path}")
            return
        write_key_file(generate_keyring(), path)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created key file {path} (mode 600). Back it up: data "
                "encrypted with it cannot be read without it."
            )
        )
