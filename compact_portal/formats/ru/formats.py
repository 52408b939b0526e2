# E: the month in the genitive (12 октября 2017 г.).
DAY_FORMAT = "l, j E Y г."
DATETIME_ZONE_FORMAT = "j E Y г., H:i e"
