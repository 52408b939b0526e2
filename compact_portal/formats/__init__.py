"""Date formats per official language (settings.FORMAT_MODULE_PATH), on top of Django's own.

Besides a few overrides (English dates as the UN writes them: 12 October 2017), two formats of the portal's
own, defined for every language, used by templates as `{{ value|date:"DAY_FORMAT" }}`:
- DAY_FORMAT: a day heading with its weekday ("Thursday 12 October 2017", "2017年10月12日 星期四");
- DATETIME_ZONE_FORMAT: a deadline with its time zone ("12 October 2017, 18:00 CEST").
"""
