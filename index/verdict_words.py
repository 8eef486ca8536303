"""Fact-checkers' verdict words per language, each with its place on claimbot's 1-5 scale.

Data only: `index.rating` reads these tables; docs/ratings.md shows them (a test keeps the two
equal). Words are written as fact-checkers write them; matching folds case and Latin accents.
A phrase of several words counts as one ("nicht belegt" is unproven, not "not proven").
Chinese is written without spaces, so its phrases match inside longer labels (部分錯誤).
"""

from __future__ import annotations

from typing import Final, Literal

Qualifier = Literal["mostly", "partly", "not", "entirely", "but"]

LANGUAGES: Final[dict[str, str]] = {
    "en": "English",
    "es": "Spanish",
    "pt": "Portuguese",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "nl": "Dutch",
    "da": "Danish",
    "sv": "Swedish",
    "no": "Norwegian",
    "pl": "Polish",
    "zh-Hant": "Chinese (traditional)",
    "zh-Hans": "Chinese (simplified)",
    "hi": "Hindi",
    "ar": "Arabic",
}

# Satire rates 2: read as a statement of fact the claim does not hold, yet nobody asserted it
# falsely, so it is neither "false" (1) nor "mixed" (3, which reads as partly true).
# Altered or manipulated media rates 1, as "fabricated" does.
# fmt: off
VERDICT_WORDS: Final[dict[str, dict[int, tuple[str, ...]]]] = {
    "en": {
        5: ("accurate", "true", "correct", "credible", "verified", "confirmed", "supported",
            "right", "sound", "valid", "factual", "solid", "truth"),
        4: ("plausible", "reasonable", "fair"),
        3: ("mixed", "mixture", "unverified", "unverifiable", "unproven", "uncertain", "unclear",
            "context", "missing context", "disputed", "contested", "speculative", "debatable",
            "nuanced", "some truth", "grain of truth", "kernel of truth", "element of truth"),
        2: ("overstated", "exaggerated", "misleading", "dubious", "questionable", "oversimplified",
            "inflated", "cherry-picked", "outdated", "baked", "unsupported", "doubtful", "weak",
            "miscaptioned", "satire", "satirical", "parody"),
        1: ("false", "inaccurate", "incorrect", "wrong", "debunked", "fabricated", "fake", "untrue",
            "bogus", "myth", "fire", "baseless", "altered", "manipulated", "doctored",
            "misattributed"),
    },
    "es": {
        5: ("verdadero", "verdadera", "verdad", "cierto", "cierta", "correcto", "correcta"),
        3: ("media verdad", "contexto", "sin contexto", "falta contexto", "no verificable",
            "inverificable", "inchequeable", "sin pruebas", "sin evidencia", "no comprobado",
            "discutible"),
        2: ("engañoso", "engañosa", "exagerado", "exagerada", "impreciso", "imprecisa", "sátira",
            "satírico", "parodia"),
        1: ("falso", "falsa", "incorrecto", "incorrecta", "bulo", "mentira", "manipulado",
            "manipulada", "alterado", "alterada", "trucado", "fabricado", "inventado"),
    },
    "pt": {
        5: ("verdadeiro", "verdadeira", "verdade", "correto", "correta", "comprovado"),
        3: ("meia verdade", "contexto", "sem contexto", "fora de contexto", "não comprovado",
            "sem provas", "inconclusivo", "contraditório", "impossível provar"),
        2: ("enganoso", "enganosa", "distorcido", "distorcida", "exagerado", "exagerada",
            "impreciso", "imprecisa", "insustentável", "sátira", "satírico", "paródia"),
        1: ("falso", "falsa", "incorreto", "incorreta", "montagem", "manipulado", "manipulada",
            "adulterado", "adulterada", "boato", "mentira", "fabricado"),
    },
    "fr": {
        5: ("vrai", "vraie", "exact", "exacte", "avéré", "confirmé"),
        3: ("contexte", "manque de contexte", "invérifiable", "non vérifié", "non prouvé",
            "incertain"),
        2: ("trompeur", "trompeuse", "exagéré", "exagérée", "imprécis", "imprécise", "satire",
            "satirique", "parodie"),
        1: ("faux", "fausse", "inexact", "inexacte", "erroné", "erronée", "infondé", "infondée",
            "truqué", "truquée", "manipulé", "manipulée", "montage", "intox"),
    },
    "de": {
        5: ("richtig", "wahr", "korrekt", "stimmt", "zutreffend", "belegt", "bestätigt"),
        3: ("halbwahr", "kontext", "fehlender kontext", "unbelegt", "unbewiesen", "nicht belegt",
            "nicht überprüfbar", "unklar", "umstritten"),
        2: ("irreführend", "übertrieben", "missverständlich", "ungenau", "satire", "satirisch",
            "parodie"),
        1: ("falsch", "unwahr", "erfunden", "gefälscht", "manipuliert", "frei erfunden", "unsinn",
            "fake"),
    },
    "it": {
        5: ("vero", "vera", "verità", "corretto", "corretta"),
        4: ("c'eri quasi",),
        3: ("contesto", "senza contesto", "non verificabile", "non dimostrato", "non provato",
            "controverso"),
        2: ("fuorviante", "esagerato", "esagerata", "impreciso", "imprecisa", "satira", "satirico",
            "parodia"),
        1: ("falso", "falsa", "sbagliato", "sbagliata", "bufala", "manipolato", "manipolata",
            "alterato", "alterata", "inventato"),
    },
    "nl": {
        5: ("waar", "juist", "klopt", "correct"),
        3: ("context", "ontbrekende context", "onbewezen", "niet te verifiëren", "onduidelijk"),
        2: ("misleidend", "overdreven", "satire", "satirisch"),
        1: ("onwaar", "onjuist", "vals", "nep", "gemanipuleerd", "verzonnen"),
    },
    "da": {
        5: ("sandt", "korrekt", "rigtigt", "rigtig"),
        3: ("kontekst", "mangler kontekst", "udokumenteret", "uafklaret"),
        2: ("vildledende", "misvisende", "overdrevet", "satire"),
        1: ("falsk", "forkert", "usandt", "manipuleret", "opdigtet"),
    },
    "sv": {
        5: ("sant", "sann", "korrekt", "stämmer"),
        3: ("sammanhang", "saknar sammanhang", "kontext", "obekräftat", "overifierat"),
        2: ("vilseledande", "missvisande", "överdrivet", "överdriven", "satir"),
        1: ("falskt", "falsk", "fel", "osant", "osann", "manipulerad", "manipulerat", "påhittat"),
    },
    "no": {
        5: ("sant", "riktig", "korrekt", "stemmer"),
        3: ("kontekst", "mangler kontekst", "ubekreftet", "udokumentert", "uklart"),
        2: ("villedende", "misvisende", "overdrevet", "satire"),
        1: ("feil", "usant", "falsk", "manipulert", "oppdiktet"),
    },
    "pl": {
        5: ("prawda", "prawdy", "prawdziwe", "prawdziwy", "prawdziwa", "zgodne z prawdą"),
        3: ("kontekst", "brak kontekstu", "nieweryfikowalne", "niepotwierdzone",
            "nie do weryfikacji"),
        2: ("manipulacja", "wprowadza w błąd", "wprowadzające w błąd", "przesada", "przesadzone",
            "satyra"),
        1: ("fałsz", "fałszywe", "fałszywy", "fałszywa", "nieprawda", "nieprawdziwe",
            "zmanipulowane", "fejk"),
    },
    "zh-Hant": {
        5: ("正確", "真實", "屬實"),
        3: ("事實釐清", "缺乏背景", "缺乏脈絡", "證據不足", "未經證實", "無法證實", "半真半假"),
        2: ("誤導", "易生誤解", "誇大", "諷刺"),
        1: ("錯誤", "不正確", "不實", "虛假", "謠言", "變造", "篡改", "移花接木"),
    },
    "zh-Hans": {
        5: ("正确", "真实", "属实"),
        3: ("事实澄清", "缺乏背景", "缺乏语境", "证据不足", "未经证实", "无法证实", "半真半假"),
        2: ("误导", "易生误解", "夸大", "讽刺"),
        1: ("错误", "不正确", "不实", "虚假", "谣言", "变造", "篡改", "移花接木"),
    },
    "hi": {
        5: ("सच", "सही", "सत्य"),
        3: ("संदर्भ", "अपुष्ट", "असत्यापित", "मिश्रित", "अर्धसत्य"),
        2: ("भ्रामक", "गुमराह करने वाला", "बढ़ा-चढ़ाकर", "व्यंग्य"),
        1: ("गलत", "ग़लत", "फर्जी", "फ़र्ज़ी", "फेक", "झूठ", "झूठा", "असत्य", "छेड़छाड़"),
    },
    "ar": {
        5: ("صحيح", "حقيقي", "دقيق"),
        3: ("سياق", "السياق", "غير مؤكد", "غير مثبت", "مختلط"),
        2: ("مضلل", "مبالغ فيه", "ساخر", "سخرية"),
        1: ("زائف", "كاذب", "خاطئ", "خطأ", "مفبرك", "ملفق", "مزيف", "محرف"),
    },
}

