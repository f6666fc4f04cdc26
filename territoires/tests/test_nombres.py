"""Numbers in French: plain for files, thousands grouped for pages and documents."""

from decimal import Decimal

import pytest

from territoires.nombres import nombre_francais, nombre_lisible


@pytest.mark.parametrize(
    ("nombre", "fichier", "page"),
    [
        (Decimal("27222"), "27222", "27\u202f222"),
        (Decimal("1234567.50"), "1234567,5", "1\u202f234\u202f567,5"),
        (Decimal("-1500.25"), "-1500,25", "-1\u202f500,25"),
        (Decimal("9.15"), "9,15", "9,15"),
        (Decimal("0.00"), "0", "0"),
        (400, "400", "400"),
    ],
)
def test_numbers_are_written_with_a_comma_and_grouped_thousands_on_pages(nombre, fichier, page):
    assert nombre_francais(nombre) == fichier
    assert nombre_lisible(nombre) == page
