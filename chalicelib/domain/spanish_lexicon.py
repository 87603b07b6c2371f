"""Word valences for scoring Spanish texts, on VADER's scale (-4 very negative … +4).

Written for this project (no third-party list): the words clients of probation, pretrial
and reentry offices use about how they are doing, in Mexican, Central American and
Caribbean Spanish as well as Spain's. Keys are lower case without accents (the scorer
folds a text the same way), so "está" and "esta" both match. Add words here; the tests in
``tests/unit/test_spanish_tone.py`` say what must stay true.
"""

from __future__ import annotations

# Tables read better several to a line.
# fmt: off
VALENCE: dict[str, float] = {
    "triste": -2.1, "tristeza": -2.2, "deprimido": -2.6, "deprimida": -2.6, "depresion": -2.6,
    "solito": -1.0, "solita": -1.0, "aburrido": -1.1, "aburrida": -1.1, "cansado": -1.4,
    "cansada": -1.4, "agotado": -1.8, "agotada": -1.8, "harto": -2.1, "harta": -2.1,
    "enojado": -2.1, "enojada": -2.1, "enojo": -2.1, "molesto": -1.7, "molesta": -1.7,
    "furioso": -2.8, "furiosa": -2.8, "enfadado": -2.0, "enfadada": -2.0, "preocupado": -1.7,
    "preocupada": -1.7, "preocupa": -1.6, "miedo": -2.0, "asustado": -1.9, "asustada": -1.9,
    "ansiedad": -2.0, "ansioso": -1.8, "ansiosa": -1.8, "nervioso": -1.3, "nerviosa": -1.3,
    "estresado": -1.9, "estresada": -1.9, "estres": -1.8, "desesperado": -2.7,
    "desesperada": -2.7, "perdido": -1.5, "perdida": -1.5, "confundido": -1.2,
    "confundida": -1.2, "frustrado": -2.1, "frustrada": -2.1, "decepcionado": -2.2,
    "decepcionada": -2.2, "avergonzado": -1.9, "avergonzada": -1.9, "verguenza": -1.9,
    "culpa": -1.6, "llorar": -2.1, "llorando": -2.1, "lloro": -2.1, "llore": -2.1,
    "sufriendo": -2.5, "sufro": -2.4, "dolor": -2.0, "duele": -1.9, "enfermo": -1.8,
    "enferma": -1.8, "herido": -2.0, "herida": -2.0, "odio": -3.0, "odiar": -3.0, "odia": -2.9,
    "mal": -2.0, "malo": -2.4, "mala": -2.4, "malos": -2.4, "malas": -2.4, "peor": -2.3,
    "terrible": -2.6, "horrible": -2.6, "fatal": -2.6, "pesimo": -2.7, "pesima": -2.7,
    "problema": -1.5, "problemas": -1.6, "dificil": -1.3, "imposible": -1.6, "injusto": -2.2,
    "injusta": -2.2, "mentira": -2.0, "mentiras": -2.0, "fracaso": -2.5, "fracase": -2.4,
    "perdi": -1.7, "despedido": -2.1, "despedida": -1.0, "desempleado": -1.6, "arrestado": -2.1,
    "arrestada": -2.1, "arresto": -2.0, "carcel": -2.1, "preso": -1.8, "presa": -1.0,
    "pelea": -1.9, "peleando": -1.9, "peleamos": -1.9, "borracho": -1.6, "borracha": -1.6,
    "recaida": -2.2, "recai": -2.2, "desalojo": -2.2, "desalojado": -2.3, "desalojada": -2.3,
    "rendirme": -2.0, "rindo": -1.8, "basta": -1.2, "muerte": -2.9, "morir": -2.9,
    "muerto": -2.5, "muerta": -2.5, "matarme": -3.6, "suicidio": -3.6, "mierda": -3.0,
    "carajo": -2.1, "jodido": -2.6, "jodida": -2.6, "chingada": -2.6, "chingado": -2.6,
    "pinche": -1.9, "maldito": -2.5, "maldita": -2.5, "estupido": -2.4, "estupida": -2.4,
    "idiota": -2.5, "basura": -2.2, "bien": 1.9, "bueno": 1.9, "buena": 1.9, "buenos": 1.9,
    "buenas": 1.6, "buen": 1.9, "mejor": 2.0, "mejorando": 1.9, "genial": 3.0, "excelente": 3.2,
    "perfecto": 2.7, "perfecta": 2.7, "maravilloso": 3.0, "maravillosa": 3.0, "increible": 2.4,
    "fantastico": 3.0, "fantastica": 3.0, "chido": 2.0, "chida": 2.0, "chevere": 2.1,
    "feliz": 2.9, "felices": 2.9, "contento": 2.5, "contenta": 2.5, "alegre": 2.4,
    "alegria": 2.6, "tranquilo": 1.3, "tranquila": 1.3, "orgulloso": 2.3, "orgullosa": 2.3,
    "agradecido": 2.3, "agradecida": 2.3, "gracias": 1.9, "agradezco": 2.1, "encanta": 2.6,
    "encanto": 2.2, "gusta": 1.7, "gusto": 1.5, "amor": 3.2, "esperanza": 1.9,
    "felicidades": 2.8, "bendiciones": 2.1, "bendecido": 2.2, "bendecida": 2.2, "suerte": 1.4,
    "apoyo": 1.7, "ayuda": 1.0, "logre": 2.1, "logro": 2.1, "exito": 2.7, "aprobe": 2.1,
    "consegui": 1.7, "limpio": 1.3, "limpia": 1.3, "sobrio": 1.8, "sobria": 1.8, "sano": 1.5,
    "sana": 1.5, "calma": 1.3, "aguanto": 1.0,
}

# Whole phrases, matched before single words (their words are not scored again).
PHRASES: dict[tuple[str, ...], float] = {
    ("no", "puedo", "mas"): -2.6,
    ("ya", "no", "aguanto"): -2.8,
    ("no", "aguanto", "mas"): -2.8,
    ("me", "quiero", "morir"): -3.6,
    ("no", "vale", "la", "pena"): -2.2,
    ("me", "vale"): -1.2,
    ("no", "me", "importa"): -1.0,
    ("muchas", "gracias"): 2.4,
    ("todo", "bien"): 2.0,
    ("de", "nada"): 0.6,
    ("sin", "problema"): 1.2,
    ("sin", "problemas"): 1.2,
    ("no", "hay", "problema"): 1.2,
}

# "no bueno" is bad; VADER scales a negated word by the same factor.
NEGATORS = frozenset({"jamas", "nada", "nadie", "ni", "no", "nunca", "sin", "tampoco"})

# Words that make the next feeling stronger or weaker.
BOOSTERS: dict[str, float] = {
    "muy": 0.29, "tan": 0.29, "demasiado": 0.29, "super": 0.29, "bastante": 0.2,
    "totalmente": 0.29, "completamente": 0.29, "extremadamente": 0.35, "re": 0.2, "mas": 0.2,
    "poco": -0.29, "algo": -0.2, "apenas": -0.29, "medio": -0.2,
}

EMOJI: dict[str, float] = {
    "😢": -2.2, "😭": -2.4, "😡": -2.8, "😠": -2.4, "😞": -2.0, "😔": -1.8, "💔": -2.6, "😊": 2.2,
    "😀": 2.2, "😃": 2.2, "😁": 2.2, "🙂": 1.4, "❤": 2.8, "🙏": 1.5, "👍": 1.6, "🎉": 2.4,
}
# fmt: on
