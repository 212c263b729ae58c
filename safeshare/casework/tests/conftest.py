"""The consent tests' two agencies and a practitioner at each: the flows here are tested
over the same world (a test module's own fixture of the same name wins)."""

from safeshare.consent.tests.conftest import receiver, school, sender, trust  # noqa: F401
