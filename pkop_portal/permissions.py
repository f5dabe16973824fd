"""Group permissions granted by data migrations (least privilege, per group, never per user)."""

from django.contrib.auth.management import create_permissions


def grant_group_permissions(apps, app_label: str, grants: dict[str, list[str]]) -> None:
    """Give each group the listed permissions of `app_label` (creating them first if needed)."""
    app_config = apps.get_app_config(app_label)
    # Permissions are normally created after all migrations; a migration state's app stub
    # has no models_module, which create_permissions() requires.
    stub = getattr(app_config, "models_module", None) is None
    if stub:
        app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    if stub:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in grants.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def revoke_group_permissions(apps, app_label: str, grants: dict[str, list[str]]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in grants.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
