"""Meetings of the contract's bodies (Article 3 §1), their members, agenda, attendance and
decisions.

What a meeting examines or decides (a dossier, a bilan, an engagement, an avenant…) is
reached through a generic link, so that governance never imports the apps that come after
it (ARCHITECTURE.md).
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from contrats.models import Instance, Organisation
from historique.horloge import maintenant


class MembreInstance(models.Model):
    """Who sits in a body, from when to when: an organisation, a person, or a person for an
    organisation. A person may also be linked to their account (for the convocations)."""

    class Role(models.TextChoices):
        PRESIDENT = "president", "Président"
        CO_ANIMATEUR = "co_animateur", "Co-animateur"
        MEMBRE = "membre", "Membre"
        INVITE = "invite", "Invité"

    class College(models.TextChoices):
        HABITANTS = "habitants", "Collège des habitants"
        ACTEURS_LOCAUX = "acteurs_locaux", "Collège des acteurs locaux"

    class Sexe(models.TextChoices):
        FEMME = "F", "Femme"
        HOMME = "H", "Homme"

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="membres")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sieges",
        verbose_name="organisation",
    )
    nom = models.CharField("nom de la personne", max_length=200, blank=True)
    qualite = models.CharField("qualité", max_length=250, blank=True)
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sieges",
        verbose_name="compte",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.MEMBRE)
    college = models.CharField("collège", max_length=20, choices=College.choices, blank=True)
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices, blank=True)
    tire_au_sort = models.BooleanField("tiré au sort", default=False)
    date_debut = models.DateField("début du mandat")
    date_fin = models.DateField("fin du mandat", null=True, blank=True)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "membre d'une instance"
        verbose_name_plural = "membres des instances"
        ordering = ["instance", "role", "organisation__nom", "nom", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | ~models.Q(nom=""),
                name="membre_organisation_ou_personne",
            ),
            models.CheckConstraint(
                condition=models.Q(date_fin__isnull=True)
                | models.Q(date_fin__gte=models.F("date_debut")),
                name="membre_fin_apres_debut",
            ),
        ]

    def __str__(self) -> str:
        if self.nom and self.organisation_id:
            return f"{self.nom} ({self.organisation.nom})"
        return self.nom or self.organisation.nom


class Seance(models.Model):
    """A meeting of one body: convened, held (or cancelled), its relevé published."""

    class Statut(models.TextChoices):
        PREVUE = "prevue", "En préparation"
        CONVOQUEE = "convoquee", "Convoquée"
        TENUE = "tenue", "Tenue"
        ANNULEE = "annulee", "Annulée"

    instance = models.ForeignKey(Instance, on_delete=models.PROTECT, related_name="seances")
    date = models.DateField("date")
    heure_debut = models.TimeField("heure de début", null=True, blank=True)
    heure_fin = models.TimeField("heure de fin", null=True, blank=True)
    titre = models.CharField("titre", max_length=250)
    lieu = models.CharField("lieu", max_length=250, blank=True)
    lien_visio = models.URLField("lien de visioconférence", blank=True)
    ordre_du_jour = models.TextField("présentation de l'ordre du jour", blank=True)
    compte_rendu = models.TextField("compte rendu", blank=True)
    statut = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.PREVUE
    )
    convoquee_le = models.DateTimeField("convoquée le", null=True, blank=True)
    releve_publie_le = models.DateTimeField("relevé publié le", null=True, blank=True)
    version = models.PositiveIntegerField("version", default=1)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "séance"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["instance", "statut", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(heure_fin__isnull=True)
                | models.Q(heure_debut__isnull=False, heure_fin__gt=models.F("heure_debut")),
                name="seance_fin_apres_debut",
            ),
            models.CheckConstraint(
                condition=models.Q(releve_publie_le__isnull=True) | models.Q(statut="tenue"),
                name="seance_releve_d_une_seance_tenue",
            ),
        ]

    def __str__(self) -> str:
        return self.titre

    @property
    def tenue(self) -> bool:
        return self.statut == self.Statut.TENUE


class PointOrdreDuJour(models.Model):
    """One item of a meeting's agenda, optionally about one object of the contract."""

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="points")
    ordre = models.PositiveSmallIntegerField("ordre")
    intitule = models.CharField("intitulé", max_length=300)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    objet = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["seance", "ordre"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["seance", "ordre"], name="point_ordre_unique"),
            models.UniqueConstraint(
                fields=["seance", "content_type", "object_id"],
                condition=models.Q(content_type__isnull=False),
                name="point_objet_une_fois_par_seance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ordre}. {self.intitule}"


def chemin_document_seance(instance: "DocumentSeance", nom_original: str) -> str:
    """Stored under a generated name: the name a user gave never reaches the file system."""
    extension = Path(nom_original).suffix.lower()[:10]
    return f"seances/{instance.seance_id}/{uuid.uuid4().hex}{extension}"


class DocumentSeance(models.Model):
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="documents")
    titre = models.CharField("titre", max_length=250)
    fichier = models.FileField("fichier", upload_to=chemin_document_seance, max_length=200)
    nom_original = models.CharField("nom du fichier déposé", max_length=250)
    taille = models.PositiveIntegerField("taille (octets)")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    ajoute_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="documents_de_seance"
    )
    ajoute_le = models.DateTimeField("ajouté le", default=maintenant)

    class Meta:
        verbose_name = "document de séance"
        verbose_name_plural = "documents de séance"
        ordering = ["seance", "ajoute_le", "id"]

    def __str__(self) -> str:
        return self.titre


