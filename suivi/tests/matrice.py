"""The frame the suivi permission matrices share (a helper, not a test module).

Each cell of a matrix is what a person of a role gets from a URL: PAGE (200), REFUS (403),
ABSENT (404), CONNEXION (302 to the login page) or TRAITE (a POST the view handled: a
redirection with its message, or its form shown again with the errors).
"""

from django.urls import reverse

PAGE, REFUS, ABSENT, CONNEXION, TRAITE = "200", "403", "404", "connexion", "traité"


def constater(reponse, post: bool) -> str:
    if reponse.status_code == 302 and reponse["Location"].startswith(reverse("comptes:connexion")):
        return CONNEXION
    if reponse.status_code in (403, 404, 405) or reponse.status_code >= 500:
        return str(reponse.status_code)
    if reponse.status_code == 200 and not post:
        return PAGE
    return TRAITE


def verifier_la_forme(
    matrice: dict[str, dict[str, str]],
    motifs: list,
    cibles: dict,
    roles: tuple[str, ...],
    post_seulement: frozenset[str],
) -> None:
    """One row per URL of `motifs` (and a target to reach it), one cell per role; no page
    from a POST-only URL, no handled POST from the others."""
    noms = [motif.name for motif in motifs]
    assert len(noms) == len(set(noms))
    assert set(matrice) == set(noms) == set(cibles)
    for nom, ligne in matrice.items():
        assert tuple(ligne) == roles, nom
        if nom in post_seulement:
            assert PAGE not in ligne.values(), nom
        else:
            assert TRAITE not in ligne.values(), nom
