"""Who may read and act on programmation data: the only module that looks at roles.

For each object, the predicate (may this person read this dossier?) and the queryset
(which dossiers of this call may they read?) sit side by side and state the same rule,
so that a list never shows a link its page would refuse. Selectors, views, templates and
services ask here; none of them tests a role.

Every function takes the person (`qui`) either as a user or, when the caller already read
them for this contract, as their `Droits`, which saves a query per check on long pages.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from comptes.models import Role, Utilisateur
from contrats.models import Contrat, Habilitation, Instance, Invitation, Organisation
from contrats.selectors import Droits, droits
from gouvernance.permissions import est_examine_par, filtre_examines_par
from historique.horloge import aujourdhui
from programmation.models import (
    AppelAProjets,
    AvisProgrammation,
    Convention,
    ConventionPluriannuelle,
    DemandeAdhesion,
    Dossier,
    Enveloppe,
    Financement,
    LigneBudget,
    SectionDossier,
    Statut,
)
from programmation.models.pieces import DocumentStructure
from programmation.models.structures import Structure
from programmation.selectors.pieces import documents_du_dossier

Qui = Utilisateur | Droits


def droits_de(qui: Qui, contrat: Contrat) -> Droits:
    return qui if isinstance(qui, Droits) else droits(qui, contrat)


# ---------------------------------------------------------------- the contract's pilotage


def pilote(d: Droits) -> bool:
    """The city's project team and the State co-steer the contract (Article 3 §1)."""
    return d.a(Role.PILOTE, Role.ETAT)


def peut_piloter(qui: Qui, contrat: Contrat) -> bool:
    return pilote(droits_de(qui, contrat))


def voit_les_appels_non_publies(qui: Qui, contrat: Contrat) -> bool:
    return peut_piloter(qui, contrat)


def agit_comme_financeur(d: Droits) -> bool:
    return bool(d.organisations_pour(Role.FINANCEUR))


def siege_dans_une_instance(d: Droits) -> bool:
    return d.a(Role.MEMBRE)


# ---------------------------------------------------------------- porteurs


def organisations_porteuses(d: Droits) -> frozenset[int]:
    return d.organisations_pour(Role.PORTEUR)


def est_porteur_du_dossier(d: Droits, dossier: Dossier) -> bool:
    return dossier.structure.organisation_id in organisations_porteuses(d)


def peut_agir_pour_structure(d: Droits, organisation_id: int) -> bool:
    return organisation_id in organisations_porteuses(d)


def accede_a_l_espace_porteur(utilisateur: Utilisateur, d: Droits) -> bool:
    """A logged-in newcomer with no role yet is a future porteur: registering a structure
    is how associations join the call."""
    nouveau_venu = utilisateur.is_authenticated and not d.roles
    return bool(organisations_porteuses(d)) or nouveau_venu


def gere_les_membres_de(utilisateur: Utilisateur, structure: Structure, contrat: Contrat) -> bool:
    """Who lets people act for a structure (accepts requests, invites colleagues): its
    référent, while it still acts for it; for a structure registered before référents,
    its porteurs."""
    if not peut_agir_pour_structure(droits(utilisateur, contrat), structure.organisation_id):
        return False
    return structure.referent_id in (None, utilisateur.pk)


def peut_traiter_adhesion(utilisateur: Utilisateur, demande: DemandeAdhesion) -> bool:
    return gere_les_membres_de(utilisateur, demande.structure, demande.contrat)


def porteurs_de_la_structure(structure: Structure, contrat: Contrat) -> QuerySet[Habilitation]:
    """The roles through which people act for the structure in this contract."""
    return Habilitation.objects.filter(
        contrat=contrat, role=Role.PORTEUR, organisation_id=structure.organisation_id
    )


def invitations_de_collegues(structure: Structure, contrat: Contrat) -> QuerySet[Invitation]:
    """Pending invitations to act for the structure, sent by its référent."""
    return Invitation.objects.filter(
        contrat=contrat,
        role=Role.PORTEUR,
        organisation_id=structure.organisation_id,
        statut=Invitation.Statut.EN_ATTENTE,
    )


