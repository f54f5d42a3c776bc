"""Nonconformities (不符合项; standard 10.2, 2.3.1; issue 7 §4), a sub-domain of quality.

``models`` (``Nonconformity``; app label ``quality``, imported by ``hiqc.quality.models``),
``selectors`` (the register's reads), ``services`` (every write: opened by hand or by the daily
detection, moved only through the engine), ``views`` (the pages, routed by ``hiqc.quality.urls``).
The process (``NONCONFORMITY``) and the choices stay in the app's ``workflow.py`` and ``enums.py``,
which improvement plans share (the ``quality.nc.*`` permissions).
"""
