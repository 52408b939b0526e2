"""The template filters of compact_portal/templatetags/portal_i18n.py."""

from datetime import UTC, datetime

from django.template import Context, Template
from django.utils import timezone, translation

from compact_portal.templatetags.portal_i18n import datetime_with_zone

DEADLINE = datetime(2017, 10, 12, 16, 0, tzinfo=UTC)


def test_a_deadline_is_written_once_the_same_way_in_code_and_templates_in_the_active_language_and_zone():
    template = Template("{% load portal_i18n %}{{ deadline|with_zone }}|{{ missing|with_zone }}")
    written = {}
    for language in ("en", "fr", "zh-hans"):
        with translation.override(language), timezone.override("Europe/Zurich"):
            written[language] = (datetime_with_zone(DEADLINE), template.render(Context({"deadline": DEADLINE})))
    assert written == {
        "en": ("12 October 2017, 18:00 CEST", "12 October 2017, 18:00 CEST|"),
        "fr": ("12 octobre 2017, 18:00 CEST", "12 octobre 2017, 18:00 CEST|"),
        "zh-hans": ("2017年10月12日 18:00 CEST", "2017年10月12日 18:00 CEST|"),
    }
