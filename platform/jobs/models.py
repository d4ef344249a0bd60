from django.db import models


class ScheduleFiring(models.Model):
    """One firing of one schedule for one time slot. The unique pair is what lets any number
    of schedulers run at once: the first to insert the row enqueues the job, in the same
    transaction; every other one hits the constraint and does nothing."""

    schedule = models.CharField(max_length=100)
    slot = models.DateTimeField()
    fired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schedule", "slot"], name="jobs_one_firing_per_slot")
        ]
        indexes = [models.Index(fields=["fired_at"])]

    def __str__(self) -> str:
        return f"{self.schedule} @ {self.slot:%Y-%m-%d %H:%M:%S}"
