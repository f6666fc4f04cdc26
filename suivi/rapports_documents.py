"""The rapport annuel's documents: a PDF laid out in Marianne (WeasyPrint, through
programmation.documents) and an editable ODT (odfdo) holding the same parts, sentences
and tables. Both print a `ContenuRapport` (suivi.selectors.rapports) and compute nothing.
"""

import io

from django.template.loader import render_to_string
from odfdo import Document, Header, Paragraph, Table

from historique.pdf import en_pdf
from programmation.templatetags.montants import format_euros
from suivi.selectors.rapports import ContenuRapport


def document_html(contenu: ContenuRapport) -> str:
    return render_to_string("suivi/rapports/document.html", {"c": contenu})


def document_pdf(contenu: ContenuRapport) -> bytes:
    return en_pdf(document_html(contenu))


# ---------------------------------------------------------------- ODT


class _Redaction:
    """The ODT body being written, part after part."""

    def __init__(self) -> None:
        self.document = Document("text")
        self.corps = self.document.body
        self.tables = 0

    def titre(self, niveau: int, texte: str) -> None:
        self.corps.append(Header(niveau, texte))

    def paragraphe(self, texte: str) -> None:
        if texte:
            self.corps.append(Paragraph(texte))

    def tableau(self, entetes: list[str], lignes: list[list[str]]) -> None:
        if not lignes:
            return
        self.tables += 1
        table = Table(f"Tableau {self.tables}")
        table.set_values([entetes, *([str(v) for v in ligne] for ligne in lignes)])
        self.corps.append(table)

    def octets(self) -> bytes:
        sortie = io.BytesIO()
        self.document.save(sortie)
        return sortie.getvalue()


def document_odt(contenu: ContenuRapport) -> bytes:
    r = _Redaction()
    r.titre(1, contenu.titre)
    r.paragraphe(contenu.contrat)
    r.paragraphe(f"Communes : {', '.join(contenu.communes)}.")
    r.paragraphe(f"Quartiers prioritaires : {', '.join(contenu.quartiers)}.")
    r.paragraphe(f"Statut : {contenu.statut}. Document généré le {contenu.genere_le:%d/%m/%Y}.")
    _orientations(r, contenu)
    _situation(r, contenu)
    _actions(r, contenu)
    _moyens(r, contenu)
    _perspectives(r, contenu)
    _beneficiaires(r, contenu)
    _annexes(r, contenu)
    return r.octets()


def _orientations(r: _Redaction, c: ContenuRapport) -> None:
    r.titre(1, c.titres["orientations"])
    for pilier in c.orientations:
        r.titre(2, f"Pilier {pilier.numero} · {pilier.intitule}")
        for domaine in pilier.domaines:
            r.titre(3, f"{domaine.numero} {domaine.intitule}")
            for orientation in domaine.orientations:
                r.paragraphe(f"– {orientation}")
    if c.axes:
        r.titre(2, "Axes transversaux")
        for axe in c.axes:
            r.paragraphe(f"{axe.numero} {axe.intitule}. {axe.description}".strip())


def _situation(r: _Redaction, c: ContenuRapport) -> None:
    r.titre(1, c.titres["situation"])
    for s in c.situations:
        r.titre(2, f"{s.quartier} ({s.commune})")
        r.paragraphe(
            f"Diagnostic du contrat ({s.date_diagnostic}) et dernières observations jusqu'en "
            f"{c.annee}, ville et quartier prioritaire."
        )
        r.tableau(
            [
                "Indicateur",
                "Unité",
                "Ville (diagnostic)",
                "Quartier (diagnostic)",
                f"Ville (≤ {c.annee})",
                f"Quartier (≤ {c.annee})",
                "Écart quartier − ville",
            ],
            [
                [
                    ligne.libelle,
                    ligne.unite,
                    ligne.ville_diagnostic,
                    ligne.qpv_diagnostic,
                    ligne.ville_recente,
                    ligne.qpv_recente,
                    ligne.ecart_recent,
                ]
                for ligne in s.lignes
            ],
        )
        if s.sources:
            r.paragraphe(f"Sources : {' ; '.join(s.sources)}.")
    r.titre(2, "Indicateurs de résultat et objectifs")
    if not c.indicateurs:
        r.paragraphe("Aucun indicateur de résultat n'est encore défini au référentiel.")
    r.tableau(
        ["Code", "Indicateur", "Référence", "Cible", "Dernière mesure", "Écart", "Avancement"],
        [
            [i.code, i.libelle, i.reference, i.cible, i.derniere, i.ecart, i.avancement]
            for i in c.indicateurs
        ],
    )


