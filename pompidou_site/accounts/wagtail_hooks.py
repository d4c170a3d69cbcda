from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def register_lockout_urls():
    return [
        path("lockouts/", views.lockout_list, name="accounts_lockouts"),
        path("lockouts/<int:pk>/lift/", views.lift_lockout, name="accounts_lift_lockout"),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_lockouts_menu_item():
    return SuperuserMenuItem(_("Sign-in lockouts"), reverse("accounts_lockouts"), icon_name="lock", order=610)
