"""Signals other apps listen to (imports point one way: they import consent, not back)."""

from django.dispatch import Signal

# Sent inside the withdrawing transaction with `withdrawal` and `actor`: the exchange app
# tells each agency that received information under the consent (issue #5 item 4).
consent_withdrawn = Signal()
