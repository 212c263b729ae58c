"""Start-up checks: every shipped protocol pack loads and validates (issue #4 item 1).

Django runs system checks before serving and before tests, so a malformed
pack stops the application with an error naming the pack and the place.
"""

from django.conf import settings
from django.core import checks

from safeshare.decisions.packs import PackError, all_packs


@checks.register()
def check_protocol_packs(app_configs, **kwargs) -> list[checks.CheckMessage]:
    try:
        packs = all_packs()
    except PackError as error:
        all_packs.cache_clear()
        return [checks.Error(str(error), id="decisions.E001")]
    errors: list[checks.CheckMessage] = []
    if not packs:
        errors.append(checks.Error("No protocol pack is shipped.", id="decisions.E002"))
    default = getattr(settings, "SAFESHARE_DEFAULT_PACK", "")
    if default not in packs:
        errors.append(
            checks.Error(
                f"SAFESHARE_DEFAULT_PACK {default!r} is not a shipped protocol pack.",
                hint=f"Choose one of: {', '.join(sorted(packs))}.",
                id="decisions.E003",
            )
        )
    return errors
