"""Configuration screens for administrators: agencies, staff, memberships, roles.

Administrators see no case content (separation of duties, DESIGN: users and
roles). Memberships and roles change only through `agencies.services`, which
records each change in the ledger; no administrator can change their own
membership or roles (issue #3 items 2 and 6).
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from safeshare.agencies import services
from safeshare.agencies.models import Agency, Membership, Role, RoleGrant, User
from safeshare.ui.admin_site import AdministratorModelAdmin

SELF_CHANGE = "You cannot change your own agency, roles or membership."


def _actor(request: HttpRequest) -> User:
    """The administrator making the change (the admin site admits no one else)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@admin.register(Agency)
class AgencyAdmin(AdministratorModelAdmin):
    list_display = ["name", "code", "agency_type", "partner_status", "reaffirmation_due"]
    list_filter = ["agency_type", "partner_status"]
    search_fields = ["name", "code"]
    fieldsets = [
        (None, {"fields": ["name", "code", "agency_type", "partner_status", "is_front_door"]}),
        (
            "Registration and contacts",
            {
                "fields": [
                    "ico_registration_number",
                    "lead_information_officer",
                    "dpo_name",
                    "dpo_email",
                ]
            },
        ),
        (
            "Signature of the protocol (Appendix 5)",
            {
                "fields": [
                    "signed_on",
                    "signed_by_name",
                    "signed_by_position",
                    "reaffirmation_due",
                ]
            },
        ),
    ]
    raw_id_fields = ["lead_information_officer"]

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        """Through the service, so each change of the register is a ledger entry."""
        services.agency_save(
            actor=_actor(request), agency=obj, changed=form.changed_data if change else None
        )


@admin.register(User)
class UserAdmin(AdministratorModelAdmin, DjangoUserAdmin):
    """Staff accounts. Superuser, staff and permission flags are not used: roles decide."""

    list_display = ["username", "first_name", "last_name", "agency_name", "role_names", "is_active"]
    list_filter = ["is_active", "membership__agency"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Personal details", {"fields": ["first_name", "last_name", "email"]}),
        ("Status", {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).select_related("membership__agency")

    @transaction.atomic
    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's own page sets the password; the change is ledgered in its transaction."""
        before = User.objects.filter(pk=id).values_list("password", flat=True).first()
        response = super().user_change_password(request, id, form_url)
        user = User.objects.filter(pk=id).first()
        if user is not None and before is not None and user.password != before:
            services.user_password_changed(actor=_actor(request), user=user)
        return response

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Through the service, so each account change is a ledger entry."""
        changed = form.changed_data if change else [f.name for f in User._meta.concrete_fields]
        services.user_save(actor=_actor(request), user=obj, changed=changed)

    @admin.display(description="agency")
    def agency_name(self, user: User) -> str:
        return user.agency.name if user.agency else "—"

    @admin.display(description="roles")
    def role_names(self, user: User) -> str:
        return ", ".join(Role(role).label for role in sorted(user.roles)) or "—"


class MembershipAdminForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Membership
        fields = ["user", "agency", "job_title", "active"]

    def __init__(self, *args: Any, actor: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if not self.instance._state.adding:
            self.fields["roles"].initial = sorted(self.instance.user.roles)
            if "user" in self.fields:
                self.fields["user"].disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        adding = self.instance._state.adding
        member = cleaned.get("user") if adding else self.instance.user
        if self.actor is not None and member is not None and member.pk == self.actor.pk:
            field = "user" if adding else "roles"
            raise ValidationError({field: [SELF_CHANGE]})
        return cleaned


@admin.register(Membership)
class MembershipAdmin(AdministratorModelAdmin):
    """A member of staff's agency and roles; every change goes through the services."""

    form = MembershipAdminForm
    list_display = ["user", "agency", "job_title", "role_names", "active"]
    list_filter = ["agency", "active", "role_grants__role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("user", "agency")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = _actor(request)

        class FormWithActor(form_class):  # type: ignore[valid-type, misc]  # built at run time
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, actor=actor, **kw)

        return FormWithActor

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("user", "agency", "job_title", "active", "roles")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """An administrator may look at their own membership but never change it."""
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="roles")
    def role_names(self, membership: Membership) -> str:
        grants = membership.role_grants.all()
        return ", ".join(grant.get_role_display() for grant in grants) or "—"

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            current = Membership.objects.select_related("user", "agency").get(pk=obj.pk)
            services.membership_update(
                actor=_actor(request),
                membership=current,
                agency=data["agency"],
                roles=data["roles"],
                active=data["active"],
                job_title=data["job_title"],
            )
        else:
            created = services.membership_create(
                actor=_actor(request),
                user=data["user"],
                agency=data["agency"],
                roles=data["roles"],
                job_title=data["job_title"],
            )
            if not data["active"]:
                services.membership_set_active(
                    actor=_actor(request), membership=created, active=False
                )
            obj.pk = created.pk
            obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Roles were saved by the service in save_model; nothing else is related."""


@admin.register(RoleGrant)
class RoleGrantAdmin(AdministratorModelAdmin):
    """Read only: roles change on the membership, through the services."""

    list_display = ["membership", "role"]
    list_filter = ["role", "membership__agency"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleGrant]:
        return (
            super().get_queryset(request).select_related("membership__user", "membership__agency")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
