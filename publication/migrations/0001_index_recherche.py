"""The search index: one row per published text, a full-text index, triggers to keep it.

Why triggers: the contract loader (contrats/chargement/ecriture.py), the admin,
QuerySet.update()/delete() and raw SQL all write the source tables. A trigger sees
every one of those writes, inside the same transaction, without contrats importing
publication and without any side effect hidden in save() or a signal. Existing rows
are indexed at the end of this migration.

- SQLite: an FTS5 table over `publication_documentrecherche` (external content,
  unicode61 tokenizer removing diacritics: accent- and case-insensitive), fed by
  triggers on that table.
- PostgreSQL: a generated tsvector column with a GIN index, built with two text
  search configurations using `unaccent`: `fr_unaccent` (French stemming) for whole
  words and `fr_unaccent_prefixe` (unstemmed) so that the last word of a query can
  match as a prefix.

Beware on SQLite: Django rebuilds a table (new table, copy, drop, rename) for most
AlterField/AddField/AddConstraint operations, and dropping a table drops its
triggers. A later migration that rebuilds one of the source tables below must be
followed by a publication migration that re-creates its triggers and re-indexes;
publication/tests/test_index_recherche.py fails until it is.
"""

from django.db import migrations, models

TABLE = "publication_documentrecherche"
FTS = "publication_documentrecherche_fts"
COLONNES = "nature, objet_id, contrat_id, cle, contexte, titre, texte"

# How each nature of document is read from its source tables: FROM clause, then
# the expressions of (objet_id, contrat_id, cle, contexte, titre, texte). `{liste:x}`
# stands for the text of the JSON list column x.
SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "axe": (
        "contrats_axetransversal a",
        (
            "a.id",
            "a.contrat_id",
            "a.numero",
            "''",
            "a.numero || ' ' || a.intitule",
            "a.description || ' ' || a.objectif_operationnel",
        ),
    ),
    "objectif": (
        "contrats_objectifoperationnel o"
        " JOIN contrats_domaine d ON d.id = o.domaine_id"
        " JOIN contrats_pilier p ON p.id = d.pilier_id",
        (
            "o.id",
            "p.contrat_id",
            "o.numero",
            "''",
            "o.numero || ' ' || o.intitule",
            "d.intitule || ' ' || o.description",
        ),
    ),
    "action": (
        "contrats_ficheaction f"
        " JOIN contrats_ligneplan l ON l.id = f.ligne_id"
        " JOIN contrats_domaine d ON d.id = l.domaine_id",
        ("f.id", "l.contrat_id", "d.numero", "''", "f.intitule", "f.groupe || ' ' || d.intitule"),
    ),
    "engagement": (
        "contrats_engagement e JOIN contrats_sectionengagements s ON s.id = e.section_id",
        (
            "e.id",
            "s.contrat_id",
            "s.numero",
            "s.titre",
            "COALESCE(NULLIF(e.rubrique, ''), s.titre)",
            "e.texte",
        ),
    ),
    "signataire": (
        "contrats_signataire g JOIN contrats_organisation org ON org.id = g.organisation_id",
        ("g.id", "g.contrat_id", "''", "''", "org.nom", "g.representant || ' ' || g.qualite"),
    ),
    "instance": (
        "contrats_instance i",
        (
            "i.id",
            "i.contrat_id",
            "i.code",
            "''",
            "i.nom",
            "i.presidence || ' ' || {liste:i.composition} || ' ' || {liste:i.missions}",
        ),
    ),
    "plateforme": (
        "contrats_plateformecollaborative pc",
        (
            "pc.id",
            "pc.contrat_id",
            "''",
            "''",
            "pc.nom",
            "pc.theme || ' ' || pc.description || ' ' || pc.animation"
            " || ' ' || {liste:pc.participants}",
        ),
    ),
    "dispositif": (
        "contrats_dispositif x",
        ("x.id", "x.contrat_id", "''", "''", "x.sigle || ' · ' || x.nom", "x.description"),
    ),
}

