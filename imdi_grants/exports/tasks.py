from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from imdi_grants.lib.tasks import RETRY_ON

from . import services


# Longer limits than the other tasks' (45/60 s): a large export streams for minutes. A retry's
# countdown (at most 16 s), a wait for a free process (60 s) and the run (180 s) stay under the
# broker's visibility timeout (300 s), so a running export is never handed out twice.
@shared_task(bind=True, acks_late=True, max_retries=5, soft_time_limit=150, time_limit=180)
def export_build(self, job_id: int) -> None:
    """Build a requested export; database, broker or disk trouble is retried, and a job that
    still fails, or runs out of time, says so on its page."""
    try:
        services.export_build(job_id=job_id)
    except SoftTimeLimitExceeded:
        services.export_failed(job_id=job_id, error="time limit: narrow the filter")
    except RETRY_ON as exc:
        if self.request.retries >= self.max_retries:
            services.export_failed(job_id=job_id, error=str(exc))
            raise
        raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
