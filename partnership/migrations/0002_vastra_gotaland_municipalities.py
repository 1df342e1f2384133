"""Reference data: Västra Götalandsregionen, its four sub-regions and its 49 municipalities."""

from django.db import migrations

SUB_REGIONS = {
    "Fyrbodal": [
        "Bengtsfors", "Dals-Ed", "Färgelanda", "Lilla Edet", "Lysekil", "Mellerud", "Munkedal", "Orust",
        "Sotenäs", "Strömstad", "Tanum", "Trollhättan", "Uddevalla", "Vänersborg", "Åmål",
    ],
    "Göteborgsregionen": [
        "Ale", "Alingsås", "Göteborg", "Härryda", "Kungälv", "Lerum", "Mölndal", "Partille", "Stenungssund",
        "Tjörn", "Öckerö",
    ],
    "Sjuhärad": ["Bollebygd", "Borås", "Herrljunga", "Mark", "Svenljunga", "Tranemo", "Ulricehamn", "Vårgårda"],
    "Skaraborg": [
        "Essunga", "Falköping", "Grästorp", "Gullspång", "Götene", "Hjo", "Karlsborg", "Lidköping", "Mariestad",
        "Skara", "Skövde", "Tibro", "Tidaholm", "Töreboda", "Vara",
    ],
}


def forwards(apps, schema_editor):
    Region = apps.get_model("partnership", "Region")
    SubRegion = apps.get_model("partnership", "SubRegion")
    Municipality = apps.get_model("partnership", "Municipality")
    region, _ = Region.objects.get_or_create(name="Västra Götalandsregionen", defaults={"short_name": "VGR"})
    for sub_region_name, municipalities in SUB_REGIONS.items():
        sub_region, _ = SubRegion.objects.get_or_create(region=region, name=sub_region_name)
        for name in municipalities:
            Municipality.objects.get_or_create(name=name, defaults={"sub_region": sub_region})


class Migration(migrations.Migration):
    dependencies = [("partnership", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