# The documents each table feeds. A table holding the documents themselves lists
# (nature, None): its rows are indexed by id on insert, update and delete. A parent
# table lists (nature, column of the source pointing to it): updating the parent
# re-indexes its children (their rows are deleted before the parent, with their own
# triggers). Only the columns that the documents read trigger an update.
DECLENCHEURS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str | None], ...]]] = {
    "contrats_axetransversal": (
        ("numero", "intitule", "description", "objectif_operationnel", "contrat_id"),
        (("axe", None),),
    ),
    "contrats_objectifoperationnel": (
        ("numero", "intitule", "description", "domaine_id"),
        (("objectif", None),),
    ),
    "contrats_domaine": (
        ("numero", "intitule", "pilier_id"),
        (("objectif", "o.domaine_id"), ("action", "l.domaine_id")),
    ),
    "contrats_pilier": (("contrat_id",), (("objectif", "d.pilier_id"),)),
    "contrats_ligneplan": (("domaine_id", "contrat_id"), (("action", "f.ligne_id"),)),
    "contrats_ficheaction": (("intitule", "groupe", "ligne_id"), (("action", None),)),
    "contrats_sectionengagements": (
        ("numero", "titre", "contrat_id"),
        (("engagement", "e.section_id"),),
    ),
    "contrats_engagement": (("rubrique", "texte", "section_id"), (("engagement", None),)),
    "contrats_organisation": (("nom",), (("signataire", "g.organisation_id"),)),
    "contrats_signataire": (
        ("representant", "qualite", "organisation_id", "contrat_id"),
        (("signataire", None),),
    ),
    "contrats_instance": (
        ("code", "nom", "presidence", "composition", "missions", "contrat_id"),
        (("instance", None),),
    ),
    "contrats_plateformecollaborative": (
        ("nom", "theme", "description", "animation", "participants", "contrat_id"),
        (("plateforme", None),),
    ),
    "contrats_dispositif": (("sigle", "nom", "description", "contrat_id"), (("dispositif", None),)),
}


def _texte_de_liste(colonne: str, vendor: str) -> str:
    if vendor == "postgresql":
        # A non-list value (typed in the admin) is indexed as nothing rather than
        # making the write fail.
        return (
            "COALESCE((SELECT string_agg(t.e, ' ' ORDER BY t.n) FROM jsonb_array_elements_text("
            f"CASE WHEN jsonb_typeof({colonne}) = 'array' THEN {colonne} ELSE '[]'::jsonb END"
            ") WITH ORDINALITY AS t(e, n)), '')"
        )
    return f"COALESCE((SELECT group_concat(value, ' ') FROM json_each({colonne})), '')"


def _expression(expression: str, vendor: str) -> str:
    while "{liste:" in expression:
        debut = expression.index("{liste:")
        fin = expression.index("}", debut)
        colonne = expression[debut + len("{liste:") : fin]
        expression = expression[:debut] + _texte_de_liste(colonne, vendor) + expression[fin + 1 :]
    return expression


def _selection(nature: str, condition: str, vendor: str) -> str:
    source, expressions = SOURCES[nature]
    colonnes = ", ".join(_expression(e, vendor) for e in expressions)
    return f"SELECT '{nature}', {colonnes} FROM {source} WHERE {condition}"


def _identifiant(nature: str) -> str:
    return SOURCES[nature][1][0]


def _retirer(nature: str, parent: str | None, ligne: str) -> str:
    if parent is None:
        cible = f"= {ligne}.id"
    else:
        source = SOURCES[nature][0]
        cible = f"IN (SELECT {_identifiant(nature)} FROM {source} WHERE {parent} = {ligne}.id)"
    return f"DELETE FROM {TABLE} WHERE nature = '{nature}' AND objet_id {cible}"


def _ajouter(nature: str, parent: str | None, vendor: str) -> str:
    condition = f"{parent or _identifiant(nature)} = NEW.id"
    return f"INSERT INTO {TABLE} ({COLONNES}) {_selection(nature, condition, vendor)}"


