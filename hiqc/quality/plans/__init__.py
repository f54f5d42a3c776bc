"""Improvement plans (PDCA; standard 10.2; issue 7 §5), a sub-domain of quality.

``models`` (``ImprovementPlan``, ``ImprovementAction``; app label ``quality``, imported by
``hiqc.quality.models``), ``selectors``, ``services`` (every write, the effect measured before vs
after), ``views`` (the pages, routed by ``hiqc.quality.urls``). The process (``IMPROVEMENT``) and
the choices stay in the app's ``workflow.py`` and ``enums.py``, shared with nonconformities.
"""
