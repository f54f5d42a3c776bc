"""The reliability suite (issue 14): the production stack on loopback, attacked in five parts.

Run it with ``scripts/reliability`` (or ``make reliability``); ``scripts/reliability --help`` lists
the options. The parts live in one module each (``contract``, ``doors``, ``imports``,
``concurrency``, ``limits``); ``stack`` starts and stops the stack, ``on_stack`` runs inside
``manage.py shell`` on it, ``common`` holds the HTTP client and the result records.
"""
