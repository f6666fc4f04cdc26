"""Evaluations of the contract (Article 3 §1.5): the yearly follow-up, the mid-term one
(2017) and the final one (2020), each a workspace that compiles, per operational
objective, the indicators and the bilans, with the written findings (`ConstatObjectif`),
the sections the contract asks for, and a decision per action (`DecisionAction`) that the
next call for projects shows to its instructors (Article 3 §2.1: the plan adjusted after
evaluation).
"""

from django.conf import settings
from django.db import models

from contrats.models import Contrat, ObjectifOperationnel
from historique.horloge import maintenant
from programmation.models import Dossier
from suivi.models.bilans import Bilan


class Evaluation(models.Model):
    class Nature(models.TextChoices):
        ANNUELLE = "annuelle", "Suivi annuel"
        MI_PARCOURS = "mi_parcours", "Évaluation à mi-parcours"
        FINALE = "finale", "Évaluation finale"

    class Statut(models.TextChoices):
        EN_COURS = "en_cours", "En cours de rédaction"
        ARRETEE = "arretee", "Arrêtée"

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="evaluations")
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    # The years whose actions it evaluates (a yearly follow-up: one year).
    annee_debut = models.PositiveSmallIntegerField("première année évaluée")
    annee_fin = models.PositiveSmallIntegerField("dernière année évaluée")
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.EN_COURS
    )
    # The sections Article 3 §1.5 asks for.
    themes_transversaux = models.TextField("place des thématiques transversales", blank=True)
    participation_habitants = models.TextField(
        "participation des publics et des habitants", blank=True
    )
    moyens_mobilises = models.TextField("mobilisation des moyens", blank=True)
    qualite_partenariat = models.TextField("qualité du partenariat", blank=True)
    conclusions = models.TextField("conclusions et propositions", blank=True)
    cree_le = models.DateTimeField("créée le", default=maintenant)
    arretee_le = models.DateTimeField("arrêtée le", null=True, blank=True)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "évaluation"
        ordering = ["contrat", "annee_fin", "nature"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "nature", "annee_fin"], name="evaluation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(annee_debut__lte=models.F("annee_fin")),
                name="evaluation_periode_ordonnee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} {self.periode}"

    @property
    def periode(self) -> str:
        if self.annee_debut == self.annee_fin:
            return str(self.annee_fin)
        return f"{self.annee_debut}-{self.annee_fin}"


class ConstatObjectif(models.Model):
    """The written findings of an evaluation on one operational objective."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="constats")
    objectif = models.ForeignKey(
        ObjectifOperationnel, on_delete=models.CASCADE, related_name="constats"
    )
    texte = models.TextField("constats")

    class Meta:
        verbose_name = "constat sur un objectif"
        verbose_name_plural = "constats sur les objectifs"
        ordering = ["evaluation", "objectif"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "objectif"], name="constat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} : {self.objectif}"


class DecisionAction(models.Model):
    """What the evaluation decides for an evaluated action, shown to the next call's
    instructors on the dossiers that continue it."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="decisions")
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="decisions_d_evaluation"
    )
    decision = models.CharField("décision", max_length=20, choices=Bilan.Recommandation.choices)
    motif = models.TextField("motif", blank=True)
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="decisions_d_evaluation"
    )
    decide_le = models.DateTimeField("décidée le", default=maintenant)

    class Meta:
        verbose_name = "décision sur une action"
        verbose_name_plural = "décisions sur les actions"
        ordering = ["evaluation", "dossier__numero"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "dossier"], name="decision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier.numero} : {self.get_decision_display()}"