# Traditional and simplified Chinese write these alike; negation is in the verdict phrases (不實).
_CHINESE_QUALIFIERS: Final[dict[Qualifier, tuple[str, ...]]] = {
        "mostly": ("大致", "大部分", "基本", "多半"),
        "partly": ("部分",),
        "not": (),
        "entirely": ("完全",),
        "but": ("但",),
}

# Words that move a verdict: "mostly" pulls an extreme one step in, "partly" makes it mixed,
# "not" turns it round, "not entirely" makes it mixed, "but" between two verdicts makes mixed.
QUALIFIER_WORDS: Final[dict[str, dict[Qualifier, tuple[str, ...]]]] = {
    "en": {
        "mostly": ("largely", "mostly", "broadly", "generally", "somewhat", "substantially",
                   "nearly"),
        "partly": ("partially", "partly", "half", "partial"),
        "not": ("not", "no", "un", "hardly"),
        "entirely": ("entirely", "quite", "fully", "completely", "wholly", "totally", "exactly",
                     "always"),
        "but": ("but", "yet", "though", "although", "however"),
    },
    "es": {
        "mostly": ("mayormente", "mayoritariamente", "en su mayoría", "en gran parte", "casi"),
        "partly": ("parcialmente", "en parte", "a medias", "medio", "media"),
        "not": ("no",),
        "entirely": ("del todo", "totalmente", "completamente", "enteramente"),
        "but": ("pero", "aunque", "sin embargo"),
    },
    "pt": {
        "mostly": ("majoritariamente", "maioritariamente", "em grande parte", "na maior parte",
                   "quase"),
        "partly": ("parcialmente", "em parte", "meio", "meia"),
        "not": ("não",),
        "entirely": ("totalmente", "completamente", "inteiramente"),
        "but": ("mas", "porém", "contudo"),
    },
    "fr": {
        "mostly": ("plutôt", "majoritairement", "en grande partie", "largement", "presque"),
        "partly": ("partiellement", "en partie", "à moitié", "semi", "demi"),
        "not": ("pas", "non"),
        "entirely": ("tout à fait", "entièrement", "totalement", "complètement"),
        "but": ("mais", "cependant"),
    },
    "de": {
        "mostly": ("größtenteils", "überwiegend", "weitgehend", "meist", "meistens"),
        "partly": ("teilweise", "teils", "zum teil", "halb"),
        "not": ("nicht",),
        "entirely": ("ganz", "völlig", "vollständig", "komplett"),
        "but": ("aber", "jedoch"),
    },
    "it": {
        "mostly": ("in gran parte", "prevalentemente", "perlopiù", "per lo più", "quasi"),
        "partly": ("parzialmente", "in parte", "mezza", "mezzo"),
        "not": ("non",),
        "entirely": ("del tutto", "completamente", "totalmente"),
        "but": ("ma", "però"),
    },
    "nl": {
        "mostly": ("grotendeels", "overwegend", "meestal", "bijna"),
        "partly": ("deels", "gedeeltelijk", "half"),
        "not": ("niet",),
        "entirely": ("helemaal", "geheel", "volledig"),
        "but": ("maar",),
    },
    "da": {
        "mostly": ("overvejende", "hovedsageligt", "primært", "for det meste"),
        "partly": ("delvis", "delvist", "til dels", "halvt"),
        "not": ("ikke",),
        "entirely": ("helt", "fuldstændig"),
        "but": ("men",),
    },
    "sv": {
        "mostly": ("mestadels", "huvudsakligen", "i huvudsak", "till största delen"),
        "partly": ("delvis", "till viss del", "halvt"),
        "not": ("inte", "ej"),
        "entirely": ("helt", "riktigt", "fullt"),
        "but": ("men",),
    },
    "no": {
        "mostly": ("stort sett", "for det meste", "hovedsakelig", "i hovedsak"),
        "partly": ("delvis", "delvist", "til dels", "halvt"),
        "not": ("ikke",),
        "entirely": ("helt", "fullstendig"),
        "but": ("men",),
    },
    "pl": {
        "mostly": ("w większości", "przeważnie", "w dużej mierze", "prawie"),
        "partly": ("częściowo", "częściowa", "częściowe", "po części", "pół"),
        "not": ("nie",),
        "entirely": ("całkiem", "całkowicie", "do końca", "w pełni"),
        "but": ("ale", "lecz"),
    },
    "zh-Hant": _CHINESE_QUALIFIERS,
    "zh-Hans": _CHINESE_QUALIFIERS,
    "hi": {
        "mostly": ("ज्यादातर", "ज़्यादातर", "अधिकतर", "अधिकांश"),
        "partly": ("आंशिक", "आंशिक रूप से", "आधा", "आधी"),
        "not": ("नहीं", "नही"),
        "entirely": ("पूरी तरह", "पूरी तरह से", "पूर्णतः"),
        "but": ("लेकिन", "परंतु", "किंतु"),
    },
    "ar": {
        "mostly": ("في الغالب", "غالبا", "إلى حد كبير"),
        "partly": ("جزئيا", "جزئي", "نصف"),
        "not": ("غير", "ليس", "ليست"),
        "entirely": ("تماما", "كليا", "بالكامل"),
        "but": ("لكن", "ولكن"),
    },
}
# fmt: on
