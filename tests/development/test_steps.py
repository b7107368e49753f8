"""Each field of the application is declared once, in ``steps.py``, and the form, the fields a
draft may change, the summary and the "fill this in" rules all come from that declaration."""

from __future__ import annotations

import pytest
from django.db import models

from applications.development.forms import step_form_class
from applications.development.models import Application
from applications.development.rules import RULES, application_problems
from applications.development.selectors import application_summary
from applications.development.services import application_update_draft
from applications.development.steps import STEPS, editable_fields, field_rules
from schemes.models import FocusAreaKind

KINDS = [*FocusAreaKind.values, ""]


def test_every_field_is_a_field_of_the_application_on_one_step():
    names = [field.name for step in STEPS for field in step.fields]
    assert len(names) == len(set(names))
    for name in names:
        Application._meta.get_field(name)
    assert not {"status", "case_number", "organisation", "draft_input"} & set(names)


def test_every_requirement_is_shown_under_a_rule_of_the_checklist():
    codes = {rule.code for rule in RULES}
    for step in STEPS:
        for field in step.fields:
            if field.required is None:
                continue
            assert field.required.rule in codes, field.name
            assert field.required.message or field.required.citation, field.name
            for box in field.required.when:
                condition = Application._meta.get_field(box)
                assert isinstance(condition, models.BooleanField), field.name


@pytest.mark.parametrize("kind", KINDS)
def test_the_forms_show_exactly_the_declared_fields(kind):
    shown = set()
    for step in STEPS:
        if step.slug == "review":
            continue
        form_fields = set(step_form_class(step.slug, kind).base_fields) - {"partners"}
        assert form_fields == set(step.field_names(kind)), step.slug
        shown |= form_fields
    assert shown == editable_fields(kind)


def test_fields_sharing_a_message_make_one_problem():
    rules = {rule.fields: rule for rule in field_rules(FocusAreaKind.INNOVATION)}
    assert ("entrepreneur_name", "entrepreneur_form") in rules
    assert ("plan_anchoring",) not in rules  # not an innovation field
    assert ("curriculum_tie",) in rules and ("right_to_training",) in rules
    assert ("title",) in rules and ("summary",) in rules


@pytest.mark.django_db
def test_the_summary_has_every_declared_field(complete):
    sections = application_summary(application=complete)
    labels = [row["label"] for section in sections for row in section["rows"]]
    assert len(labels) == len(editable_fields(FocusAreaKind.INNOVATION))
    assert "Med en sosial entreprenør" in labels and "Prosjekttittel" in labels


@pytest.mark.django_db
def test_a_draft_cannot_take_fields_of_another_kind(draft, applicant):
    with pytest.raises(ValueError, match="regional_dialogue"):
        application_update_draft(
            application=draft, by=applicant, fields={"regional_dialogue": "Dialog"}
        )


@pytest.mark.django_db
def test_a_box_that_is_not_ticked_asks_for_nothing(complete):
    complete.has_norwegian_training = False
    assert application_problems(application=complete) == []
    complete.has_norwegian_training = True
    complete.right_to_training = "Integrert i opplæringen"
    assert [p.rule for p in application_problems(application=complete)] == ["area_specific"]
