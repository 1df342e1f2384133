"""Background work of the reviews app: small, idempotent, taking ids."""

from celery import shared_task

from . import minutes


@shared_task(acks_late=True)
def render_minutes_pdf(minutes_id: int) -> str:
    """Render and store the final PDF of locked minutes once; a second run does nothing."""
    return minutes.minutes_store_pdf(minutes_id=minutes_id).pdf_sha256
