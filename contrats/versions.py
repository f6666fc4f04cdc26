"""What a version of the contract freezes: its fields as they read, French dates, lists
of items. The services write it (`contrats.avenants`); the selectors compare two of them."""

from typing import Any

from contrats.models import Avenant, Contrat, Engagement, FicheAction, Signataire


def _date(valeur) -> str:
    return f"{valeur:%d/%m/%Y}" if valeur else ""


def instantane(contrat: Contrat) -> dict[str, Any]:
    """What a version of the contract freezes, field by field, as displayed (French dates)."""
    signataires = [
        f"{s.organisation.nom} ({', '.join(filter(None, [s.representant, s.qualite]))})"
        for s in Signataire.objects.filter(contrat=contrat)
        .select_related("organisation")
        .order_by("ordre", "pk")
    ]
    engagements = {
        f"{e.section.numero} n° {e.ordre}": e.texte.strip()
        for e in Engagement.objects.filter(section__contrat=contrat)
        .select_related("section")
        .order_by("section_id", "ordre")
    }
    fiches = [
        f"{f.ligne.domaine.numero} · {f.intitule}"
        for f in FicheAction.objects.filter(ligne__contrat=contrat)
        .select_related("ligne__domaine")
        .order_by("ligne__ordre", "ordre")
    ]
    avenants = [
        f"Avenant n° {a.numero} du {_date(a.date_effet)} : {a.objet} ({a.get_nature_display()})"
        for a in contrat.avenants.filter(statut=Avenant.Statut.ACCEPTE).order_by("numero")
    ]
    return {
        "Titre": contrat.titre,
        "Génération": contrat.get_generation_display(),
        "Début": _date(contrat.date_debut),
        "Fin": _date(contrat.date_fin),
        "Prolongé jusqu'au": _date(contrat.prolonge_jusquau),
        "Signataires": signataires,
        "Engagements": engagements,
        "Fiches actions": fiches,
        "Règles de modification": [str(r) for r in contrat.regles_modification.all()],
        "Avenants intégrés": avenants,
    }
