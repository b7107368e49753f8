"""Every configured text exists in Bokmål and Nynorsk (issue 8, the Language Act): the portal
shows the user's language and a Nynorsk letter is Nynorsk throughout."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from schemes.models import FocusArea, Scheme


def test_the_seeded_texts_exist_in_both_standards(seeded):
    for scheme in Scheme.objects.all():
        assert scheme.name and scheme.name_nn
    for area in FocusArea.objects.all():
        assert area.name_nn, area
        assert bool(area.description) == bool(area.description_nn), area
        assert bool(area.closed_reason) == bool(area.closed_reason_nn), area


def test_names_follow_the_active_language(seeded):
    scheme = Scheme.objects.get(code="reception")
    area = FocusArea.objects.filter(number=5).first()
    with translation.override("nb"):
        assert str(scheme) == "Tilskudd til kvalifisering for beboere i integreringsmottak"
        assert "mangfold" in str(area)
    with translation.override("nn"):
        assert str(scheme) == "Tilskot til kvalifisering for bebuarar i integreringsmottak"
        assert "mangfald" in str(area)


def test_a_text_only_in_bokmal_is_refused(seeded):
    area = FocusArea.objects.first()
    area.description = "Ny tekst"
    area.description_nn = ""
    with pytest.raises(ValidationError) as refused:
        area.full_clean()
    assert "description_nn" in refused.value.message_dict
