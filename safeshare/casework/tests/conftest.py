"""The school and the trust of consent's tests: the person page's flows record consent,
decide and share between the same two agencies."""

from safeshare.consent.tests.conftest import receiver, school, sender, trust  # noqa: F401
