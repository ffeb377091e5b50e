"""The shared mechanisms: health check, personal-data validation, encryption, masking, settings."""

from __future__ import annotations

import logging
import os
import re
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from xiangcun.core.crypto import decrypt, encrypt, lookup_hash
from xiangcun.core.masking import PersonalDataLogFilter, mask_id_card, mask_name, mask_phone, scrub
from xiangcun.core.validators import id_check_digit, parse_id_card, validate_phone

ROOT = Path(__file__).resolve().parents[3]


# --- /healthz ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import OperationalError

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


# --- 身份证号 (GB 11643) and phones -----------------------------------------------------------------

def make_id(region: str, born: date, serial: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + id_check_digit(first17)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)), st.integers(0, 999))
def test_every_well_formed_id_number_is_accepted_and_decoded(born, serial):
    info = parse_id_card(make_id("623023", born, serial))
    assert info.birth_date == born and info.region_code == "623023"
    assert info.sex == ("M" if serial % 2 else "F")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)), st.integers(0, 999),
       st.integers(0, 16), st.integers(1, 9))
def test_a_single_wrong_digit_is_caught(born, serial, position, delta):
    number = make_id("623023", born, serial)
    wrong = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]
    with pytest.raises(ValidationError):
        parse_id_card(wrong)


@pytest.mark.parametrize(("number", "code"), [
    ("62302319800101001", "id_format"),
    ("6230231980010100AX", "id_format"),
    ("623023198002300012", "id_birth_date"),
])
def test_malformed_id_numbers_say_what_is_wrong(number, code):
    with pytest.raises(ValidationError) as error:
        parse_id_card(number)
    assert error.value.code == code


def test_a_lower_case_x_check_digit_is_accepted():
    number = next(make_id("623023", date(1980, 1, 1), s) for s in range(999)
                  if make_id("623023", date(1980, 1, 1), s).endswith("X"))
    assert parse_id_card(number.lower()).number == number


@pytest.mark.parametrize("phone", ["13812345678", "+86 138 1234 5678", "199-1234-5678"])
def test_mobile_numbers_in_usual_forms_are_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "0939-1234567", "abc"])
def test_other_numbers_are_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


# --- encryption and masking -------------------------------------------------------------------------------

@given(st.text(min_size=1, max_size=40))
def test_encryption_round_trips_and_hides_the_text(value):
    token = encrypt(value)
    assert decrypt(token) == value
    assert value not in token or len(value) < 3


def test_lookup_hash_finds_equal_values_only():
    assert lookup_hash("62302319800101001x") == lookup_hash("62302319800101001X ")
    assert lookup_hash("13812345678") != lookup_hash("13812345679")


@pytest.mark.django_db
def test_phones_are_not_stored_in_plain_text(personas):
    clerk = personas["village_clerk_a"]
    clerk.phone = "13812345678"
    clerk.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_hash FROM accounts_user WHERE id = %s", [clerk.pk])
        stored, digest = cursor.fetchone()
    assert "13812345678" not in stored and digest == lookup_hash("13812345678")
    from xiangcun.accounts.models import User

    assert User.objects.get(phone_hash=lookup_hash("138 1234 5678".replace(" ", ""))).pk == clerk.pk


def test_masks_follow_the_design():
    assert mask_id_card("623023198001010012") == "623023********0012"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("卓玛") == "卓*"


def test_logs_never_carry_id_or_phone_numbers():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "checking %s and %s",
                               ("623023198001010012", "13812345678"), None)
    PersonalDataLogFilter().filter(record)
    message = record.getMessage()
    assert "623023198001010012" not in message and "13812345678" not in message
    assert scrub("电话13812345678") == "电话138****5678"


# --- settings and secrets ---------------------------------------------------------------------------------

def test_a_fresh_install_generates_its_secrets_privately(tmp_path):
    env = {**os.environ, "XIANGCUN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "xiangcun.settings"}
    env.pop("XIANGCUN_SECRET_KEY", None)
    env.pop("XIANGCUN_FIELD_ENCRYPTION_KEYS", None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT,
                            check=True)
    assert result.stdout.strip() == "False"  # DEBUG is off unless XIANGCUN_DEBUG=1
    for name in ("secret_key", "field_encryption_key"):
        key = tmp_path / "keys" / name
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        assert len(key.read_text()) >= 40
    again = subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
                            "print(settings.SECRET_KEY)"], env=env, capture_output=True, text=True, cwd=ROOT)
    assert again.stdout.strip() == (tmp_path / "keys" / "secret_key").read_text().strip()


def test_a_malformed_setting_fails_loudly(tmp_path):
    env = {**os.environ, "XIANGCUN_VAR_DIR": str(tmp_path), "XIANGCUN_DEBUG": "maybe",
           "DJANGO_SETTINGS_MODULE": "xiangcun.settings"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode != 0 and "XIANGCUN_DEBUG must be 0 or 1" in result.stderr


# --- no page loads anything from another host ---------------------------------------------------------------

def test_templates_and_our_scripts_name_no_other_host():
    offenders = []
    for folder in (ROOT / "xiangcun").rglob("templates"):
        for path in folder.rglob("*.html"):
            offenders += [f"{path}: {m}" for m in re.findall(r"(?:src|href)=\"(?:https?:)?//[^\"]+", path.read_text())]
    for path in (ROOT / "xiangcun" / "static").rglob("*"):
        if path.suffix in {".css", ".js", ".mjs"}:
            text = path.read_text(errors="ignore")
            offenders += [f"{path}: {m}" for m in re.findall(r"(?:@import|url\()\s*[\"']?https?://[^\"')]+", text)]
    assert offenders == []
