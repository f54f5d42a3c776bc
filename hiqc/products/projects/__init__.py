"""R&D projects through the six stage gates and the compliance review checklist (standard
3.1.2, 3.3.2, 3.1.1(3); issue 17 §2, §3)."""
