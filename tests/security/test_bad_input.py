"""Bad input gets 400 or is ignored, never 500: query parameters parsed by form fields, a NUL
character refused, a draft's stored raw input capped, and the request body limited."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications.development.services import application_update_draft
from tests.development.test_drafts import BUDGET_INPUT

pytestmark = pytest.mark.django_db

# Every query parameter a view reads (grep request.GET), with values that do not parse.
BAD_VALUES = ["²", "٣", "99999999999999999999", "-1", "abc", "1e5", " ", "%FF", "x" * 5000]

LISTS = [
    ("reception:grant_list", ["year"]),
    (
        "assessment:queue",
        [
            *("year", "status", "area", "county", "organisation", "assessor"),
            *("mine", "flagged", "q", "order", "page"),
        ],
    ),
    ("accounts:organisation_list", ["q", "page"]),
]


@pytest.fixture
def staff_client(caseworker):
    client = Client(raise_request_exception=False)
    client.force_login(caseworker)
    return client


@pytest.mark.parametrize(("name", "params"), LISTS)
def test_bad_query_values_are_ignored_on_the_lists(staff_client, seeded, name, params):
    for param in params:
        for value in BAD_VALUES:
            response = staff_client.get(reverse(name), {param: value})
            assert response.status_code == 200, (name, param, value, response.status_code)


def test_a_superscript_year_is_no_500(staff_client, seeded):
    assert staff_client.get(reverse("reception:grant_list") + "?year=²").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/organisasjoner/?q=%00",
        "/vurdering/?q=%00&year=%00&area=%00&organisation=%00&order=%00&page=%00",
        "/vurdering/habilitet/?q=%00&conflict=%00",
        "/integreringsmottak/?year=%00",
        "/admin/accounts/user/?q=%00",
        "/admin/accounts/organisation/?q=%00",
    ],
)
def test_a_nul_character_is_ignored(url, administrator):
    """PostgreSQL refuses NUL in text: passed on to a query it was a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    assert client.get(url).status_code == 200


def test_the_invitation_role_parameter_is_only_a_choice(staff_client, municipality):
    url = reverse("accounts:organisation_invite", args=[municipality.pk])
    for value in ["², ", "nonsense", "x" * 5000]:
        assert staff_client.get(url, {"role": value}).status_code == 200


def test_a_drafts_raw_input_is_capped_per_field(draft, applicant):
    application_update_draft(
        application=draft,
        by=applicant,
        step="project",
        raw_input={"summary": ["x" * 50_000], "goals": ["a\x00b"], "many": ["y"] * 1000},
    )
    draft.refresh_from_db()
    stored = draft.draft_input["project"]
    assert len(stored["summary"][0]) == 10_000
    assert stored["goals"] == ["ab"]
    assert len(stored["many"]) == 200


def test_a_nul_character_typed_into_a_step_is_no_500(draft, applicant):
    client = Client(raise_request_exception=False)
    client.force_login(applicant)
    url = reverse("development:step", args=[draft.pk, "budget"])
    data = {**BUDGET_INPUT, "participants": "ti\x00", "prioritised_groups": "Ny\x00ankomne"}
    response = client.post(url, data)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert "\x00" not in str(draft.draft_input)


def test_the_request_body_limit_is_djangos_default_but_files_still_pass(client, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    client = Client(raise_request_exception=False)
    big_form = "login=a%40b.no&password=" + "x" * 3_000_000
    response = client.post(
        reverse("account_login"), big_form, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    # The limit counts form fields, not uploaded files: a 4 MB file in a multipart body passes.
    response = client.post(
        reverse("account_login"),
        {"login": "a@b.no", "password": "x", "file": SimpleUploadedFile("a.pdf", b"%" * 4_000_000)},
    )
    assert response.status_code == 200
