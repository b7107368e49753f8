"""ID-porten: configuration from the environment, acr checked on the server, no identity number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from imdi_grants.accounts.adapters import acr_is_sufficient, strip_identity_number


def test_it_is_off_by_default_and_configured_from_the_environment():
    root = Path(__file__).resolve().parents[2]
    probe = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
    )
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "imdi_grants.settings"}
    off = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, env=base, capture_output=True, text=True
    )
    assert json.loads(off.stdout.splitlines()[-1]) == {}
    on = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=root,
        env={
            **base,
            "IDPORTEN_ENABLED": "true",
            "IDPORTEN_CLIENT_ID": "imdi-client",
            "IDPORTEN_CLIENT_SECRET": "s3cret",
            "IDPORTEN_SERVER_URL": "https://test.idporten.no",
        },
        capture_output=True,
        text=True,
    )
    app = json.loads(on.stdout.splitlines()[-1])["openid_connect"]["APPS"][0]
    assert app["provider_id"] == "idporten"
    assert app["client_id"] == "imdi-client"
    assert app["settings"]["server_url"] == "https://test.idporten.no"
    assert app["settings"]["auth_params"]["acr_values"] == "idporten-loa-substantial"


def test_a_lowered_acr_is_refused(settings):
    settings.IDPORTEN_ACCEPTED_ACR = ["idporten-loa-substantial", "idporten-loa-high"]
    assert acr_is_sufficient({"id_token": {"acr": "idporten-loa-substantial"}})
    assert acr_is_sufficient({"id_token": {"acr": "idporten-loa-high"}})
    assert not acr_is_sufficient({"id_token": {"acr": "idporten-loa-low"}})
    assert not acr_is_sufficient({"id_token": {}})
    assert not acr_is_sufficient({})


def test_the_national_identity_number_is_never_kept():
    claims = {
        "id_token": {"sub": "pairwise-abc", "pid": "24079409630", "acr": "idporten-loa-high"},
        "userinfo": {"pid": "24079409630", "locale": "nb"},
    }
    cleaned = strip_identity_number(claims)
    assert "24079409630" not in json.dumps(cleaned)
    assert cleaned["id_token"]["sub"] == "pairwise-abc"