def adhesions_a_traiter(utilisateur: Utilisateur, contrat: Contrat) -> QuerySet[DemandeAdhesion]:
    """Pending requests this person decides on: the same rule as peut_traiter_adhesion."""
    organisations = organisations_porteuses(droits(utilisateur, contrat))
    return DemandeAdhesion.objects.filter(
        contrat=contrat,
        statut=DemandeAdhesion.Statut.EN_ATTENTE,
        structure__organisation__in=organisations,
    ).filter(Q(structure__referent=utilisateur) | Q(structure__referent__isnull=True))


# ---------------------------------------------------------------- dossiers


def financeurs_sollicites(dossier: Dossier) -> set[int]:
    """Organisations the dossier asks money from, in its budget or its instruction."""
    budget = LigneBudget.objects.filter(
        dossier=dossier, sens=LigneBudget.Sens.PRODUIT, financeur__isnull=False
    ).values_list("financeur_id", flat=True)
    instruits = Financement.objects.filter(dossier=dossier).values_list("financeur_id", flat=True)
    return set(budget) | set(instruits)


def _examine_par_ses_instances(d: Droits, dossier: Dossier) -> bool:
    """A membre reads the dossiers the bodies they sit in examine, and no other."""
    return d.a(Role.MEMBRE) and est_examine_par(d.instances, dossier)


def peut_lire_dossier(qui: Qui, dossier: Dossier) -> bool:
    d = droits_de(qui, dossier.appel.contrat)
    if pilote(d) or est_porteur_du_dossier(d, dossier):
        return True
    if dossier.statut == Statut.BROUILLON:
        return False
    if _examine_par_ses_instances(d, dossier):
        return True
    return bool(d.organisations_pour(Role.FINANCEUR) & financeurs_sollicites(dossier))


def dossiers_lisibles(qui: Qui, appel: AppelAProjets) -> QuerySet[Dossier]:
    """The call's dossiers this person may read: the same rule as peut_lire_dossier."""
    d = droits_de(qui, appel.contrat)
    dossiers = Dossier.objects.filter(appel=appel)
    if pilote(d):
        return dossiers
    lisibles = Q(structure__organisation__in=organisations_porteuses(d))
    depose = ~Q(statut=Statut.BROUILLON)
    if d.a(Role.MEMBRE):
        lisibles |= depose & filtre_examines_par(d.instances, Dossier)
    organisations = d.organisations_pour(Role.FINANCEUR)
    if organisations:
        budget = LigneBudget.objects.filter(
            dossier=OuterRef("pk"), sens=LigneBudget.Sens.PRODUIT, financeur__in=organisations
        )
        instruits = Financement.objects.filter(dossier=OuterRef("pk"), financeur__in=organisations)
        lisibles |= (Exists(budget) | Exists(instruits)) & depose
    return dossiers.filter(lisibles)


def dossiers_instruits(qui: Qui, appel: AppelAProjets) -> QuerySet[Dossier]:
    """What the instruction board lists: the readable dossiers once submitted."""
    return dossiers_lisibles(qui, appel).exclude(statut=Statut.BROUILLON)


def sections_modifiables(qui: Qui, dossier: Dossier) -> frozenset[str]:
    """What the porteur may change: all of a draft; of a dossier à compléter, what was asked."""
    d = droits_de(qui, dossier.appel.contrat)
    if not est_porteur_du_dossier(d, dossier):
        return frozenset()
    if dossier.statut == Statut.BROUILLON:
        return frozenset(SectionDossier.values)
    if dossier.statut == Statut.A_COMPLETER:
        demande = dossier.demandes_complements.filter(satisfaite_le__isnull=True).first()
        return frozenset(demande.sections) if demande else frozenset()
    return frozenset()


def peut_modifier_dossier(qui: Qui, dossier: Dossier, section: str) -> bool:
    return section in sections_modifiables(qui, dossier)


MOTIF_DEPORT = (
    "Vous êtes membre de la structure qui porte ce dossier : vous vous déportez de son "
    "instruction, des décisions et des paiements qui le concernent."
)


