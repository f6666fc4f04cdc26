"""The evaluation referential (Article 3 §1.5: "un référentiel à élaborer avec les porteurs
et les partenaires"): result indicators per operational objective or per action of the
plan, each with its baseline and target, and their measures.

A measure is entered (`MesureIndicateur`) or, for the indicators whose `calcul` names a
figure of the bilans, computed each year from the validated bilans of the actions the
indicator covers (suivi.selectors.referentiel); both show against the target.
"""

from django.conf import settings
from django.db import models

from contrats.models import Contrat, FicheAction, ObjectifOperationnel
from historique.horloge import maintenant


class IndicateurResultat(models.Model):
    class Sens(models.TextChoices):
        HAUSSE = "hausse", "À augmenter"
        BAISSE = "baisse", "À réduire"

    class Calcul(models.TextChoices):
        SAISIE = "saisie", "Mesures saisies"
        BENEFICIAIRES = "beneficiaires", "Bénéficiaires réels (bilans validés)"
        BENEFICIAIRES_FEMMES = "beneficiaires_femmes", "Bénéficiaires femmes (bilans validés)"
        PART_QPV = "part_qpv", "Part des bénéficiaires résidant en QPV (bilans validés)"
        ACTIONS_REALISEES = "actions_realisees", "Actions réalisées (bilans validés)"

    contrat = models.ForeignKey(
        Contrat, on_delete=models.CASCADE, related_name="indicateurs_resultat"
    )
    objectif = models.ForeignKey(
        ObjectifOperationnel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicateurs_resultat",
        verbose_name="objectif opérationnel",
    )
    action = models.ForeignKey(
        FicheAction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicateurs_resultat",
        verbose_name="action du plan",
    )
    code = models.SlugField("code", max_length=60)
    libelle = models.CharField("libellé", max_length=300)
    unite = models.CharField("unité", max_length=40)
    valeur_reference = models.DecimalField(
        "valeur de référence", max_digits=14, decimal_places=2, null=True, blank=True
    )
    date_reference = models.DateField("date de la valeur de référence", null=True, blank=True)
    valeur_cible = models.DecimalField("cible", max_digits=14, decimal_places=2)
    date_cible = models.DateField("échéance de la cible")
    sens = models.CharField("sens attendu", max_length=10, choices=Sens.choices)
    source = models.CharField("source", max_length=250, blank=True)
    mesure_par = models.CharField("qui mesure", max_length=250, blank=True)
    calcul = models.CharField(
        "mesures", max_length=30, choices=Calcul.choices, default=Calcul.SAISIE
    )
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "indicateur de résultat"
        verbose_name_plural = "indicateurs de résultat"
        ordering = ["contrat", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "code"], name="indicateur_resultat_code"),
            # An indicator measures one operational objective or one action, never both.
            models.CheckConstraint(
                condition=(
                    models.Q(objectif__isnull=False, action__isnull=True)
                    | models.Q(objectif__isnull=True, action__isnull=False)
                ),
                name="indicateur_resultat_objectif_ou_action",
            ),
        ]

    def __str__(self) -> str:
        return self.libelle


class MesureIndicateur(models.Model):
    """A value of an indicator at a date, entered by whoever the referential names."""

    indicateur = models.ForeignKey(
        IndicateurResultat, on_delete=models.CASCADE, related_name="mesures"
    )
    date = models.DateField("date de la mesure")
    valeur = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    commentaire = models.TextField("commentaire", blank=True)
    saisie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mesures_saisies",
    )
    saisie_le = models.DateTimeField("saisie le", default=maintenant)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "mesure d'un indicateur"
        verbose_name_plural = "mesures des indicateurs"
        ordering = ["indicateur", "date"]
        constraints = [
            models.UniqueConstraint(fields=["indicateur", "date"], name="mesure_une_par_date")
        ]

    def __str__(self) -> str:
        return f"{self.indicateur} au {self.date:%d/%m/%Y} : {self.valeur}"
