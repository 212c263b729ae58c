"""The single access policy (DESIGN: access). Import from here."""
