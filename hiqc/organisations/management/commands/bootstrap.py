"""``manage.py bootstrap``: the head office and the first system administrator of a real install.

    manage.py bootstrap --head-office-code HO --head-office-name 某某健康保险股份有限公司 --admin it_admin

The password comes from ``HIQC_ADMIN_PASSWORD`` or, at a terminal, is asked twice. Re-running it
changes nothing; it refuses when a head office with another code already exists.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hiqc.core.errors import ValidationFailed
from hiqc.organisations.selectors import user_by_username
from hiqc.organisations.services import install_bootstrap

PASSWORD_ENV = "HIQC_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create the head office and its first system administrator (idempotent). "
        f"Password from ${PASSWORD_ENV}, or asked at the terminal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--head-office-code", required=True, help="机构代码, e.g. HO")
        parser.add_argument("--head-office-name", required=True, help="总公司名称")
        parser.add_argument("--head-office-name-en", default="", help="English name")
        parser.add_argument("--admin", required=True, help="the administrator's username")
        parser.add_argument("--admin-name", default="", help="the administrator's display name")

    def _password(self, username: str) -> str:
        if user_by_username(username) is not None:
            return ""  # an existing user keeps their password
        from_env = os.environ.get(PASSWORD_ENV, "")
        if from_env:
            return from_env
        if not sys.stdin.isatty():
            raise CommandError(
                f"No password: set ${PASSWORD_ENV} or run the command at a terminal to be asked."
            )
        first = getpass.getpass(f"Password for {username}: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was created.")
        return first

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["admin"].strip()
        try:
            created = install_bootstrap(
                head_office_code=options["head_office_code"],
                head_office_name=options["head_office_name"],
                head_office_name_en=options["head_office_name_en"],
                admin_username=username,
                admin_display_name=options["admin_name"],
                password=self._password(username),
            )
        except ValidationFailed as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.fields.items())
            raise CommandError(f"{exc.message} {problems}") from exc
        made = [what for what, yes in created.items() if yes]
        if made:
            self.stdout.write(f"Created: {', '.join(made)}. Sign in as {username}.")
        else:
            self.stdout.write("Already bootstrapped: nothing to do.")
