"""Factories for agencies and staff: `staff(role, agency=...)` is the usual entry point."""

import factory

from safeshare.agencies.models import (
    Agency,
    AgencyType,
    Membership,
    PartnerStatus,
    Role,
    RoleGrant,
    User,
)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    code = factory.Sequence(lambda n: f"agency-{n}")
    agency_type = AgencyType.LOCAL_AUTHORITY
    partner_status = PartnerStatus.STATUTORY_PARTNER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


PASSWORD = "correct-horse-battery-1"


def staff(*roles: Role | str, agency: Agency | None = None, active: bool = True) -> User:
    """A user with a membership in `agency` (a new one if omitted) holding `roles`."""
    agency = agency or AgencyFactory()
    user = UserFactory()
    membership = Membership.objects.create(user=user, agency=agency, active=active)
    for role in roles:
        RoleGrant.objects.create(membership=membership, role=role)
    return User.objects.get(pk=user.pk)
