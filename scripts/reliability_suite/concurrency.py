"""Part 4: concurrent identical actions on one case, through the API over both workers.

A branch complaint handler registers a complaint (and its customer), then sends the same action
with the same version N times at once (N = ``--concurrent``, default 30): "assign" (registered →
investigating), then "extend" (investigating → investigating: a state check alone would let all
N through; only the version stops them). Each round must give exactly one success and N − 1 × 409,
one event of that action in the case history, and the version one higher.
"""

from __future__ import annotations

import functools
from typing import Any

from .common import API, PartResult, concurrently, histogram, statuses


def run(ctx: Any, part: PartResult) -> None:
    name = ctx.args.handler
    token = ctx.tokens[name]
    http = ctx.http
    me = http.request("GET", f"{API}/me", token=token)
    if me.status != 200:
        part.check(f"GET {API}/me as {name}", False, f"HTTP {me.status}: {me.text()}")
        return
    user_id = me.json()["id"]
    unit = ctx.prepared["personas"][name]["org_unit_id"]
    customer = http.request(
        "POST",
        f"{API}/customers",
        token=token,
        json_body={"org_unit_id": unit, "name": "并发测试客户", "mobile": "13800138000"},
    )
    if not part.check("POST /customers (201)", customer.status == 201, customer.text()):
        return
    complaint = http.request(
        "POST",
        f"{API}/complaints",
        token=token,
        json_body={
            "org_unit_id": unit,
            "customer_id": customer.json()["id"],
            "channel": "phone",
            "respondent_kind": "branch",
            "respondent_unit_id": unit,
            "request": "要求按合同约定赔付住院医疗费用。",
            "facts": "客户称理赔申请提交后三十日未获答复。",
            "dispute_type": "claims",
            "product_line": "medical",
            "nature": "contract_dispute",
        },
    )
    if not part.check("POST /complaints (201)", complaint.status == 201, complaint.text()):
        return
    case = complaint.json()
    case_id, version = case["id"], case["version"]
    part.details["complaint"] = case.get("reference", case_id)
    n = ctx.args.concurrent
    rounds = [
        ("assign", {"assignee": user_id}),
        ("extend", {"reason": "可靠性测试：并发延期。"}),
    ]
    for action, data in rounds:
        path = f"{API}/complaints/{case_id}/actions/{action}"
        body = {"version": version, "data": data}
        send = functools.partial(http.request, "POST", path, token=token, json_body=body)
        results = concurrently([send] * n)
        codes = statuses(results)
        ok = [r for r in results if getattr(r, "status", 0) == 200]
        conflicts = codes.count(409)
        after = http.request("GET", f"{API}/complaints/{case_id}", token=token)
        events = [e for e in after.json().get("events", []) if e.get("activity") == action]
        new_version = after.json().get("version")
        part.details[action] = {
            "sent": n,
            "statuses": histogram(codes),
            "events": len(events),
            "version_before": version,
            "version_after": new_version,
        }
        print(
            f"    {n} × POST {path} (version {version}): {histogram(codes)}; "
            f"{len(events)} '{action}' event(s); version {version} → {new_version}",
            flush=True,
        )
        part.check(
            f"{n} concurrent '{action}' with one version: exactly 1 × 200 and {n - 1} × 409",
            len(ok) == 1 and conflicts == n - 1,
            f"got {histogram(codes)}",
        )
        part.check(
            f"'{action}': one event in the case history, version + 1",
            len(events) == 1 and new_version == version + 1,
            f"{len(events)} events, version {version} → {new_version}",
        )
        version = new_version if isinstance(new_version, int) else version + 1
