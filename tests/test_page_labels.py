"""Every page a user reads, as every demo persona: no server error, no raw code, and no table
whose rows have more or fewer cells than its header has columns (issue 13).

A small demo is loaded, then each persona walks the pages reachable from the home page (one or
two of each kind: a list and a couple of its records). The visible text — attributes a reader
sees included, scripts and styles excluded — must hold no dotted code such as
``claims.decide.breach``, ``organisations.user`` or ``quality.detect``: every label comes from a
translated display name. A code shown deliberately *as a code* (an indicator's or a rule's key in
a catalogue) is marked up as one — inside ``<code>`` or an element of class ``mono`` — and is not
counted.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from hiqc.demo.people import PERSONAS
from hiqc.organisations.models import User

VOID = {"br", "input", "img", "meta", "link", "hr", "col", "source", "wbr", "area", "base"}
SKIP_URL = re.compile(
    r"logout|export|\.xlsx|\.pdf|/api/|/admin/|reveal|/documents/|/i18n/|read-all|/open$|"
    r"/series\.|/report|/letters/"
)
DOTTED = re.compile(r"(?<![\w./@:-])([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)(?![\w/@-])")
NOT_A_CODE = re.compile(r"^(manage\.py|e\.g|i\.e|.*\.(py|jpg|png|pdf|csv|xlsx|json|jsonl|com|cn))$")
PAGES_PER_PERSONA = 30
PER_KIND = 2  # pages of the same shape (the same path with other ids) walked per persona


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._stack: list[bool] = []  # per open element: does it hide its text?
        self._hidden = 0
        self.tables: list[dict] = []
        self._section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self._table(tag, a)
        if tag == "a" and (a.get("href") or "").startswith("/"):
            self.links.append(a["href"] or "")
        for name in ("title", "placeholder", "aria-label", "alt"):
            if a.get(name) and not self._hidden:
                self.text.append(a[name] or "")
        if tag in VOID:
            return
        hides = tag in ("script", "style", "code") or "mono" in (a.get("class") or "").split()
        self._stack.append(hides)
        self._hidden += hides

    def _table(self, tag: str, a: dict[str, str | None]) -> None:
        """Column counts: the header row's, and each body row's (colspans counted)."""
        if tag == "table":
            self.tables.append({"id": a.get("id") or "", "head": 0, "rows": []})
            self._section = ""
        elif tag in ("thead", "tbody") and self.tables:
            self._section = tag
        elif tag == "tr" and self.tables and self._section == "tbody":
            self.tables[-1]["rows"].append(0)
        elif tag in ("th", "td") and self.tables:
            span = int(a.get("colspan") or 1)
            table = self.tables[-1]
            if self._section == "thead":
                table["head"] += span if not table.get("head_done") else 0
            elif self._section == "tbody" and table["rows"]:
                table["rows"][-1] += span

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self.tables and self._section == "thead":
            self.tables[-1]["head_done"] = True  # the first header row counts the columns
        if tag not in VOID and self._stack:
            self._hidden -= self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def _shape(url: str) -> str:
    return re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+", "N", url.split("?")[0])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [p.username for p in PERSONAS])
def test_every_page_a_persona_reaches_names_things_and_never_fails(persona):
    call_command("demo_load", customers=40, verbosity=0, stdout=StringIO())
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=persona))
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = ["/", "/my-work/", "/notifications/"]
    codes: dict[str, set[str]] = {}
    failures: list[str] = []
    misaligned: list[str] = []
    while queue and len(seen) < PAGES_PER_PERSONA:
        url = queue.pop(0)
        if url in seen or SKIP_URL.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(url)
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = VisibleText()
        page.feed(response.content.decode())
        for table in page.tables:
            wrong = {n for n in table["rows"] if table["head"] and n != table["head"]}
            if wrong:
                misaligned.append(f"{url} #{table['id']}: {table['head']} headers, rows of {wrong}")
        for code in DOTTED.findall(" ".join(page.text)):
            if not NOT_A_CODE.match(code):
                codes.setdefault(code, set()).add(url)
        for link in page.links:
            if shapes[_shape(link)] < PER_KIND:
                shapes[_shape(link)] += 1
                queue.append(link)
    assert not failures, f"server errors on {failures}"
    assert not misaligned, "table rows that do not match their headers: " + "; ".join(misaligned)
    assert not codes, "raw codes on pages: " + "; ".join(
        f"{c} on {sorted(u)[0]}" for c, u in sorted(codes.items())
    )
