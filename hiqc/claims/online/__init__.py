"""Online claims without an HIQC login (standard 5.1.2(1); issue 5 §5), a sub-domain of claims.

``services`` (identification, the signed session, registration and documents, the rate limits),
``models`` (``OnlineCode``; app label ``claims``, imported by ``hiqc.claims.models``), ``views``
and ``urls`` (the public pages under ``/online-claims/``), ``api`` (the public endpoints).
"""
