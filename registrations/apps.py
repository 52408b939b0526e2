from django.apps import AppConfig

from compact_portal import roles


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = "States, missions and registrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from registrations import participation
        from sessions import participation as session_participation

        session_participation.register(participation.ways_in)
        from sessions import public_cache

        # The dialogue's way in opens and closes by itself: the cached public pages change then.
        public_cache.register_boundary("stakeholder_dialogue__applications_open_at")
        public_cache.register_boundary("stakeholder_dialogue__applications_close_at")
        from registrations import desk

        desk.register()  # its sections of the admin's desk
        from registrations import documents  # registers its task

        session_participation.register(documents.published_list_ways_in)
        roles.grant_after_migrate(
            self,
            {
                roles.SECRETARIAT: {
                    "regionalgroup": roles.VIEW,
                    "state": roles.VIEW,
                    "permanentmission": roles.FULL,
                    "organization": roles.FULL,
                    "profile": roles.FULL,
                    "delegationregistration": ("view", "change"),
                    "delegationmember": roles.VIEW,
                    "registrationevent": roles.VIEW,
                    "speakerslist": roles.FULL,
                    "inscription": ("view", "change", "delete"),
                    "codename:process_delegationregistration": (),
                    "organizationevent": roles.VIEW,
                    "nonobjectionlist": roles.FULL,
                    "nonobjectionentry": roles.VIEW,
                    "objection": roles.VIEW,
                    "representation": ("view", "change"),
                    "dialogue": roles.FULL,
                    "slotapplication": ("view", "change"),
                    "applicationevent": roles.VIEW,
                    "codename:accredit_organization": (),
                    "focalpointrequest": ("view", "change"),
                    "missionanswer": roles.VIEW,
                },
                roles.CO_FACILITATORS: {
                    "regionalgroup": roles.VIEW,
                    "state": roles.VIEW,
                    "permanentmission": roles.VIEW,
                    "organization": roles.VIEW,
                    "speakerslist": roles.VIEW,
                    "inscription": roles.VIEW,
                    "dialogue": roles.VIEW,
                    "slotapplication": roles.VIEW,
                    "missionanswer": roles.VIEW,
                },
            },
        )
