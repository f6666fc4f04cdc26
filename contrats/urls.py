from django.urls import path

from contrats import views, views_avenants, views_equipe, views_generations, views_observations

app_name = "contrats"

urlpatterns = [
    path("<slug:slug>/", views.apercu, name="apercu"),
    path(
        "<slug:slug>/contrat-suivant/",
        views_generations.contrat_suivant,
        name="contrat_suivant",
    ),
    path("<slug:slug>/cadre-strategique/", views.cadre_strategique, name="cadre"),
    path(
        "<slug:slug>/cadre-strategique/objectifs/<str:numero>/",
        views.objectif,
        name="objectif",
    ),
    path("<slug:slug>/cadre-strategique/axes/<str:numero>/", views.axe, name="axe"),
    path("<slug:slug>/plan-actions/", views.plan_actions, name="plan"),
    path("<slug:slug>/diagnostic/", views.diagnostic_territorial, name="diagnostic"),
    path(
        "<slug:slug>/diagnostic/indicateurs/",
        views_observations.indicateurs,
        name="indicateurs",
    ),
    path(
        "<slug:slug>/diagnostic/indicateurs/<slug:code>/",
        views_observations.indicateur,
        name="indicateur",
    ),
    path(
        "<slug:slug>/diagnostic/indicateurs/<slug:code>/export.csv",
        views_observations.indicateur_csv,
        name="indicateur_csv",
    ),
    path(
        "<slug:slug>/diagnostic/observations/importer/",
        views_observations.importer,
        name="observations_importer",
    ),
    path(
        "<slug:slug>/diagnostic/observations/importer/confirmer/",
        views_observations.confirmer,
        name="observations_confirmer",
    ),
    path(
        "<slug:slug>/diagnostic/observations/modele.<str:format>",
        views_observations.modele,
        name="observations_modele",
    ),
    path("<slug:slug>/signataires/", views.signataires, name="signataires"),
    path("<slug:slug>/engagements/<str:numero>/", views.engagements, name="engagements"),
    path("<slug:slug>/gouvernance/", views.gouvernance, name="gouvernance"),
    path("<slug:slug>/equipe/", views_equipe.equipe_du_contrat, name="equipe"),
    path(
        "<slug:slug>/equipe/roles/<int:pk>/modifier/",
        views_equipe.modifier_role,
        name="equipe_modifier",
    ),
    path(
        "<slug:slug>/equipe/roles/<int:pk>/retirer/",
        views_equipe.retirer_role,
        name="equipe_retirer",
    ),
    path(
        "<slug:slug>/invitation/<str:jeton>/",
        views_equipe.invitation,
        name="invitation",
    ),
    path("<slug:slug>/avenants/", views_avenants.avenants, name="avenants"),
    path(
        "<slug:slug>/avenants/nouveau/",
        views_avenants.avenant_nouveau,
        name="avenant_nouveau",
    ),
    path("<slug:slug>/avenants/<int:numero>/", views_avenants.avenant, name="avenant"),
    path(
        "<slug:slug>/avenants/<int:numero>/recueil/",
        views_avenants.avenant_recueil,
        name="avenant_recueil",
    ),
    path(
        "<slug:slug>/avenants/<int:numero>/accords/",
        views_avenants.avenant_accord,
        name="avenant_accord",
    ),
    path(
        "<slug:slug>/versions/comparer/",
        views_avenants.versions_comparer,
        name="versions_comparer",
    ),
    path("<slug:slug>/versions/<int:numero>/", views_avenants.version, name="version"),
]