def en_deport(d: Droits, dossier: Dossier) -> bool:
    """A member of the structure porteuse never judges its own dossier, whatever their other
    roles: no avis, no decision, no instruction, no payment (conflict of interest)."""
    return est_porteur_du_dossier(d, dossier)


def peut_transitionner(d: Droits, roles: frozenset[str], dossier: Dossier) -> bool:
    """Whether these rights hold one of a transition's roles *for this dossier*.

    A porteur acts only on its structure's dossiers, a financeur only on dossiers
    that ask its organisation; pilote and État act on every dossier of the contract,
    except those of a structure they belong to (déport).
    """
    if Role.PORTEUR in roles and est_porteur_du_dossier(d, dossier):
        return True
    return not en_deport(d, dossier) and _transitionne_sans_deport(d, roles, dossier)


def deporte_pour_transitionner(d: Droits, roles: frozenset[str], dossier: Dossier) -> bool:
    """Refused only because they belong to the structure: the screen says so."""
    return (
        Role.PORTEUR not in roles
        and en_deport(d, dossier)
        and _transitionne_sans_deport(d, roles, dossier)
    )


def _transitionne_sans_deport(d: Droits, roles: frozenset[str], dossier: Dossier) -> bool:
    if d.a(*(roles & {Role.PILOTE, Role.ETAT})):
        return True
    return Role.FINANCEUR in roles and bool(
        d.organisations_pour(Role.FINANCEUR) & financeurs_sollicites(dossier)
    )


def voit_l_instruction(d: Droits) -> bool:
    """Avis and comments are for the partners; the porteur sees amounts asked and granted."""
    return pilote(d) or d.a(Role.FINANCEUR, Role.MEMBRE)


def _pilote_ou_membre(d: Droits) -> bool:
    return pilote(d) or d.a(Role.MEMBRE)


def voit_le_tableau(qui: Qui, contrat: Contrat) -> bool:
    d = droits_de(qui, contrat)
    return _pilote_ou_membre(d) or bool(d.organisations_pour(Role.FINANCEUR))


# ---------------------------------------------------------------- financements and envelopes


def peut_instruire(d: Droits, financement: Financement) -> bool:
    """The financeur's own agents give its avis; the État and the commune through their roles.
    Nobody instructs a dossier of their own structure (déport)."""
    return not en_deport(d, financement.dossier) and _instruit_sans_deport(d, financement)


def deporte_pour_instruire(d: Droits, financement: Financement) -> bool:
    """Refused only because they belong to the structure: the screen says so."""
    return en_deport(d, financement.dossier) and _instruit_sans_deport(d, financement)


def _instruit_sans_deport(d: Droits, financement: Financement) -> bool:
    if financement.financeur_id in d.organisations_pour(Role.FINANCEUR):
        return True
    type_financeur = financement.financeur.type
    if type_financeur == Organisation.Type.ETAT:
        return d.a(Role.ETAT)
    if type_financeur == Organisation.Type.COMMUNE:
        return d.a(Role.PILOTE)
    return False


def filtre_financements_instruits(d: Droits) -> Q:
    """The financements a person instructs, as a query: the same rule as peut_instruire."""
    filtre = Q(financeur__in=d.organisations_pour(Role.FINANCEUR))
    if d.a(Role.ETAT):
        filtre |= Q(financeur__type=Organisation.Type.ETAT)
    if d.a(Role.PILOTE):
        filtre |= Q(financeur__type=Organisation.Type.COMMUNE)
    return filtre & ~Q(dossier__structure__organisation__in=organisations_porteuses(d))


def peut_donner_avis(qui: Qui, financement: Financement) -> bool:
    return peut_instruire(droits_de(qui, financement.dossier.appel.contrat), financement)


def _voit_tous_les_financeurs(d: Droits) -> bool:
    return _pilote_ou_membre(d)


def enveloppes_lisibles(qui: Qui, appel: AppelAProjets) -> QuerySet[Enveloppe]:
    """Envelopes on the board: all of them for the pilotage and members, a financeur's own."""
    d = droits_de(qui, appel.contrat)
    enveloppes = Enveloppe.objects.filter(appel=appel)
    if _voit_tous_les_financeurs(d):
        return enveloppes
    return enveloppes.filter(financeur__in=d.organisations_pour(Role.FINANCEUR))


