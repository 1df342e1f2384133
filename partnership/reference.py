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
    region, _ = Region.objects.get_or_create(name="Västra Götalandsregionen", defaults={"short_name": "VGR"})
    for sub_region_name, municipalities in SUB_REGIONS.items():
        sub_region, _ = SubRegion.objects.get_or_create(region=region, name=sub_region_name)
        for name in municipalities:
            Municipality.objects.get_or_create(name=name, defaults={"sub_region": sub_region})


FYRBODAL_MUNICIPALITIES = SUB_REGIONS["Fyrbodal"]
