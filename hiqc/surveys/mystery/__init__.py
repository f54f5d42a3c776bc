"""Mystery shopping (神秘客户, standard 4.3.1; issue 6 §4), a sub-domain of surveys.

``models`` (scenarios, items, visits, scores; app label ``surveys``, imported by
``hiqc.surveys.models``), ``workflow`` (scenario versions, visits, the result clock), ``selectors``
(every read, ``access_visit`` / ``access_scenario``), ``services`` (every write, scoring, findings),
``views`` (the pages, routed by ``hiqc.surveys.urls``), ``demo`` (called by the survey demo).
"""
