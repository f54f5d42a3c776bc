"""``manage.py demo_load``: the demo org tree, persona logins and customers, idempotently.

The steps live in ``hiqc.demo.org``, ``hiqc.demo.people`` and ``hiqc.demo.customers``; other
domains add theirs in ``hiqc/<app>/demo.py`` (see ``hiqc.demo.domains``). Each run writes one
audit event ``demo.load`` with what it created.
"""

from __future__ import annotations

import os
from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.deadlines import deadlines_sweep
from hiqc.core.notifications import notifications_suppressed
from hiqc.customers.quality import quality_tally_run
from hiqc.demo.collection import load_collection
from hiqc.demo.customers import load_customers
from hiqc.demo.domains import domain_hooks
from hiqc.demo.org import OrgTree, load_org_tree
from hiqc.demo.people import DEFAULT_PASSWORD, PASSWORD_ENV, load_personas, login_rows
from hiqc.demo.privacy import load_privacy


class RateColumn(ProgressColumn):
    """Rows per second of a task."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")


class Command(BaseCommand):
    help = (
        "Load demo data: org tree (总公司, 3 分公司, 10 中心支公司, 30 营业网点), "
        "one login per role and N fictitious customers. "
        "Safe to re-run: only what is missing is created."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--customers", type=int, default=20000, help="how many customers (default 20000)"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="run even with the production settings module",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count, seed = options["customers"], options["seed"]
        if count < 0:
            raise CommandError("--customers must be 0 or more.")
        if settings.SETTINGS_MODULE.endswith(".prod") and not options["allow_production"]:
            raise CommandError(
                "Refusing to load demo data with production settings "
                "(pass --allow-production if this really is a demo server)."
            )
        # rich writes partial lines: give it the stream under Django's line-ending OutputWrapper
        console = Console(file=cast(IO[str], self.stdout._out), highlight=False)
        if not console.is_terminal:  # piped or captured: no 80-column wrapping of the tables
            console.width = 120
        actor = Actor.system("demo_load")
        counts: dict[str, int] = {"seed": seed, "customers_requested": count}

        progress = Progress(
            TextColumn("{task.description:<6}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=options["verbosity"] == 0,
        )
        with progress:
            setup = progress.add_task("机构与账号", total=2)
            with transaction.atomic():
                tree = load_org_tree()
                progress.advance(setup)
                people = load_personas(tree)
                progress.advance(setup)
            task = progress.add_task("客户", total=count)
            try:
                result = load_customers(
                    tree, count=count, seed=seed, on_progress=lambda n: progress.advance(task, n)
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            # History is history: what fell due in the demo's past is recorded on its deadline
            # (warnings raised, breaches marked) without filling anyone's inbox as if it were
            # news; only what happens after the load notifies.
            with notifications_suppressed():
                ran: set[str] = set()
                for label, hook in domain_hooks():
                    ran.add(label)
                    extra = hook(seed=seed, org_units=tree.units, users=people.users, actor=actor)
                    counts.update({f"{label}.{k}": v for k, v in extra.items()})
                swept = deadlines_sweep()
                counts.update(
                    {
                        f"privacy.{k}": v
                        for k, v in load_collection(tree.units, actor, ran=ran).items()
                    }
                )
                counts.update({f"privacy.{k}": v for k, v in load_privacy(people.users).items()})
            counts.update({f"deadlines.{k}_recorded": v for k, v in swept.items()})
            # every customer is in now (the data-quality cases too): today's tally, so the
            # data-quality page and the evidence of 6.1.1(1) have figures before the first night
            counts["customers.quality_tally_units"] = quality_tally_run()["units"]

        counts.update(
            {
                "org_units_created": tree.created_units,
                "departments_created": tree.created_departments,
                "users_created": people.created_users,
                "memberships_created": people.created_memberships,
                "customers_created": result.created,
                "customers_skipped": result.skipped,
            }
        )
        audit_record(actor=actor, action="demo.load", data=counts)
        if options["verbosity"] == 0:
            return
        self._report(console, counts, result.seconds, result.rows_per_second, tree)

    def _report(
        self, console: Console, counts: dict[str, int], seconds: float, rate: float, tree: OrgTree
    ) -> None:
        created = ", ".join(
            f"{k.removesuffix('_created')} {v:,}"
            for k, v in counts.items()
            if k.endswith("_created") or "." in k
        )
        console.print(f"Created: {created}.")
        console.print(
            f"Customers: {counts['customers_created']:,} written, {counts['customers_skipped']:,} "
            f"already present, {seconds:.2f} s"
            + (f" ({rate:,.0f} rows/s)." if counts["customers_created"] else ".")
        )
        table = Table(title="Demo logins", title_justify="left")
        for column in ("username", "name", "role", "scope"):
            table.add_column(column)
        for row in login_rows(tree):
            table.add_row(*row)
        console.print(table)
        if os.environ.get(PASSWORD_ENV):
            console.print(f"Password for new demo users: the value of ${PASSWORD_ENV}.")
        else:
            console.print(
                f"Password for new demo users: {DEFAULT_PASSWORD} "
                f"(set ${PASSWORD_ENV} to choose another; existing users keep theirs)."
            )
