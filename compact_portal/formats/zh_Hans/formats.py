DAY_FORMAT = "Y年n月j日 l"
DATETIME_ZONE_FORMAT = "Y年n月j日 H:i e"