def _nom(table: str) -> str:
    return f"publication_indexe_{table}"


def _declencheurs_sqlite(table: str) -> list[str]:
    colonnes, documents = DECLENCHEURS[table]
    propres = [(n, p) for n, p in documents if p is None]
    retirer_old = "; ".join(_retirer(n, p, "OLD") for n, p in documents)
    retirer_new = "; ".join(_retirer(n, p, "NEW") for n, p in documents)
    ajouter = "; ".join(_ajouter(n, p, "sqlite") for n, p in documents)
    # A parent's children keep its id: the documents to replace are found through NEW.
    retirer = retirer_old if propres else retirer_new
    sql = [
        f"CREATE TRIGGER {_nom(table)}_update AFTER UPDATE OF {', '.join(colonnes)} ON {table}"
        f" BEGIN {retirer}; {ajouter}; END"
    ]
    if propres:
        sql += [
            f"CREATE TRIGGER {_nom(table)}_insert AFTER INSERT ON {table} BEGIN {ajouter}; END",
            f"CREATE TRIGGER {_nom(table)}_delete AFTER DELETE ON {table} BEGIN {retirer_old}; END",
        ]
    return sql


def _declencheurs_postgresql(table: str) -> list[str]:
    colonnes, documents = DECLENCHEURS[table]
    propres = any(p is None for _, p in documents)
    ligne = "OLD" if propres else "NEW"
    retirer = "".join(f"{_retirer(n, p, ligne)}; " for n, p in documents)
    ajouter = "".join(f"{_ajouter(n, p, 'postgresql')}; " for n, p in documents)
    fonction = _nom(table)
    sql = [
        f"CREATE FUNCTION {fonction}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP <> 'INSERT' THEN {retirer}END IF;"
        f" IF TG_OP <> 'DELETE' THEN {ajouter}END IF;"
        " RETURN NULL; END $$",
        f"CREATE TRIGGER {fonction}_update AFTER UPDATE OF {', '.join(colonnes)} ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION {fonction}()",
    ]
    if propres:
        sql += [
            f"CREATE TRIGGER {fonction}_{operation.lower()} AFTER {operation} ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {fonction}()"
            for operation in ("INSERT", "DELETE")
        ]
    return sql


INDEX_SQLITE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(titre, texte, content='{TABLE}', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TABLE} BEGIN"
    f" INSERT INTO {FTS} (rowid, titre, texte) VALUES (NEW.id, NEW.titre, NEW.texte); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TABLE} BEGIN"
    f" INSERT INTO {FTS} ({FTS}, rowid, titre, texte)"
    " VALUES ('delete', OLD.id, OLD.titre, OLD.texte); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE ON {TABLE} BEGIN"
    f" INSERT INTO {FTS} ({FTS}, rowid, titre, texte)"
    " VALUES ('delete', OLD.id, OLD.titre, OLD.texte);"
    f" INSERT INTO {FTS} (rowid, titre, texte) VALUES (NEW.id, NEW.titre, NEW.texte); END",
]


def _vecteur(colonne: str, config: str, poids: str) -> str:
    # Slashes become spaces: PostgreSQL's parser reads « Education/Parentalité » as one
    # file path token, which neither a word nor a prefix would find.
    return (
        f"setweight(to_tsvector('{config}'::regconfig, translate({colonne}, '/', ' ')), '{poids}')"
    )


