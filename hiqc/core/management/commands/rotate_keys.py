from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from hiqc.core.access import Actor
from hiqc.core.crypto import Keyring, keyring, new_key_id, write_key_file
from hiqc.core.services import encrypted_values_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field to the current key. With --new, first add a new key to "
        "the key file and make it current. Safe to interrupt: each batch commits, and a re-run "
        "resumes with the values still under an old key."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--new", action="store_true", help="generate a new current key first")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new"]:
            if settings.HIQC_FIELD_KEYS:
                raise CommandError(
                    "Keys come from HIQC_FIELD_KEYS: add the new key there and set "
                    "'current', then run rotate_keys without --new."
                )
            ring = keyring()
            kid = new_key_id(ring.keys)
            write_key_file(
                Keyring(
                    current=kid,
                    keys={**ring.keys, kid: secrets.token_bytes(32)},
                    hash_key=ring.hash_key,
                )
            )
            self.stdout.write(f"New current key: {kid}")
        with Progress() as progress:
            bar = progress.add_task("Re-encrypting", total=None)
            current, done = encrypted_values_rotate(
                actor=Actor.system("rotate_keys"),
                batch=options["batch"],
                on_total=lambda key_id, total: progress.update(
                    bar, total=total, description=f"Re-encrypting to key {key_id}"
                ),
                on_batch=lambda values: progress.update(bar, advance=values),
            )
        self.stdout.write(self.style.SUCCESS(f"{done} values now under key {current}."))
