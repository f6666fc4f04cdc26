import re

from historique import pdf


def test_marianne_is_declared_from_the_dsfr_package_files():
    css = pdf.css_polices()
    assert "@font-face" in css and "font-family: 'Marianne'" in css
    for chemin in re.findall(r"url\('file://([^']+)'\)", css):
        assert chemin.endswith(".woff")
        assert pdf.DOSSIER_POLICES.joinpath(chemin.rsplit("/", 1)[1]).is_file()