INDEX_POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # Whole words: accents removed, then French stemming (« victimes » finds « victime »).
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'fr_unaccent') THEN"
    " CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = pg_catalog.french);"
    " ALTER TEXT SEARCH CONFIGURATION fr_unaccent"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;"
    " END IF; END $$",
    # Prefixes: accents removed, no stemming (« educat » is a prefix of « education »,
    # not of its stem « educ »).
    "DO $$ BEGIN IF NOT EXISTS"
    " (SELECT 1 FROM pg_ts_config WHERE cfgname = 'fr_unaccent_prefixe') THEN"
    " CREATE TEXT SEARCH CONFIGURATION fr_unaccent_prefixe (COPY = pg_catalog.simple);"
    " ALTER TEXT SEARCH CONFIGURATION fr_unaccent_prefixe"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;"
    " END IF; END $$",
    f"ALTER TABLE {TABLE} ADD COLUMN vecteur tsvector GENERATED ALWAYS AS ("
    + " || ".join(
        _vecteur(colonne, config, poids)
        for config, poids_titre, poids_texte in (
            ("fr_unaccent", "A", "B"),
            ("fr_unaccent_prefixe", "C", "D"),
        )
        for colonne, poids in (("titre", poids_titre), ("texte", poids_texte))
    )
    + ") STORED",
    f"CREATE INDEX publication_documentrecherche_vecteur ON {TABLE} USING GIN (vecteur)",
]


def creer_index(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        sql = INDEX_POSTGRESQL + [s for t in DECLENCHEURS for s in _declencheurs_postgresql(t)]
    elif vendor == "sqlite":
        sql = INDEX_SQLITE + [s for t in DECLENCHEURS for s in _declencheurs_sqlite(t)]
    else:
        raise NotImplementedError(f"Recherche : base {vendor} non prise en charge.")
    sql += [f"INSERT INTO {TABLE} ({COLONNES}) {_selection(n, '1 = 1', vendor)}" for n in SOURCES]
    for instruction in sql:
        # No parameters: the SQL is passed as is (no placeholder parsing).
        schema_editor.execute(instruction, None)


def supprimer_index(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        sql = [f"DROP FUNCTION IF EXISTS {_nom(t)}() CASCADE" for t in DECLENCHEURS]
        sql += [
            f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS vecteur",
            "DROP TEXT SEARCH CONFIGURATION IF EXISTS fr_unaccent",
            "DROP TEXT SEARCH CONFIGURATION IF EXISTS fr_unaccent_prefixe",
        ]
        # The unaccent extension stays: other objects of the database may use it.
    else:
        sql = [
            f"DROP TRIGGER IF EXISTS {_nom(t)}_{operation}"
            for t in DECLENCHEURS
            for operation in ("insert", "update", "delete")
        ]
        sql += [f"DROP TRIGGER IF EXISTS {FTS}_{o}" for o in ("insert", "update", "delete")]
        sql += [f"DROP TABLE IF EXISTS {FTS}"]
    for instruction in sql:
        schema_editor.execute(instruction, None)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contrats", "0002_engagement_rubrique_texte"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentRecherche",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "nature",
                    models.CharField(
                        choices=[
                            ("axe", "Thématique transversale"),
                            ("objectif", "Objectif opérationnel"),
                            ("action", "Action du plan"),
                            ("engagement", "Engagement"),
                            ("signataire", "Signataire"),
                            ("instance", "Instance"),
                            ("plateforme", "Plateforme collaborative"),
                            ("dispositif", "Dispositif"),
                        ],
                        max_length=20,
                        verbose_name="nature",
                    ),
                ),
                ("objet_id", models.BigIntegerField(verbose_name="identifiant de l'objet indexé")),
                (
                    "cle",
                    models.CharField(
                        blank=True, max_length=80, verbose_name="clé de l'adresse (numéro, code)"
                    ),
                ),
                (
                    "contexte",
                    models.CharField(
                        blank=True, max_length=250, verbose_name="contexte (titre de la section)"
                    ),
                ),
                ("titre", models.TextField(verbose_name="titre")),
                ("texte", models.TextField(blank=True, verbose_name="texte")),
                (
                    "contrat",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="contrats.contrat",
                        verbose_name="contrat",
                    ),
                ),
            ],
            options={
                "verbose_name": "document de recherche",
                "verbose_name_plural": "documents de recherche",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("nature", "objet_id"), name="document_objet_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(creer_index, supprimer_index),
    ]