class Presence(models.Model):
    class Etat(models.TextChoices):
        PRESENT = "present", "Présent"
        EXCUSE = "excuse", "Excusé"
        REPRESENTE = "represente", "Représenté"
        ABSENT = "absent", "Absent"

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="presences")
    membre = models.ForeignKey(MembreInstance, on_delete=models.PROTECT, related_name="presences")
    etat = models.CharField("présence", max_length=20, choices=Etat.choices)
    represente_par = models.CharField("représenté par", max_length=200, blank=True)

    class Meta:
        verbose_name = "présence"
        ordering = ["seance", "membre"]
        constraints = [
            models.UniqueConstraint(fields=["seance", "membre"], name="presence_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(etat="represente") & ~models.Q(represente_par="")
                    | ~models.Q(etat="represente") & models.Q(represente_par="")
                ),
                name="presence_representant_si_represente",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membre} · {self.get_etat_display()}"


class Decision(models.Model):
    """What a meeting decided: on one object (a dossier, a bilan…, via the generic link),
    on one agenda item, or both."""

    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="decisions")
    point = models.ForeignKey(
        PointOrdreDuJour,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="point de l'ordre du jour",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    objet = GenericForeignKey("content_type", "object_id")
    objet_libelle = models.CharField("objet", max_length=300)
    decision = models.CharField("décision", max_length=40)
    decision_libelle = models.CharField("libellé de la décision", max_length=300)
    motif = models.TextField("motif", blank=True)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="decisions"
    )
    horodatage = models.DateTimeField("date et heure", default=maintenant)

    class Meta:
        verbose_name = "décision"
        ordering = ["seance", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(content_type__isnull=False) | models.Q(point__isnull=False),
                name="decision_sur_un_objet_ou_un_point",
            )
        ]

    def __str__(self) -> str:
        return f"{self.objet_libelle} : {self.decision_libelle}"


def chemin_charte(instance: "CharteConseilCitoyen", nom_original: str) -> str:
    """Stored under a generated name, like the meetings' documents."""
    extension = Path(nom_original).suffix.lower()[:10]
    return f"chartes/{instance.instance_id}/{uuid.uuid4().hex}{extension}"


class CharteConseilCitoyen(models.Model):
    """The charter (cadre de référence) a conseil citoyen adopts for its own working
    (loi n° 2014-173 du 21 février 2014, art. 7; the contract, Article 2 §2.1). One per
    conseil citoyen; adopting a revised charter replaces it and raises its version."""

    instance = models.OneToOneField(
        Instance,
        on_delete=models.CASCADE,
        related_name="charte",
        limit_choices_to={"nature": Instance.Nature.CONSEIL_CITOYEN},
        verbose_name="conseil citoyen",
    )
    texte = models.TextField("texte de la charte")
    adoptee_le = models.DateField("adoptée le")
    fichier = models.FileField("fichier", upload_to=chemin_charte, max_length=200, blank=True)
    nom_original = models.CharField("nom du fichier déposé", max_length=250, blank=True)
    version = models.PositiveIntegerField("version", default=1)
    est_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "charte du conseil citoyen"
        verbose_name_plural = "chartes des conseils citoyens"

    def __str__(self) -> str:
        return f"Charte — {self.instance.nom}"
