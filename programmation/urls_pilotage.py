"""Routes of the pilotage: calls, instruction, committees, conventions and payments."""

from django.urls import path

from programmation.views import avis_conseil_citoyen as avis_cc
from programmation.views import conventions_pluriannuelles as cpo
from programmation.views import pilotage as v

APPEL = "contrats/<slug:slug>/appels/<int:annee>/"

urlpatterns = [
    path("contrats/<slug:slug>/appels/nouveau/", v.appel_nouveau, name="appel_nouveau"),
    path(
        "contrats/<slug:slug>/programmation/conventions-pluriannuelles/",
        cpo.conventions_pluriannuelles,
        name="conventions_pluriannuelles",
    ),
    path(APPEL + "modifier/", v.appel_modifier, name="appel_modifier"),
    path(APPEL + "enveloppes/", v.appel_enveloppes, name="appel_enveloppes"),
    path(APPEL + "publier/", v.appel_publier, name="appel_publier"),
    path(APPEL + "dossiers/", v.dossiers_appel, name="dossiers_appel"),
    path(APPEL + "dossiers.<str:format>", v.dossiers_appel_export, name="dossiers_appel_export"),
    path(
        APPEL + "instruction/lancer/",
        v.mettre_en_instruction_lot,
        name="mettre_en_instruction_lot",
    ),
    path(APPEL + "comite-recevabilite/", v.comite_recevabilite, name="comite_recevabilite"),
    path(APPEL + "comite-pilotage/", v.comite_pilotage, name="comite_pilotage"),
    path(APPEL + "avis-conseil-citoyen/", avis_cc.avis, name="avis_conseil_citoyen"),
    path(
        APPEL + "avis-conseil-citoyen/consulter/",
        avis_cc.consulter,
        name="avis_conseil_citoyen_consulter",
    ),
    path("financements/<int:pk>/avis/", v.financement_avis, name="financement_avis"),
    path("financements/<int:pk>/accord/", v.financement_accord, name="financement_accord"),
    path("conventions/<int:pk>/pdf/", v.convention_pdf, name="convention_pdf"),
    path("conventions/<int:pk>/paiements/", v.convention_paiements, name="convention_paiements"),
]
