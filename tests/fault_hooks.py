"""Imported into a test's Celery worker with ``--include tests.fault_hooks``: makes every decision
letter's render pause for SIMPORTAL_TEST_PDF_PAUSE seconds after it is rendered and before it is
stored, so that a test can kill the worker in the middle of a decision letter. (Other PDFs, such as
the application PDF of the submission before it, render without a pause.)"""

import logging
import os
import time

from simportal import pdf

log = logging.getLogger(__name__)
_render = pdf.render_pdf


LETTER = "decisions/pdf/decision_letter.html"


def slow_render_pdf(*args, **kwargs):
    rendered = _render(*args, **kwargs)
    if (args[0] if args else kwargs.get("template_name")) != LETTER:
        return rendered
    pause = float(os.environ.get("SIMPORTAL_TEST_PDF_PAUSE", "0"))
    log.warning("fault hook: the PDF is rendered; pausing %.0f s before it is stored", pause)
    time.sleep(pause)
    return rendered


pdf.render_pdf = slow_render_pdf
