"""People are deliberately not in the admin.

Administrators manage configuration and see no case content (DESIGN: users and
roles; issue #3 item 6). Even without decrypted fields, a list of persons with
their kind and the agencies working with them tells who the police or the
children's trust are involved with, so no people model is registered here;
`agencies/tests/test_admin.py` asserts that the admin shows no case app.
"""
