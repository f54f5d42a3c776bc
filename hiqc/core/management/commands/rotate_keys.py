from __future__ import annotations

import secrets
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Cast
from rich.progress import Progress

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.crypto import (
    PREFIX,
    Keyring,
    decrypt,
    encrypt,
    encrypted_fields,
    keyring,
    new_key_id,
    write_key_file,
)


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
        current = keyring().current
        current_prefix = f"{PREFIX}:{current}:"
        work = []
        for model in apps.get_models():
            for field in encrypted_fields(model):
                raw = f"_raw_{field.attname}"
                qs = (
                    model._default_manager.annotate(**{raw: Cast(field.attname, TextField())})
                    .exclude(**{f"{raw}__startswith": current_prefix})
                    .exclude(**{f"{field.attname}__isnull": True})
                    .exclude(**{raw: ""})
                )
                work.append((model, field, raw, qs))
        total = sum(qs.count() for *_, qs in work)
        done = 0
        with Progress() as progress:
            bar = progress.add_task(f"Re-encrypting to key {current}", total=total)
            for model, field, raw, qs in work:
                while True:
                    with transaction.atomic():
                        rows = list(
                            qs.select_for_update().values_list("pk", raw)[: options["batch"]]
                        )
                        if not rows:
                            break
                        for pk, token in rows:
                            plain = decrypt(token, context=field.context)
                            model._default_manager.filter(pk=pk).update(
                                **{
                                    field.attname: Value(
                                        encrypt(plain, context=field.context),
                                        output_field=TextField(),
                                    )
                                }
                            )
                    done += len(rows)
                    progress.update(bar, advance=len(rows))
        audit_record(
            actor=Actor.system("rotate_keys"),
            action="crypto.rotate_keys",
            data={"key_id": current, "values": done},
        )
        self.stdout.write(self.style.SUCCESS(f"{done} values now under key {current}."))
