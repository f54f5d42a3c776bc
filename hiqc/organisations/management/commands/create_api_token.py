from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hiqc.core.access import Actor
from hiqc.core.errors import ValidationFailed
from hiqc.organisations.selectors import user_by_username
from hiqc.organisations.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for USER and print it once (it is stored only as a hash)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_by_username(options["username"])
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        try:
            token, raw = api_token_create(
                actor=Actor.system("create_api_token"),
                user_id=user.pk,
                name=options["name"],
                days=options["days"],
            )
        except ValidationFailed as exc:
            raise CommandError(f"{exc.message} {exc.fields}") from exc
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.prefix} for {user.username} expires {token.expires_at:%Y-%m-%d}. "
            "It is shown only now."
        )
