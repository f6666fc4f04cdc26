"""The bilan of a funded action (compte rendu financier, CERFA 15059) and what follows it.

Article 3 §1.5 of the contract asks each action financed to report every year: one
`Bilan` per funded dossier (its call's year is the financial year), entered once by the
porteur and read by every financeur of the dossier. Its three sheets: the bilan
qualitatif (fields of `Bilan`, real beneficiaries in `BeneficiairesBilan`), the table of
figures (`LigneBilan`, real amounts per account against the provisional budget) and the
attestation. Its statut changes only through suivi.services.bilans.transitionner_bilan,
which writes the typed log `TransitionBilan`.
"""

from django.conf import settings
from django.db import models

from historique.horloge import maintenant
from programmation.models import Beneficiaires, CompteBudget, Convention, Dossier, LigneBudget


class StatutBilan(models.TextChoices):
    ATTENDU = "attendu", "Attendu"
    DEPOSE = "depose", "Déposé"
    A_CORRIGER = "a_corriger", "À corriger par le porteur"
    VALIDE = "valide", "Validé"


class CodeTransitionBilan(models.TextChoices):
    DEPOSER = "deposer", "Déposer le bilan"
    ATTESTER_NON_REALISATION = "attester_non_realisation", "Attester la non-réalisation"
    DEMANDER_CORRECTIONS = "demander_corrections", "Demander des corrections"
    VALIDER = "valider", "Valider le bilan"


class Bilan(models.Model):
    class Nature(models.TextChoices):
        COMPLET = "complet", "Bilan de l'action réalisée"
        NON_REALISATION = "non_realisation", "Attestation de non-réalisation"

    class Recommandation(models.TextChoices):
        POURSUIVRE = "poursuivre", "Poursuivre l'action"
        REORIENTER = "reorienter", "Réorienter l'action"
        ARRETER = "arreter", "Arrêter l'action"

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="bilan")
    annee = models.PositiveSmallIntegerField("exercice")
    statut = models.CharField(
        "statut", max_length=20, choices=StatutBilan.choices, default=StatutBilan.ATTENDU
    )
    nature = models.CharField("nature", max_length=20, choices=Nature.choices, blank=True)
    date_limite = models.DateField("à déposer avant le")
    # Bilan qualitatif.
    realisation = models.TextField("ce qui a été réalisé", blank=True)
    dates_et_lieux = models.TextField("dates et lieux de réalisation", blank=True)
    resultats = models.TextField("résultats au regard des indicateurs de l'action", blank=True)
    partenaires = models.TextField("partenaires mobilisés", blank=True)
    difficultes = models.TextField("difficultés rencontrées", blank=True)
    recommandation = models.CharField(
        "recommandation du porteur", max_length=20, choices=Recommandation.choices, blank=True
    )
    # Attestation.
    signataire = models.CharField("nom et qualité du signataire", max_length=250, blank=True)
    atteste = models.BooleanField("attestation sur l'honneur", default=False)
    motif_decision = models.TextField("motif de la dernière décision", blank=True)
    depose_le = models.DateTimeField("déposé le", null=True, blank=True)
    valide_le = models.DateTimeField("validé le", null=True, blank=True)
    cree_le = models.DateTimeField("créé le", default=maintenant)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "bilan"
        ordering = ["-annee", "dossier__numero"]

    def __str__(self) -> str:
        return f"Bilan {self.annee} du dossier {self.dossier.numero}"


