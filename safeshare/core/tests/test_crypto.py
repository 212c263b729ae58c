import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from safeshare.core import crypto

# A fictional NHS number in the range reserved for testing (999 000 0000 - 999 999 9999);
# its check digit is worked out in test_check_digit_worked_examples.
VALID_NHS = "9990000018"


def test_wrap_and_unwrap_round_trip():
    dek = crypto.new_data_key()
    wrapped = crypto.wrap_key(dek, context=b"person:1")
    assert wrapped[0] == crypto.KEK_VERSION
    assert dek not in wrapped
    assert crypto.unwrap_key(wrapped, context=b"person:1") == dek


def test_unwrap_with_another_context_fails():
    wrapped = crypto.wrap_key(crypto.new_data_key(), context=b"person:1")
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_key(wrapped, context=b"person:2")


def test_unwrap_under_another_kek_fails(settings):
    wrapped = crypto.wrap_key(crypto.new_data_key(), context=b"person:1")
    settings.SAFESHARE_KEK = base64.b64encode(b"z" * 32).decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_key(wrapped, context=b"person:1")


def test_unwrap_refuses_unknown_kek_version():
    wrapped = bytearray(crypto.wrap_key(crypto.new_data_key(), context=b"c"))
    wrapped[0] = 7
    with pytest.raises(crypto.DecryptionError, match="version 7"):
        crypto.unwrap_key(bytes(wrapped), context=b"c")


def test_unwrap_refuses_truncated_blob():
    wrapped = crypto.wrap_key(crypto.new_data_key(), context=b"c")
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_key(wrapped[:-1], context=b"c")


def test_wrap_refuses_short_key():
    with pytest.raises(ValueError):
        crypto.wrap_key(b"short", context=b"c")


def test_field_round_trip_uses_fresh_nonce():
    dek = crypto.new_data_key()
    first = crypto.encrypt_field(dek, "Zoë Ashdown-Ó", aad=b"p1|given_name")
    second = crypto.encrypt_field(dek, "Zoë Ashdown-Ó", aad=b"p1|given_name")
    assert first != second
    assert crypto.decrypt_field(dek, first, aad=b"p1|given_name") == "Zoë Ashdown-Ó"
    assert b"Ashdown" not in first


@pytest.mark.parametrize("aad", [b"p2|given_name", b"p1|family_name", b""])
def test_field_with_other_aad_fails(aad):
    dek = crypto.new_data_key()
    blob = crypto.encrypt_field(dek, "Fern", aad=b"p1|given_name")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_field(dek, blob, aad=aad)


def test_field_with_other_key_fails():
    blob = crypto.encrypt_field(crypto.new_data_key(), "Fern", aad=b"a")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_field(crypto.new_data_key(), blob, aad=b"a")


def test_altered_field_fails():
    dek = crypto.new_data_key()
    blob = bytearray(crypto.encrypt_field(dek, "Fern", aad=b"a"))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_field(dek, bytes(blob), aad=b"a")


@pytest.mark.parametrize("blob", [b"", b"\x01short", b"\x09" + bytes(40)])
def test_malformed_field_fails(blob):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_field(crypto.new_data_key(), blob, aad=b"a")


def test_wrapped_key_is_not_a_field_blob():
    """Domain separation: the KEK-wrapped blob cannot be replayed as a field."""
    key = crypto.kek()
    wrapped = crypto.wrap_key(crypto.new_data_key(), context=b"c")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_field(key, wrapped, aad=b"c")


@given(st.text(max_size=200), st.binary(max_size=64))
def test_any_text_round_trips(text, aad):
    dek = crypto.new_data_key()
    assert crypto.decrypt_field(dek, crypto.encrypt_field(dek, text, aad=aad), aad=aad) == text


# --- KEK configuration -----------------------------------------------------------------


def test_missing_kek_names_both_settings(settings):
    settings.SAFESHARE_KEK = ""
    settings.SAFESHARE_KEK_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="SAFESHARE_KEK.*SAFESHARE_KEK_FILE"):
        crypto.kek()


def test_kek_of_wrong_length_is_refused(settings):
    settings.SAFESHARE_KEK = base64.b64encode(b"k" * 16).decode()
    with pytest.raises(ImproperlyConfigured, match="SAFESHARE_KEK must decode to exactly 32"):
        crypto.kek()


def test_kek_not_base64_is_refused(settings):
    settings.SAFESHARE_KEK = "not base64!"
    with pytest.raises(ImproperlyConfigured, match="SAFESHARE_KEK must be base64"):
        crypto.kek()


def test_kek_read_from_file(settings, tmp_path):
    key = os.urandom(32)
    path = tmp_path / "kek.key"
    path.write_bytes(base64.b64encode(key) + b"\n")
    settings.SAFESHARE_KEK = ""
    settings.SAFESHARE_KEK_FILE = str(path)
    assert crypto.kek() == key


def test_kek_file_missing_names_the_setting(settings, tmp_path):
    settings.SAFESHARE_KEK = ""
    settings.SAFESHARE_KEK_FILE = str(tmp_path / "absent.key")
    with pytest.raises(ImproperlyConfigured, match="SAFESHARE_KEK_FILE names .*absent.key"):
        crypto.kek()


def test_kek_file_of_wrong_length_names_the_setting(settings, tmp_path):
    path = tmp_path / "kek.key"
    path.write_bytes(base64.b64encode(b"x" * 31))
    settings.SAFESHARE_KEK = ""
    settings.SAFESHARE_KEK_FILE = str(path)
    with pytest.raises(ImproperlyConfigured, match="SAFESHARE_KEK_FILE must decode to exactly"):
        crypto.kek()


