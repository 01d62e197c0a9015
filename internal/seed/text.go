package seed

// The vocabulary of a French commune's publications.

var topicNames = []string{"Travaux", "Culture", "Jeunesse", "Écoles", "Sport", "Environnement", "Solidarité",
	"Santé", "Urbanisme", "Transports", "Marchés", "Associations", "Sécurité", "Seniors", "Petite enfance",
	"Conseil municipal", "Déchets", "Eau et assainissement", "Tourisme", "Économie locale", "Patrimoine",
	"Bibliothèque", "Fêtes et cérémonies", "Citoyenneté", "Numérique"}

var places = []string{"Les Tanneurs", "Le Port", "Les Coteaux", "Centre-ville", "La Gare", "Les Varennes",
	"Saint-Martin", "Les Grands Champs", "Le Bourg", "La Prairie", "Les Moulins", "Bel-Air", "La Croix-Blanche",
	"Les Vignes", "Le Val", "La Source", "Les Aubépines", "Le Château", "Les Îles", "La Fontaine"}

var streets = []string{"rue des Tanneurs", "quai de la Loire", "avenue de la République", "rue Victor-Hugo",
	"place du Marché", "rue Jean-Jaurès", "boulevard Gambetta", "rue de l'Église", "chemin des Vignes",
	"allée des Tilleuls", "rue Pasteur", "impasse des Lilas", "route de Tours", "rue du Moulin", "place de la Mairie"}

var services = []string{"l'état civil", "la médiathèque", "le centre communal d'action sociale", "les services techniques",
	"la police municipale", "le service jeunesse", "l'école de musique", "la piscine municipale", "le service urbanisme"}

var newsTitles = []string{
	"Travaux {rue} : circulation alternée à partir du {date}",
	"Inscriptions scolaires {an} : mode d'emploi",
	"La fête de quartier revient aux {lieu} le {date}",
	"Conseil municipal du {date} : l'ordre du jour",
	"Nouvelle aire de jeux inaugurée {rue}",
	"Collecte des encombrants aux {lieu} le {date}",
	"Le marché du samedi s'agrandit place du Marché",
	"Rénovation de l'école élémentaire des {lieu} : point d'étape",
	"Horaires d'été de {service}",
	"Concert gratuit au kiosque le {date}",
	"Plantation de {n} arbres {rue}",
	"Budget participatif {an} : déposez vos projets",
	"Recensement de la population : les agents recenseurs passent chez vous",
	"Exposition à la médiathèque jusqu'au {date}",
	"Réunion publique sur le plan local d'urbanisme le {date}",
	"Le repas des aînés aura lieu le {date}",
	"Vacances scolaires : le programme du service jeunesse",
	"Stationnement {rue} : nouvelles règles à partir du {date}",
	"Journées du patrimoine : le programme aux {lieu}",
	"Piscine municipale : réouverture après vidange le {date}",
}

var alertTitles = []string{
	"Coupure d'eau {rue} le {date}",
	"Vigilance crue de la Loire : évitez les quais",
	"Canicule : les salles rafraîchies sont ouvertes",
	"Fermeture de la route de Tours pour un accident",
	"Tempête annoncée : rentrez vos poubelles et objets légers",
	"Coupure d'électricité programmée aux {lieu}",
	"Fuite de gaz {rue} : périmètre de sécurité",
	"Épisode de pollution : vitesse abaissée de 20 km/h",
}

var jobs = []struct{ title, grade, cat, filiere string }{
	{"Agent d'entretien des écoles", "Adjoint technique territorial", "C", "Technique"},
	{"Animateur périscolaire", "Adjoint d'animation", "C", "Animation"},
	{"Secrétaire de mairie", "Rédacteur territorial", "B", "Administrative"},
	{"Responsable des services techniques", "Ingénieur territorial", "A", "Technique"},
	{"Agent de police municipale", "Gardien-brigadier", "C", "Police municipale"},
	{"Assistant de conservation à la médiathèque", "Assistant de conservation", "B", "Culturelle"},
	{"Auxiliaire de puériculture", "Auxiliaire de puériculture", "C", "Médico-sociale"},
	{"Jardinier des espaces verts", "Adjoint technique territorial", "C", "Technique"},
	{"Chargé de communication", "Attaché territorial", "A", "Administrative"},
	{"Maître-nageur sauveteur", "Éducateur des activités physiques et sportives", "B", "Sportive"},
}

var pageTitles = []string{"Démarches d'état civil", "Tarifs de la cantine", "Règlement du cimetière",
	"Plan de la commune", "Les élus", "Accueil des nouveaux habitants"}

var summaries = []string{
	"Ce qu'il faut savoir et les démarches à faire avant le {date}.",
	"La commune vous informe des changements prévus {rue} et aux {lieu}.",
	"Toutes les informations pratiques : dates, horaires et contacts de {service}.",
	"Un rendez-vous à ne pas manquer pour les habitants des {lieu}.",
	"La municipalité fait le point sur ce dossier attendu par les habitants.",
}

var sentences = []string{
	"Les travaux dureront environ {n} jours et la circulation sera alternée {rue}.",
	"Les riverains des {lieu} recevront un courrier précisant les horaires d'intervention.",
	"Pour toute question, contactez {service} aux horaires d'ouverture de la mairie.",
	"Le stationnement sera interdit le long du chantier pendant toute la durée des travaux.",
	"Les inscriptions se font en ligne ou à l'accueil de la mairie, muni d'un justificatif de domicile.",
	"La commune remercie les habitants pour leur compréhension et leur patience.",
	"Le dossier complet est consultable à l'accueil de la mairie et sur le site de la commune.",
	"Cette opération est financée avec le soutien du département et de la région.",
	"Les enfants seront accueillis à l'école élémentaire à partir de 8 h 20.",
	"Un accès piéton restera ouvert et sécurisé pendant toute la durée du chantier.",
	"Les associations de quartier sont invitées à participer à la préparation de l'événement.",
	"La réunion se tiendra dans la salle des fêtes, place de la Mairie, à 18 h 30.",
	"Les personnes fragiles peuvent se faire connaître auprès du centre communal d'action sociale.",
	"Le calendrier détaillé sera affiché sur les panneaux municipaux des {lieu}.",
	"Plus de {n} bénévoles ont déjà proposé leur aide pour l'organisation.",
	"La médiathèque propose des ateliers gratuits pour les enfants et leurs parents.",
	"Les déchets verts peuvent être déposés à la déchetterie intercommunale.",
	"Le conseil municipal a adopté cette délibération à l'unanimité.",
}
