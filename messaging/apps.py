from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messaging")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import post_delete

        from messaging.models import Attachment
        from messaging.signals import close_sockets_on_logout, delete_attachment_file

        user_logged_out.connect(close_sockets_on_logout, dispatch_uid="messaging.logout")
        post_delete.connect(
            delete_attachment_file, sender=Attachment, dispatch_uid="messaging.attachment_file"
        )
