"""What people call a jurisdiction's time zone: "Mountain", not "America/Denver".

Pages say "Mountain time"; the zone database id is for machines (exports keep it). US zones
come from a small table (every id a US jurisdiction might configure, links included); any
other zone falls back to its city, "Europe/London" → "London".
"""

from __future__ import annotations

_BY_NAME = {
    "Eastern": (
        "America/New_York",
        "America/Detroit",
        "America/Indiana/Indianapolis",
        "America/Indiana/Marengo",
        "America/Indiana/Petersburg",
        "America/Indiana/Vevay",
        "America/Indiana/Vincennes",
        "America/Indiana/Winamac",
        "America/Kentucky/Louisville",
        "America/Kentucky/Monticello",
        "America/Fort_Wayne",
        "America/Indianapolis",
        "America/Louisville",
        "US/Eastern",
        "US/East-Indiana",
        "US/Michigan",
        "EST5EDT",
    ),
    "Central": (
        "America/Chicago",
        "America/Indiana/Knox",
        "America/Indiana/Tell_City",
        "America/Menominee",
        "America/North_Dakota/Beulah",
        "America/North_Dakota/Center",
        "America/North_Dakota/New_Salem",
        "America/Knox_IN",
        "US/Central",
        "US/Indiana-Starke",
        "CST6CDT",
    ),
    "Mountain": ("America/Denver", "America/Boise", "America/Shiprock", "US/Mountain", "MST7MDT"),
    "Arizona": ("America/Phoenix", "US/Arizona"),
    "Pacific": ("America/Los_Angeles", "US/Pacific", "PST8PDT"),
    "Alaska": (
        "America/Anchorage",
        "America/Juneau",
        "America/Metlakatla",
        "America/Nome",
        "America/Sitka",
        "America/Yakutat",
        "US/Alaska",
    ),
    "Hawaii-Aleutian": ("America/Adak", "America/Atka", "US/Aleutian"),
    "Hawaii": ("Pacific/Honolulu", "Pacific/Johnston", "US/Hawaii"),
    "Atlantic": ("America/Puerto_Rico", "America/St_Thomas", "America/Virgin"),
    "Chamorro": ("Pacific/Guam", "Pacific/Saipan"),
    "Samoa": ("Pacific/Pago_Pago", "Pacific/Samoa", "US/Samoa"),
}
US_ZONES = {zone: name for name, zones in _BY_NAME.items() for zone in zones}


def friendly_zone_name(zone_id: str) -> str:
    """ "Mountain" for America/Denver; another zone's city ("Buenos Aires") or the id as is."""
    if zone_id in US_ZONES:
        return US_ZONES[zone_id]
    city = zone_id.rsplit("/", 1)[-1].replace("_", " ")
    return city or zone_id
