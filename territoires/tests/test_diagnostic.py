"""The diagnostic names its sources, and never shows an empty one."""

from django.urls import reverse

from territoires.models import Indicateur, Observation


def _page(client, villiers) -> str:
    return client.get(reverse("contrats:diagnostic", args=[villiers.slug])).content.decode()


def test_the_diagnostic_lists_the_sources_of_its_figures(client, villiers):
    source = Observation.objects.exclude(source="").values_list("source", flat=True).first()
    source = source or Indicateur.objects.exclude(source="").values_list("source", flat=True)[0]
    page = _page(client, villiers)
    assert source in page
    assert "Source : ." not in page and "Sources : ." not in page


def test_a_diagnostic_without_sources_shows_no_source_line(client, villiers):
    Observation.objects.update(source="")
    Indicateur.objects.update(source="")
    page = _page(client, villiers)
    assert "Source :" not in page and "Sources :" not in page
    assert "Tableau des données" in page
