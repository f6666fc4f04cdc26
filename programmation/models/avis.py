"""The avis of the conseil citoyen on a year's programming (loi n° 2014-173 du 21 février
2014, art. 7: the conseil citoyen is consulted). Like the avis on the rapport annuel, it
is "réputé favorable" when no answer came within a month of the consultation."""

import calendar
from datetime import date

from django.conf import settings
from django.db import models

from contrats.models import Instance
from programmation.models.appels import AppelAProjets


def un_mois_apres(jour: date) -> date:
    """The same day of the next month, or that month's last day when it has no such day
    (31 January → 28 or 29 February)."""
    annee, mois = (jour.year + 1, 1) if jour.month == 12 else (jour.year, jour.month + 1)
    return date(annee, mois, min(jour.day, calendar.monthrange(annee, mois)[1]))


class AvisProgrammation(models.Model):
    """One avis of the conseil citoyen on the programming of one call: created "attendu"
    when the programming is sent to it, then received, or reputed favourable after its
    échéance (services.avis_conseil_citoyen.constater_les_silences)."""

    class Sens(models.TextChoices):
        ATTENDU = "attendu", "Attendu"
        FAVORABLE = "favorable", "Favorable"
        RESERVES = "reserves", "Favorable avec réserves"
        DEFAVORABLE = "defavorable", "Défavorable"
        TACITE = "tacite", "Réputé favorable (pas de réponse dans le délai d'un mois)"

    appel = models.OneToOneField(
        AppelAProjets,
        on_delete=models.CASCADE,
        related_name="avis_conseil_citoyen",
        verbose_name="appel à projets",
    )
    instance = models.ForeignKey(
        Instance,
        on_delete=models.PROTECT,
        related_name="avis_sur_la_programmation",
        verbose_name="conseil citoyen consulté",
    )
    consulte_le = models.DateField("programmation transmise le")
    sens = models.CharField("avis", max_length=20, choices=Sens.choices, default=Sens.ATTENDU)
    texte = models.TextField("texte de l'avis", blank=True)
    recu_le = models.DateField("reçu le", null=True, blank=True)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="avis_programmation_saisis",
        verbose_name="saisi par",
    )
    version = models.PositiveIntegerField("version", default=1)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "avis du conseil citoyen sur la programmation"
        verbose_name_plural = "avis du conseil citoyen sur la programmation"
        ordering = ["appel"]
        indexes = [models.Index(fields=["sens", "consulte_le"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recu_le__isnull=True)
                | models.Q(recu_le__gte=models.F("consulte_le")),
                name="avis_programmation_recu_apres_consultation",
            ),
            models.CheckConstraint(
                condition=models.Q(sens__in=["attendu", "tacite"], recu_le__isnull=True)
                | models.Q(
                    sens__in=["favorable", "reserves", "defavorable"], recu_le__isnull=False
                ),
                name="avis_programmation_date_si_recu",
            ),
        ]

    def __str__(self) -> str:
        return f"Avis du conseil citoyen sur la programmation {self.appel.annee}"

    @property
    def echeance(self) -> date:
        """The last day of the month the conseil citoyen has to answer."""
        return un_mois_apres(self.consulte_le)