class BeneficiairesBilan(models.Model):
    """Real beneficiaries of one age band, by sex, and how many live in the QPV."""

    Tranche = Beneficiaires.Tranche

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="beneficiaires")
    tranche = models.CharField("tranche d'âge", max_length=6, choices=Tranche.choices)
    femmes = models.PositiveIntegerField("femmes", default=0)
    hommes = models.PositiveIntegerField("hommes", default=0)
    residents_qpv = models.PositiveIntegerField("dont résidents du quartier prioritaire", default=0)

    class Meta:
        verbose_name = "bénéficiaires réels d'une tranche d'âge"
        verbose_name_plural = "bénéficiaires réels"
        ordering = ["bilan", "tranche"]
        constraints = [
            models.UniqueConstraint(fields=["bilan", "tranche"], name="beneficiaires_bilan_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_tranche_display()} : {self.femmes} F / {self.hommes} H"


class LigneBilan(models.Model):
    """A real charge or product of one account, with why it departs from the provisional one."""

    Sens = LigneBudget.Sens

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="lignes")
    sens = models.CharField("sens", max_length=10, choices=Sens.choices)
    compte = models.CharField("compte", max_length=2, choices=CompteBudget.choices)
    realise = models.DecimalField("montant réalisé", max_digits=12, decimal_places=2)
    explication = models.TextField("explication de l'écart (annexe)", blank=True)

    class Meta:
        verbose_name = "ligne du compte rendu financier"
        verbose_name_plural = "lignes du compte rendu financier"
        ordering = ["bilan", "sens", "compte"]
        constraints = [
            models.UniqueConstraint(fields=["bilan", "sens", "compte"], name="ligne_bilan_unique"),
            models.CheckConstraint(
                condition=models.Q(realise__gte=0), name="ligne_bilan_realise_positif"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_compte_display()} : {self.realise}"


class TransitionBilan(models.Model):
    """One change of a bilan's statut, written only by transitionner_bilan."""

    bilan = models.ForeignKey(Bilan, on_delete=models.PROTECT, related_name="transitions")
    transition = models.CharField("transition", max_length=40, choices=CodeTransitionBilan.choices)
    de = models.CharField("statut de départ", max_length=20, choices=StatutBilan.choices)
    vers = models.CharField("statut d'arrivée", max_length=20, choices=StatutBilan.choices)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="transitions_bilans"
    )
    motif = models.TextField("motif", blank=True)
    horodatage = models.DateTimeField("date et heure", default=maintenant)

    class Meta:
        verbose_name = "transition de bilan"
        verbose_name_plural = "transitions de bilans"
        ordering = ["bilan", "horodatage", "id"]

    def __str__(self) -> str:
        return f"{self.bilan} : {self.get_de_display()} → {self.get_vers_display()}"


class OrdreDeReversement(models.Model):
    """What the structure must pay back on a convention when the action did not take place."""

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="ordres_de_reversement"
    )
    bilan = models.ForeignKey(Bilan, on_delete=models.PROTECT, related_name="ordres_de_reversement")
    montant = models.DecimalField("montant à reverser", max_digits=12, decimal_places=2)
    date = models.DateField("date de l'ordre")
    motif = models.TextField("motif")
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="ordres_de_reversement"
    )

    class Meta:
        verbose_name = "ordre de reversement"
        verbose_name_plural = "ordres de reversement"
        ordering = ["convention", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(montant__gt=0), name="ordre_reversement_positif"
            )
        ]

    def __str__(self) -> str:
        return f"Ordre de reversement — convention {self.convention.numero}"


class ReportDeDates(models.Model):
    """The porteur asks to move the action's dates; the pilotage accepts or refuses."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente de décision"
        ACCEPTE = "accepte", "Accepté"
        REFUSE = "refuse", "Refusé"

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="reports")
    date_debut = models.DateField("nouveau début de l'action")
    date_fin = models.DateField("nouvelle fin de l'action")
    motif = models.TextField("motif de la demande")
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE
    )
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="reports_demandes"
    )
    demande_le = models.DateTimeField("demandé le", default=maintenant)
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="reports_decides",
    )
    decide_le = models.DateTimeField("décidé le", null=True, blank=True)
    motif_decision = models.TextField("motif de la décision", blank=True)

    class Meta:
        verbose_name = "demande de report de dates"
        verbose_name_plural = "demandes de report de dates"
        ordering = ["bilan", "demande_le", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_fin__gte=models.F("date_debut")),
                name="report_dates_ordonnees",
            )
        ]

    def __str__(self) -> str:
        return f"Report demandé pour {self.bilan}"


class RelanceBilan(models.Model):
    """A reminder sent to the porteurs of a bilan: once per bilan and per threshold."""

    class Seuil(models.TextChoices):
        ECHEANCE_PROCHE = "echeance_proche", "Échéance dans moins de 30 jours"
        EN_RETARD = "en_retard", "Échéance dépassée"

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="relances")
    seuil = models.CharField("seuil", max_length=20, choices=Seuil.choices)
    envoyee_le = models.DateTimeField("envoyée le", default=maintenant)

    class Meta:
        verbose_name = "relance de bilan"
        verbose_name_plural = "relances de bilans"
        constraints = [
            models.UniqueConstraint(fields=["bilan", "seuil"], name="relance_bilan_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_seuil_display()} — {self.bilan}"
