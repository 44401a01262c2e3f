"""Application emails written for the tests: every kind, in the common wordings of English, German,
French, Spanish and Dutch recruiting mail, from ATS senders and company domains, plus noise.

`split` says which half a message belongs to: the classifier's phrases were written looking at
"tune" only; its accuracy is reported on "held_out"."""

# (sender, subject, body, kind, split, interview "YYYY-MM-DD HH:MM" or None)
MESSAGES = [
    # --- confirmations
    ("no-reply@us.greenhouse-mail.io", "Thank you for applying to Acme",
     "Hi Sam,\n\nThanks for applying to the Senior Nurse role at Acme. Our team will review your application "
     "and get back to you if your experience matches what we are looking for.\n\nAcme Talent Team", "confirmation", "tune", None),
    ("jobs@globex.io", "Application received: Data Analyst",
     "Dear Sam, we have received your application for Data Analyst. We review every application carefully.", "confirmation", "held_out", None),
    ("notifications@lever.co", "Your application for Backend Engineer at Initech",
     "Sam, your application has been submitted successfully to Initech. You can track it in your candidate home.",
     "confirmation", "tune", None),
    ("karriere@umbrella-health.de", "Eingang Ihrer Bewerbung",
     "Sehr geehrte Frau Lee,\nvielen Dank für Ihre Bewerbung als Pflegefachkraft. Wir melden uns in Kürze.", "confirmation", "held_out", None),
    ("recrutement@soylent.fr", "Accusé de réception de votre candidature",
     "Bonjour,\nNous avons bien reçu votre candidature pour le poste de Chef de projet. Nous reviendrons vers vous.",
     "confirmation", "tune", None),
    ("empleo@hooli.es", "Gracias por tu solicitud",
     "Hola Sam, hemos recibido tu solicitud para el puesto de Enfermera. El equipo la revisará pronto.", "confirmation", "held_out", None),
    ("noreply@myworkday.com", "Thank you for your application - Acme",
     "Thank you for your interest in Acme. This email confirms we received your application for Staff Nurse (R-1042).",
     "confirmation", "held_out", None),
    # --- rejections
    ("no-reply@us.greenhouse-mail.io", "Your application to Acme",
     "Hi Sam,\nThank you for your interest in Acme. Unfortunately, we have decided to move forward with other "
     "candidates whose experience more closely matches the role.\nBest of luck,\nAcme", "rejection", "tune", None),
    ("jobs@globex.io", "Update on your Data Analyst application",
     "Dear Sam, after careful consideration we regret to inform you that we will not be proceeding with your application.",
     "rejection", "held_out", None),
    ("karriere@umbrella-health.de", "Ihre Bewerbung bei Umbrella Health",
     "Sehr geehrte Frau Lee,\nleider müssen wir Ihnen mitteilen, dass wir Ihre Bewerbung nicht weiter berücksichtigen können.",
     "rejection", "tune", None),
    ("recrutement@soylent.fr", "Votre candidature chez Soylent",
     "Bonjour, malheureusement votre candidature n'a pas été retenue pour le poste de Chef de projet.", "rejection", "held_out", None),
    ("empleo@hooli.es", "Actualización de tu candidatura",
     "Hola Sam, lamentablemente no ha sido seleccionada para continuar en el proceso. Gracias por tu interés.",
     "rejection", "tune", None),
    ("no-reply@ashbyhq.com", "Initech - Backend Engineer",
     "Hi Sam, thanks for taking the time to apply. The position has been filled and we won't be moving ahead.",
     "rejection", "held_out", None),
    ("talent@initech.nl", "Je sollicitatie bij Initech",
     "Beste Sam, helaas hebben we besloten niet verder te gaan met je sollicitatie.", "rejection", "held_out", None),
    # --- interview invitations
    ("recruiting@acme.com", "Interview invitation: Senior Nurse",
     "Hi Sam,\nWe'd like to invite you to an interview for the Senior Nurse role on December 14 at 10:30 am "
     "(video call). Reply to confirm.\nMaria, Acme Recruiting", "interview", "tune", "2026-12-14 10:30"),
    ("jobs@globex.io", "Next steps - Data Analyst",
     "Dear Sam, we enjoyed your application and would like to schedule a phone screen on 2026-12-16 at 15:00.",
     "interview", "held_out", "2026-12-16 15:00"),
    ("karriere@umbrella-health.de", "Einladung zum Vorstellungsgespräch",
     "Sehr geehrte Frau Lee,\nwir laden Sie herzlich zu einem Vorstellungsgespräch am 17.12.2026 um 14:00 Uhr ein.",
     "interview", "tune", "2026-12-17 14:00"),
    ("recrutement@soylent.fr", "Invitation à un entretien",
     "Bonjour, nous souhaitons vous rencontrer pour un entretien le 18 décembre 2026 à 9h30 dans nos locaux.",
     "interview", "held_out", "2026-12-18 09:30"),
    ("empleo@hooli.es", "Entrevista para el puesto de Enfermera",
     "Hola Sam, nos gustaría conocerte en una entrevista el 21 de diciembre a las 11:00.", "interview", "tune", "2026-12-21 11:00"),
    ("no-reply@smartrecruiters.com", "Initech invites you to a technical screen",
     "Hi Sam, Initech would like to invite you to a technical screen. Please book a time that suits you on Dec 22, 4 pm.",
     "interview", "held_out", "2026-12-22 16:00"),
    ("talent@initech.nl", "Uitnodiging sollicitatiegesprek",
     "Beste Sam, graag nodigen we je uit voor een gesprek op 23-12-2026 om 13:00.", "interview", "held_out",
     "2026-12-23 13:00"),
    # --- offers
    ("recruiting@acme.com", "Your offer from Acme",
     "Hi Sam,\nWe are delighted and pleased to offer you the position of Senior Nurse. Your offer letter with the "
     "compensation package and start date is attached.", "offer", "tune", None),
    ("jobs@globex.io", "Offer of employment - Data Analyst",
     "Dear Sam, congratulations! We would like to extend you an offer for the Data Analyst role.", "offer", "held_out", None),
    ("karriere@umbrella-health.de", "Vertragsangebot Pflegefachkraft",
     "Sehr geehrte Frau Lee, wir freuen uns, Ihnen die Stelle anzubieten. Den Arbeitsvertrag finden Sie im Anhang.",
     "offer", "tune", None),
    ("recrutement@soylent.fr", "Proposition d'embauche",
     "Bonjour, nous avons le plaisir de vous adresser notre promesse d'embauche pour le poste de Chef de projet.",
     "offer", "held_out", None),
    ("empleo@hooli.es", "Oferta de empleo",
     "Hola Sam, nos complace enviarte nuestra carta de oferta para el puesto de Enfermera.", "offer", "held_out", None),
    # --- recruiter outreach
    ("jane.doe@acme.com", "Exciting opportunity at Acme",
     "Hi Sam, I'm a recruiter at Acme and came across your profile. Would you be open to a chat about a charge nurse role?",
     "outreach", "tune", None),
    ("headhunter@globex.io", "Quick question",
     "Hello Sam, I am reaching out because your background looks like a great fit for a team we are building. "
     "Are you open to new opportunities?", "outreach", "held_out", None),
    ("talent@umbrella-health.de", "Spannende Position für Sie",
     "Hallo Frau Lee, ich bin auf Ihr Profil gestoßen. Wären Sie offen für eine spannende Position bei uns?",
     "outreach", "tune", None),
    ("rh@soylent.fr", "Une opportunité pour vous",
     "Bonjour Sam, votre profil a retenu notre attention pour une opportunité de directeur de projet.", "outreach", "held_out", None),
    ("talent@hooli.es", "Oportunidad en Hooli",
     "Hola Sam, vi tu perfil y creo que encajarías en una oportunidad que tenemos abierta.", "outreach", "held_out", None),
    # --- noise and other mail from the same senders
    ("no-reply@us.greenhouse-mail.io", "Complete your candidate profile",
     "Keep your information up to date so recruiters can find the right roles for you.", "other", "tune", None),
    ("newsletter@acme.com", "Acme quarterly newsletter",
     "Read about our new clinic, the summer party and this quarter's results.", "other", "held_out", None),
    ("it@globex.io", "Password reset",
     "Someone requested a password reset for your Globex account. If it was not you, ignore this email.", "other", "tune", None),
    ("events@umbrella-health.de", "Einladung zum Sommerfest",
     "Liebe Kolleginnen und Kollegen, wir feiern am Freitag unser Sommerfest.", "other", "held_out", None),
    ("no-reply@myworkday.com", "Please verify your email address",
     "Click the link below to verify your email address for your Workday candidate account.", "other", "held_out", None),
    ("news@soylent.fr", "Nos actualités de décembre",
     "Découvrez nos nouveaux produits et notre engagement pour le climat.", "other", "tune", None),
]

# Not from an application's company nor an ATS: the sync must not keep these.
UNRELATED = [
    ("deals@shop.example", "50% off everything", "Our biggest sale of the year ends tonight."),
    ("friend@mail.example", "Dinner on Friday?", "Are you free for dinner? We could invite you to our place."),
    ("digest@network.example", "Jobs you may like", "Unfortunately we could not find new jobs. Interview tips inside."),
]