def _actions(r: _Redaction, c: ContenuRapport) -> None:
    a = c.actions
    r.titre(1, c.titres["actions"])
    r.paragraphe(a.phrase)
    r.paragraphe(
        f"Actions réalisées (bilan validé) : {a.realisees} ; non réalisées : "
        f"{a.non_realisees} ; bilans attendus : {a.bilans_attendus}."
    )
    r.tableau(
        ["Pilier", "Programmées", "Réalisées", "Non réalisées", "Bilans attendus"],
        [
            [p.pilier, p.programmees, p.realisees, p.non_realisees, p.bilans_attendus]
            for p in a.piliers
        ],
    )
    for p in a.piliers:
        r.titre(2, p.pilier)
        r.tableau(
            ["Dossier", "Action", "Structure", "Accordé", "Bilan"],
            [
                [x.numero, x.intitule, x.structure, format_euros(x.accorde), x.bilan]
                for x in p.actions
            ],
        )


def _moyens(r: _Redaction, c: ContenuRapport) -> None:
    m = c.moyens
    r.titre(1, c.titres["moyens"])
    r.paragraphe(
        f"Demandé : {format_euros(m.demande)} ; accordé : {format_euros(m.accorde)} ; payé : "
        f"{format_euros(m.paye)} ; part du droit commun dans l'accordé : {m.part_droit_commun}."
    )
    r.titre(2, "Par nature de crédits")
    r.tableau(
        ["Nature", "Accordé", "Payé"],
        [[x.libelle, format_euros(x.accorde), format_euros(x.paye)] for x in m.par_nature],
    )
    r.titre(2, "Par financeur")
    r.tableau(
        ["Financeur et nature", "Accordé", "Payé", "Part du droit commun du financeur"],
        [
            [x.libelle, format_euros(x.accorde), format_euros(x.paye), x.part_droit_commun]
            for x in m.par_financeur
        ],
    )


def _perspectives(r: _Redaction, c: ContenuRapport) -> None:
    p = c.perspectives
    r.titre(1, c.titres["perspectives"])
    if not p.paragraphes:
        r.paragraphe("Les perspectives n'ont pas encore été rédigées.")
    for texte in p.paragraphes:
        r.paragraphe(texte)
    if p.decisions:
        r.titre(2, "Décisions des évaluations sur les actions de l'année")
        r.tableau(["Décision", "Actions"], [[x.decision, x.nombre] for x in p.decisions])


def _beneficiaires(r: _Redaction, c: ContenuRapport) -> None:
    r.titre(1, c.titres["beneficiaires"])
    r.tableau(
        ["Source", "Actions", "Femmes", "Hommes", "Total", "Part des femmes", "Part en QPV"],
        [
            [b.source, b.actions, b.femmes, b.hommes, b.total, b.part_femmes, b.part_qpv]
            for b in c.beneficiaires
        ],
    )


def _annexes(r: _Redaction, c: ContenuRapport) -> None:
    if c.adoption is None:
        return
    r.titre(1, c.titres["annexes"])
    reference = f" ({c.adoption.reference})" if c.adoption.reference else ""
    r.paragraphe(f"Rapport adopté par délibération du {c.adoption.date_deliberation}{reference}.")
    for avis in c.avis:
        r.titre(2, f"{avis.nom} : {avis.sens}")
        r.paragraphe(f"Reçu le {avis.recu_le}." if avis.recu_le else "")
        r.paragraphe(avis.texte)
