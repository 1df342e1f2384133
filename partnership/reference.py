"""Reference data: Västra Götalandsregionen, its four sub-regions and its 49 municipalities.

Used by a data migration (with historical models) and by ``seed_demo``; both go
through ``ensure_reference_data`` so the data is written in one place.
"""

SUB_REGIONS = {
    "Fyrbodal": [
        "Bengtsfors",
        "Dals-Ed",
        "Färgelanda",
        "Lilla Edet",
        "Lysekil",
        "Mellerud",
        "Munkedal",
        "Orust",
        "Sotenäs",
        "Strömstad",
        "Tanum",
        "Trollhättan",
        "Uddevalla",
        "Vänersborg",
        "Åmål",
    ],
    "Göteborgsregionen": [
        "Ale",
        "Alingsås",
        "Göteborg",
        "Härryda",
        "Kungälv",
        "Lerum",
        "Mölndal",
        "Partille",
        "Stenungssund",
        "Tjörn",
        "Öckerö",
    ],
    "Sjuhärad": ["Bollebygd", "Borås", "Herrljunga", "Mark", "Svenljunga", "Tranemo", "Ulricehamn", "Vårgårda"],
    "Skaraborg": [
        "Essunga",
        "Falköping",
        "Grästorp",
        "Gullspång",
        "Götene",
        "Hjo",
        "Karlsborg",
        "Lidköping",
        "Mariestad",
        "Skara",
        "Skövde",
        "Tibro",
        "Tidaholm",
        "Töreboda",
        "Vara",
    ],
}


def ensure_reference_data(Region, SubRegion, Municipality) -> None:
    """Add the region, its sub-regions and municipalities that are missing (three queries when all are there)."""
    region, _ = Region.objects.get_or_create(name="Västra Götalandsregionen", defaults={"short_name": "VGR"})
    sub_regions = {s.name: s for s in SubRegion.objects.filter(region=region)}
    known = set(Municipality.objects.values_list("name", flat=True))
    for sub_region_name, municipalities in SUB_REGIONS.items():
        if sub_region_name not in sub_regions:
            sub_regions[sub_region_name] = SubRegion.objects.create(region=region, name=sub_region_name)
        for name in municipalities:
            if name not in known:
                Municipality.objects.create(name=name, sub_region=sub_regions[sub_region_name])


FYRBODAL_MUNICIPALITIES = SUB_REGIONS["Fyrbodal"]


# The principal's letterhead on decision letters and minutes (DOMAIN: Official documents).
LETTERHEAD = {
    "Västra Götalandsregionen": {
        "postal_address": "Regionens Hus\n462 80 Vänersborg",
        "organisation_number": "232100-0131",
        "logo": "img/vgr-ordmarke.svg",
    },
}


def ensure_letterhead(Region) -> None:
    """Fill in the letterhead of the regions that have none yet; one that was edited is kept."""
    for name, letterhead in LETTERHEAD.items():
        region = Region.objects.filter(name=name).first()
        if region is None:
            continue
        changed = [field for field, value in letterhead.items() if not getattr(region, field)]
        for field in changed:
            setattr(region, field, letterhead[field])
        if changed:
            region.save(update_fields=changed)