def financements_lisibles(qui: Qui, appel: AppelAProjets) -> QuerySet[Financement]:
    d = droits_de(qui, appel.contrat)
    financements = Financement.objects.filter(dossier__appel=appel)
    if _voit_tous_les_financeurs(d):
        return financements
    return financements.filter(financeur__in=d.organisations_pour(Role.FINANCEUR))


# ---------------------------------------------------------------- conventions and payments


def peut_lire_convention(d: Droits, convention: Convention) -> bool:
    """A convention binds one financeur and the structure: they and the pilotage read it."""
    financement = convention.financement
    return (
        pilote(d)
        or financement.financeur_id in d.organisations_pour(Role.FINANCEUR)
        or est_porteur_du_dossier(d, financement.dossier)
    )


def voit_les_conventions(d: Droits, dossier: Dossier) -> bool:
    """Whether the dossier page has a column of conventions for this person."""
    return pilote(d) or d.a(Role.FINANCEUR) or est_porteur_du_dossier(d, dossier)


def conventions_lisibles(d: Droits, dossier: Dossier) -> QuerySet[Convention]:
    """The dossier's conventions this person may open: the same rule as peut_lire_convention."""
    conventions = Convention.objects.filter(financement__dossier=dossier)
    if pilote(d) or est_porteur_du_dossier(d, dossier):
        return conventions
    return conventions.filter(financement__financeur__in=d.organisations_pour(Role.FINANCEUR))


def conventions_a_payer(d: Droits, contrat: Contrat) -> QuerySet[Convention]:
    """Conventions of conventionné dossiers whose payments this person records."""
    conventions = Convention.objects.filter(
        financement__dossier__appel__contrat=contrat,
        financement__dossier__statut=Statut.CONVENTIONNE,
    )
    return conventions.filter(
        Q(financement__in=Financement.objects.filter(filtre_financements_instruits(d)))
    )


def peut_payer(d: Droits, convention: Convention) -> bool:
    return peut_instruire(d, convention.financement)


# ---------------------------------------------------------------- porte-documents and receipts


def peut_gerer_porte_documents(qui: Qui, contrat: Contrat, structure: Structure | None) -> bool:
    """A structure's porteurs keep its porte-documents: add, replace, retire, download."""
    return structure is not None and peut_agir_pour_structure(
        droits_de(qui, contrat), structure.organisation_id
    )


def peut_lire_document_du_dossier(qui: Qui, dossier: Dossier, document: DocumentStructure) -> bool:
    """A porte-documents piece, through a dossier that uses it: the dossier's readers."""
    return (
        document.structure_id == dossier.structure_id
        and peut_lire_dossier(qui, dossier)
        and document.pk in documents_du_dossier(dossier, aujourdhui())
    )


def peut_lire_recepisse(qui: Qui, dossier: Dossier) -> bool:
    """The receipt of a deposit: whoever may read the dossier."""
    return peut_lire_dossier(qui, dossier)


# ---------------------------------------------------------------- the conseil citoyen's avis


def siege_au_conseil_citoyen(d: Droits, conseil_id: int | None) -> bool:
    """A membre whose body is this conseil citoyen (Habilitation.instance)."""
    return conseil_id is not None and d.a(Role.MEMBRE) and conseil_id in d.instances


def _conseil_citoyen_id(contrat: Contrat) -> int | None:
    return (
        Instance.objects.filter(contrat=contrat, nature=Instance.Nature.CONSEIL_CITOYEN)
        .order_by("ordre")
        .values_list("pk", flat=True)
        .first()
    )


def peut_consulter_le_conseil_citoyen(qui: Qui, contrat: Contrat) -> bool:
    """The pilotage sends the year's programming to the conseil citoyen."""
    return peut_piloter(qui, contrat)


def peut_saisir_avis_programmation(qui: Qui, avis: AvisProgrammation) -> bool:
    """The pilotage records the avis it received; a membre of the conseil gives it."""
    d = droits_de(qui, avis.appel.contrat)
    return pilote(d) or siege_au_conseil_citoyen(d, avis.instance_id)


