DAY_FORMAT = r"l j \d\e F \d\e Y"
DATETIME_ZONE_FORMAT = r"j \d\e F \d\e Y, H:i e"
