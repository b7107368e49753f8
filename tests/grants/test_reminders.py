"""Reminders (issue 10): 14 and 3 days before a deadline and the day after a missed one, by the
Oslo calendar also across a change to or from summer time, and never twice: the outbox's key is
unique, so the beat job running twice (or two beat processes) sends each reminder once."""

from __future__ import annotations

import datetime as dt

from applications.development.reminders import draft_reminders_send
from grants.reminders import acceptance_reminders_send
from grants.services import grant_letter_send, grants_lapse_overdue
from imdi_grants.outbox.models import OutboxMessage
from reporting.reminders import report_reminders_send
from tests.reception_fixtures import OSLO


def _keys(prefix: str) -> list[str]:
    return sorted(
        OutboxMessage.objects.filter(key__startswith=prefix).values_list("key", flat=True)
    )


def test_acceptance_reminders_at_14_and_3_days_and_after_a_miss_across_summer_time(
    offer, applicant, signatory, caseworker, time_machine
):
    from applications.reception import services as reception
    from tests.reception_fixtures import ACCEPTANCE_FIELDS

    reception.acceptance_letter_submit(offer=offer, by=signatory, fields=ACCEPTANCE_FIELDS)
    letter = reception.offer_grant(offer=offer, by=caseworker)
    # Sent 17 March 2025: the deadline is 31 March, the day after summer time begins (30 March).
    grant_letter_send(letter_id=letter.pk, on=dt.date(2025, 3, 17))
    prefix = f"reminder:acceptance:{letter.pk}:"
    members = 2

    # 00:30 in Oslo on 28 March is still 27 March in UTC: the Oslo date decides.
    time_machine.move_to(dt.datetime(2025, 3, 28, 0, 30, tzinfo=OSLO))
    assert acceptance_reminders_send() == members
    assert acceptance_reminders_send() == 0, "the beat job ran twice: nothing more"
    assert all(":3:" in key for key in _keys(prefix))

    # 1 April 00:30 summer time (31 March 22:30 UTC): the deadline was missed yesterday.
    time_machine.move_to(dt.datetime(2025, 4, 1, 0, 30, tzinfo=OSLO))
    grants_lapse_overdue()
    assert acceptance_reminders_send() == members + 1, "and the caseworker is told"
    assert acceptance_reminders_send() == 0
    missed = [k for k in _keys(prefix) if ":-1:" in k]
    assert f"{prefix}-1:user:{caseworker.pk}" in missed

    # No reminder on other days.
    time_machine.move_to(dt.datetime(2025, 3, 25, 12, tzinfo=OSLO))
    assert acceptance_reminders_send() == 0


def test_report_reminders_and_no_reminder_for_a_submitted_report(
    accepted_grant, applicant, signatory, time_machine
):
    report = accepted_grant.reports.filter(kind="half_year").order_by("due_date").first()
    assert report.due_date == dt.date(2024, 8, 31)
    time_machine.move_to(dt.datetime(2024, 8, 17, 9, tzinfo=OSLO))
    assert report_reminders_send() == 2
    assert report_reminders_send() == 0
    time_machine.move_to(dt.datetime(2024, 9, 1, 9, tzinfo=OSLO))
    assert report_reminders_send() == 3  # two members and the caseworker who decided
    body = OutboxMessage.objects.filter(key__startswith=f"reminder:report:{report.pk}:-1:").first()
    assert "31. august 2024" in body.body


def test_draft_reminders_before_the_application_deadline(
    seeded, municipality, applicant, signatory, time_machine
):
    from tests.development.conftest import area
    from tests.factories import ApplicationFactory

    draft = ApplicationFactory(focus_area=area(1), organisation=municipality, created_by=applicant)
    time_machine.move_to(dt.datetime(2025, 2, 5, 8, tzinfo=OSLO))  # 14 days before 19 February
    assert draft_reminders_send() == 2
    assert draft_reminders_send() == 0
    assert len(_keys(f"reminder:draft:{draft.pk}:2025-02-19:14:")) == 2
    time_machine.move_to(dt.datetime(2025, 2, 16, 8, tzinfo=OSLO))
    assert draft_reminders_send() == 2
    time_machine.move_to(dt.datetime(2025, 2, 20, 8, tzinfo=OSLO))
    assert draft_reminders_send() == 0, "a closed round gets no reminder"
