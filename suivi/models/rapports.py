"""The rapport annuel politique de la ville (CGCT L.1111-2, décret n° 2015-1118) of a
contract for a year, and its life: draft → sent for avis to the conseil citoyen and the
conseils municipaux (one month; no answer counts as favourable) → adopted by a
délibération → published. Its statut changes only through
suivi.services.rapports.transitionner_rapport, which writes the typed log
`TransitionRapport`; each generation of its documents is a `GenerationRapport`, produced
by a background task.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from contrats.models import Contrat
from historique.horloge import maintenant


class StatutRapport(models.TextChoices):
    BROUILLON = "brouillon", "Projet"
    EN_CONSULTATION = "en_consultation", "Soumis pour avis"
    ADOPTE = "adopte", "Adopté"
    PUBLIE = "publie", "Publié"


class CodeTransitionRapport(models.TextChoices):
    SOUMETTRE = "soumettre", "Soumettre pour avis"
    REPRENDRE = "reprendre", "Reprendre le projet"
    ADOPTER = "adopter", "Adopter le rapport"
    PUBLIER = "publier", "Publier le rapport"


class RapportAnnuel(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="rapports_annuels")
    annee = models.PositiveSmallIntegerField("année")
    statut = models.CharField(
        "statut", max_length=20, choices=StatutRapport.choices, default=StatutRapport.BROUILLON
    )
    # The one part the data cannot write.
    perspectives = models.TextField("perspectives", blank=True)
    soumis_le = models.DateField("soumis pour avis le", null=True, blank=True)
    fin_consultation = models.DateField("fin du délai de consultation", null=True, blank=True)
    date_deliberation = models.DateField("date de la délibération", null=True, blank=True)
    reference_deliberation = models.CharField(
        "référence de la délibération", max_length=100, blank=True
    )
    publie_le = models.DateTimeField("publié le", null=True, blank=True)
    motif_decision = models.TextField("motif de la dernière décision", blank=True)
    cree_le = models.DateTimeField("créé le", default=maintenant)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "rapport annuel"
        verbose_name_plural = "rapports annuels"
        ordering = ["contrat", "-annee"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "annee"], name="rapport_annuel_unique")
        ]

    def __str__(self) -> str:
        return f"Rapport annuel {self.annee} — {self.contrat}"


class TransitionRapport(models.Model):
    """One change of a rapport's statut, written only by transitionner_rapport."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.PROTECT, related_name="transitions")
    transition = models.CharField(
        "transition", max_length=40, choices=CodeTransitionRapport.choices
    )
    de = models.CharField("statut de départ", max_length=20, choices=StatutRapport.choices)
    vers = models.CharField("statut d'arrivée", max_length=20, choices=StatutRapport.choices)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="transitions_rapports"
    )
    motif = models.TextField("motif", blank=True)
    horodatage = models.DateTimeField("date et heure", default=maintenant)

    class Meta:
        verbose_name = "transition de rapport annuel"
        verbose_name_plural = "transitions de rapports annuels"
        ordering = ["rapport", "horodatage", "id"]

    def __str__(self) -> str:
        return f"{self.rapport} : {self.get_de_display()} → {self.get_vers_display()}"


class AvisRapport(models.Model):
    """The avis of one consulted body, annexed to the adopted rapport. Created "attendu"
    when the rapport is sent; still without answer at adoption, it is reputed favourable."""

    class Organe(models.TextChoices):
        CONSEIL_CITOYEN = "conseil_citoyen", "Conseil citoyen"
        CONSEIL_MUNICIPAL = "conseil_municipal", "Conseil municipal"

    class Sens(models.TextChoices):
        ATTENDU = "attendu", "Attendu"
        FAVORABLE = "favorable", "Favorable"
        RESERVES = "reserves", "Favorable avec réserves"
        DEFAVORABLE = "defavorable", "Défavorable"
        TACITE = "tacite", "Réputé favorable (pas de réponse dans le délai d'un mois)"

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="avis")
    organe = models.CharField("organe consulté", max_length=20, choices=Organe.choices)
    nom = models.CharField("nom", max_length=250)
    sens = models.CharField("avis", max_length=20, choices=Sens.choices, default=Sens.ATTENDU)
    texte = models.TextField("texte de l'avis", blank=True)
    recu_le = models.DateField("reçu le", null=True, blank=True)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="avis_rapports_saisis",
    )

    class Meta:
        verbose_name = "avis sur un rapport annuel"
        verbose_name_plural = "avis sur les rapports annuels"
        ordering = ["rapport", "organe", "nom"]
        constraints = [
            models.UniqueConstraint(fields=["rapport", "organe", "nom"], name="avis_rapport_unique")
        ]

    def __str__(self) -> str:
        return f"{self.nom} : {self.get_sens_display()}"


# A generation still waiting or running this long after it was asked for was lost: its
# worker stopped in the middle (killed, machine restarted) and nothing will finish it.
DELAI_GENERATION = timedelta(minutes=15)


class GenerationRapport(models.Model):
    """One production of the rapport's PDF and ODT, by a background task."""

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINEE = "terminee", "Terminée"
        ECHEC = "echec", "Échec"

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="generations")
    etat = models.CharField("état", max_length=20, choices=Etat.choices, default=Etat.EN_ATTENTE)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    etape = models.CharField("étape", max_length=200, blank=True)
    pdf = models.FileField("PDF", upload_to="rapports-annuels/", blank=True)
    odt = models.FileField("ODT", upload_to="rapports-annuels/", blank=True)
    # The figure its text states, kept to compare documents generated at different dates.
    nombre_actions = models.PositiveIntegerField("actions programmées", null=True, blank=True)
    erreur = models.TextField("erreur", blank=True)
    tache = models.CharField("tâche", max_length=64, blank=True)
    demandee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="generations_rapports",
    )
    demandee_le = models.DateTimeField("demandée le", default=maintenant)
    terminee_le = models.DateTimeField("terminée le", null=True, blank=True)

    class Meta:
        verbose_name = "génération d'un rapport annuel"
        verbose_name_plural = "générations des rapports annuels"
        ordering = ["rapport", "-demandee_le", "-id"]

    def __str__(self) -> str:
        return f"{self.rapport} — {self.get_etat_display()}"

    def est_perdue(self, a: datetime) -> bool:
        """Still waiting or running, at `a`, DELAI_GENERATION after it was asked for."""
        attente = self.etat in (self.Etat.EN_ATTENTE, self.Etat.EN_COURS)
        return attente and self.demandee_le < a - DELAI_GENERATION

    @staticmethod
    def motif_d_abandon() -> str:
        return (
            "La génération n'a pas abouti dans le délai de "
            f"{DELAI_GENERATION.seconds // 60} minutes : elle est abandonnée."
        )
