"""Routes of the bodies' meetings."""

from django.urls import path

from gouvernance import views, views_conseil, views_instances

app_name = "gouvernance"

CONTRAT = "contrats/<slug:slug>/gouvernance/"
SEANCE = "reunions/<int:pk>/"

urlpatterns = [
    path(CONTRAT + "reunions.ics", views.calendrier, name="calendrier"),
    path(CONTRAT + "frequences/", views.frequences, name="frequences"),
    path(CONTRAT + "reunions/", views.reunions, name="reunions"),
    path(CONTRAT + "reunions/nouvelle/", views.nouvelle_reunion, name="nouvelle_reunion"),
    path(SEANCE, views.seance, name="seance"),
    path(SEANCE + "points/", views.ajouter_point, name="ajouter_point"),
    path(SEANCE + "points/<int:point>/retirer/", views.retirer_point, name="retirer_point"),
    path(SEANCE + "points/<int:point>/decision/", views.decider, name="decider"),
    path(SEANCE + "convoquer/", views.convoquer, name="convoquer"),
    path(SEANCE + "tenir/", views.tenir, name="tenir"),
    path(SEANCE + "annuler/", views.annuler, name="annuler"),
    path(SEANCE + "presences/", views.presences, name="presences"),
    path(SEANCE + "releve/publier/", views.publier_releve, name="publier_releve"),
    path(SEANCE + "releve.pdf", views.releve_pdf, name="releve_pdf"),
    path(SEANCE + "documents/", views.joindre_document, name="joindre_document"),
    path("reunions/documents/<int:pk>/", views.document, name="document"),
]

INSTANCE = CONTRAT + "instances/<slug:code>/"

urlpatterns += [
    path(INSTANCE, views_instances.instance, name="instance"),
    path(INSTANCE + "membres/", views_instances.ajouter_membre, name="instance_membre"),
    path(INSTANCE + "fin-de-mandat/", views_instances.terminer_mandat, name="instance_fin_mandat"),
]

CONSEIL = CONTRAT + "conseil-citoyen/"

urlpatterns += [
    path(CONSEIL, views_conseil.conseil, name="conseil_citoyen"),
    path(CONSEIL + "membres/", views_conseil.ajouter_membre, name="conseil_citoyen_membre"),
    path(
        CONSEIL + "fin-de-mandat/",
        views_conseil.terminer_mandat,
        name="conseil_citoyen_fin_mandat",
    ),
    path(CONSEIL + "charte/", views_conseil.adopter_charte, name="conseil_citoyen_charte"),
    path(
        CONSEIL + "charte/fichier/",
        views_conseil.fichier_charte,
        name="conseil_citoyen_charte_fichier",
    ),
]