def avis_programmation_public(avis: AvisProgrammation, jour) -> bool:
    """A public act annexed to the programming once received, or once reputed favourable
    (its échéance passed without answer, recorded or not yet)."""
    return avis.sens != AvisProgrammation.Sens.ATTENDU or avis.echeance < jour


def peut_lire_avis_programmation(
    qui: Qui, appel: AppelAProjets, avis: AvisProgrammation | None
) -> bool:
    """The pilotage and the conseil citoyen's membres read it all along; everyone else
    once it is public."""
    d = droits_de(qui, appel.contrat)
    if pilote(d):
        return True
    if avis is not None and avis_programmation_public(avis, aujourdhui()):
        return True
    if not d.a(Role.MEMBRE):
        return False
    conseil_id = avis.instance_id if avis is not None else _conseil_citoyen_id(appel.contrat)
    return siege_au_conseil_citoyen(d, conseil_id)


def avis_programmation_a_rendre(qui: Qui, contrat: Contrat) -> QuerySet[AvisProgrammation]:
    """The avis still awaited from the conseils citoyens this person sits in (none for
    whoever sits in none): the same rule as peut_saisir_avis_programmation for a membre."""
    d = droits_de(qui, contrat)
    avis = AvisProgrammation.objects.filter(
        appel__contrat=contrat, sens=AvisProgrammation.Sens.ATTENDU
    )
    if not d.a(Role.MEMBRE):
        return avis.none()
    return avis.filter(instance__in=d.instances)


# ---------------------------------------------------------------- conventions pluriannuelles


def peut_signer_convention_pluriannuelle(qui: Qui, contrat: Contrat) -> bool:
    """The pilotage records the multi-year agreements the financeurs sign with a structure."""
    return peut_piloter(qui, contrat)


def voit_les_conventions_pluriannuelles(qui: Qui, contrat: Contrat) -> bool:
    """The pilotage and the financeurs read them all, a porteur its structure's."""
    d = droits_de(qui, contrat)
    return pilote(d) or agit_comme_financeur(d) or bool(organisations_porteuses(d))


def conventions_pluriannuelles_lisibles(
    qui: Qui, contrat: Contrat
) -> QuerySet[ConventionPluriannuelle]:
    """The same rule as voit_les_conventions_pluriannuelles, convention by convention."""
    d = droits_de(qui, contrat)
    conventions = ConventionPluriannuelle.objects.filter(contrat=contrat)
    if pilote(d) or agit_comme_financeur(d):
        return conventions
    return conventions.filter(structure__organisation__in=organisations_porteuses(d))


# Once conventions are established (or the dossier is out), its CPO no longer changes.
STATUTS_OU_LA_CPO_CHANGE = frozenset(
    {
        Statut.BROUILLON,
        Statut.DEPOSE,
        Statut.A_COMPLETER,
        Statut.RECEVABLE,
        Statut.EN_INSTRUCTION,
        Statut.PROPOSE,
        Statut.VALIDE,
        Statut.AJOURNE,
    }
)


def peut_rattacher_convention_pluriannuelle(qui: Qui, dossier: Dossier) -> bool:
    """Its porteur, while it may edit the dossier's budget; the pilotage, until the
    conventions are established (never on a dossier of its own structure)."""
    d = droits_de(qui, dossier.appel.contrat)
    if est_porteur_du_dossier(d, dossier):
        return peut_modifier_dossier(d, dossier, SectionDossier.BUDGET)
    return pilote(d) and dossier.statut in STATUTS_OU_LA_CPO_CHANGE


def structures_porteuses_du_contrat(contrat: Contrat) -> QuerySet[Structure]:
    """The structures that act as porteurs in the contract: someone acts for them, or they
    carry one of its dossiers."""
    porteuses = Habilitation.objects.filter(contrat=contrat, role=Role.PORTEUR).values(
        "organisation_id"
    )
    return (
        Structure.objects.filter(
            Q(organisation__in=porteuses) | Q(dossiers__appel__contrat=contrat)
        )
        .select_related("organisation")
        .distinct()
    )
