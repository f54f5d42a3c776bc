"""Supervision (standard 2.3.1, 2.3.2; issue 16 §6): plans with a schedule per unit, visits with a
checklist and evidence, and findings routed to the owning unit with a deadline, linked (never
copied) to nonconformities and improvement plans through the kernel."""
