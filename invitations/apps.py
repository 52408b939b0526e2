from django.apps import AppConfig

from compact_portal import roles


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = "Invitation letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from invitations import board, desk, dispatch

        dispatch.renderer_register()  # the outbox renders a letter's mail (its PDF) when it sends it
        desk.register()  # its sections of the admin's desk
        board.desk_register()  # the missions' answers (the board of each session)
        # The secretariat prepares and previews letters; only co-facilitators send them.
        roles.grant_after_migrate(
            self,
            {
                roles.SECRETARIAT: {
                    "letter": roles.FULL,
                    "letterversion": roles.FULL,
                    "signatory": roles.FULL,
                    "dispatch": roles.VIEW,
                    "delivery": roles.VIEW,
                    "reminderschedule": roles.FULL,
                    "reminderround": roles.VIEW,
                },
                roles.CO_FACILITATORS: {
                    "letter": roles.FULL,
                    "letterversion": roles.FULL,
                    "signatory": roles.FULL,
                    "dispatch": roles.VIEW,
                    "delivery": roles.VIEW,
                    "codename:send_letter": (),
                    "reminderschedule": roles.FULL,
                    "reminderround": roles.VIEW,
                },
            },
        )