def test_replaced_kek_file_is_read_again(settings, tmp_path):
    path = tmp_path / "kek.key"
    path.write_bytes(base64.b64encode(b"a" * 32))
    settings.SAFESHARE_KEK = ""
    settings.SAFESHARE_KEK_FILE = str(path)
    assert crypto.kek() == b"a" * 32
    path.write_bytes(base64.b64encode(b"b" * 32))
    os.utime(path, ns=(1, 1))
    assert crypto.kek() == b"b" * 32


# --- blind indexes ---------------------------------------------------------------------


def test_blind_index_is_stable_and_keyed():
    first = crypto.blind_index("nhs_number", VALID_NHS)
    assert first == crypto.blind_index("nhs_number", VALID_NHS)
    assert len(first) == 64
    assert VALID_NHS not in first


def test_blind_index_depends_on_purpose():
    assert crypto.blind_index("nhs_number", "x") != crypto.blind_index("name_dob", "x")


def test_blind_index_key_is_derived_not_the_kek():
    import hashlib
    import hmac

    plain_kek_mac = hmac.new(crypto.kek(), b"x", hashlib.sha256).hexdigest()
    assert crypto.blind_index("nhs_number", "x") != plain_kek_mac


def test_blind_index_changes_with_kek(settings):
    before = crypto.blind_index("nhs_number", "x")
    settings.SAFESHARE_KEK = base64.b64encode(b"z" * 32).decode()
    assert crypto.blind_index("nhs_number", "x") != before


@pytest.mark.parametrize("purpose", ["", "NHS", "nhs number", "x" * 80])
def test_blind_index_refuses_bad_purpose(purpose):
    with pytest.raises(ValueError):
        crypto.blind_index(purpose, "x")


def test_blind_index_refuses_empty_value():
    with pytest.raises(ValueError):
        crypto.blind_index("nhs_number", "")


# --- NHS numbers -----------------------------------------------------------------------


def test_check_digit_worked_examples():
    # 943476591: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 mod 11 = 2; 11-2 = 9.
    assert crypto.nhs_number_check_digit("943476591") == 9
    # 999000001: 9*10+9*9+9*8+1*2 = 245; 245 mod 11 = 3; 11-3 = 8.
    assert crypto.nhs_number_check_digit("999000001") == 8
    # 999000000: 243 mod 11 = 1; 11-1 = 10: no valid number.
    assert crypto.nhs_number_check_digit("999000000") is None
    # 999000006: 243+12 = 255; 255 mod 11 = 2; check 9.
    assert crypto.nhs_number_check_digit("999000006") == 9


def test_check_digit_eleven_means_zero():
    # 999000005: 243+5*2 = 253 = 23*11; remainder 0; 11-0 = 11, written as 0.
    assert crypto.nhs_number_check_digit("999000005") == 0


@pytest.mark.parametrize(
    "value", ["9990000018", "999 000 0018", "999-000-0018", " 9990000018 ", "9990000050"]
)
def test_valid_nhs_numbers_normalise(value):
    assert crypto.normalise_nhs_number(value) in {"9990000018", "9990000050"}


@pytest.mark.parametrize(
    "value",
    [
        "9990000017",  # wrong check digit
        "9990000000",  # check digit would be 10: never issued
        "999000001",  # nine digits
        "99900000188",  # eleven digits
        "999O000018",  # a letter O
        "999.000.0018",  # dots are not accepted separators
        "",
        "٩٩٩٠٠٠٠٠١٨",  # Arabic-Indic digits are not an NHS number
        "0000000000",  # passes the sum, but is a placeholder
        "9999999999",  # passes the sum, but is a placeholder
    ],
)
def test_invalid_nhs_numbers_are_refused_with_the_rule(value):
    with pytest.raises(ValidationError) as excinfo:
        crypto.normalise_nhs_number(value)
    assert excinfo.value.messages == [crypto.NHS_NUMBER_MESSAGE]
    assert "check digit" in crypto.NHS_NUMBER_MESSAGE


@given(st.from_regex(r"\A[0-9]{9}\Z"))
def test_every_computed_check_digit_validates(first_nine):
    check = crypto.nhs_number_check_digit(first_nine)
    candidate = first_nine + str(check) if check is not None else None
    if candidate is None or len(set(candidate)) == 1:
        return
    assert crypto.normalise_nhs_number(candidate) == candidate
    wrong = first_nine + str((check + 1) % 10)
    with pytest.raises(ValidationError):
        crypto.normalise_nhs_number(wrong)


# --- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Zoë", "ZOE"),
        ("  Smith-Jones ", "smith jones"),
        ("O'Neill", "O Neill"),
        ("O’Neill", "oneill"),
        ("Strauß", "STRAUSS"),
        ("Søren", "Soren"),
        ("José  María", "jose maria"),
        ("ﬁona", "Fiona"),  # the fi ligature
        ("Ｊａｎｅ", "Jane"),  # full-width letters
    ],
)
def test_name_variants_normalise_alike(left, right):
    assert crypto.normalise_name(left) == crypto.normalise_name(right)


def test_different_names_stay_different():
    assert crypto.normalise_name("Ann") != crypto.normalise_name("Anne")
    assert crypto.normalise_name("Иван") == "иван"


@pytest.mark.parametrize("value", ["", "   ", "-'.", "\u0301"])
def test_name_without_letters_normalises_to_empty(value):
    assert crypto.normalise_name(value) == ""
