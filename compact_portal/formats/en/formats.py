# English as United Nations documents write it: 12 October 2017, 24-hour times.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
DAY_FORMAT = "l j F Y"
DATETIME_ZONE_FORMAT = "j F Y, H:i e"
