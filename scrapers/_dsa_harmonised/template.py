"""The Annex I templates of Implementing Regulation (EU) 2024/2835 as data.

Every figure a harmonised report can hold is named by the template's own English text: a section,
an indicator (a column header of the wide parts 3-6, the ``Indicator`` cell of the long parts
1 and 7-10) and, in the long parts, a qualifier printed in the ``Scope`` column (``Decisions
upheld``, ``Own-initiative``, ...). A record's raw metric label is ``"<section> | <indicator>"``
plus ``" | <qualifier>"`` when there is one; ``data/labels/dsa_harmonised_reports.csv`` maps every
such label to a metric id, and :func:`all_indicators` lists them with the id this module expects.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# ---------------------------------------------------------------- text matching


def norm(text: object) -> str:
    """Compare template texts loosely: Unicode-normalised, casefolded, one space, straight quotes."""
    t = unicodedata.normalize("NFKC", "" if text is None else str(text))
    t = t.replace("\u00a0", " ").replace("’", "'").replace("‘", "'").replace("¡¯", "'")
    t = t.replace("–", "-").replace("—", "-")
    return " ".join(t.split()).casefold()


def loose(text: object) -> str:
    """Like :func:`norm`, also treating hyphens and underscores as spaces ("Own-initiative")."""
    return " ".join(re.sub(r"[-_]", " ", norm(text)).split())


# ---------------------------------------------------------------- sections (raw-label prefixes)

IDENTIFICATION = "Report identification"
ORDERS = "Orders from Member States' authorities"
NOTICES = "Notices (Article 16)"
OWN_ILLEGAL = "Own-initiative moderation (illegal content)"
OWN_TC = "Own-initiative moderation (terms and conditions)"
COMPLAINTS = "Internal complaints mechanism"
ODS = "Out-of-court dispute settlement bodies"
SUSPENSIONS = "Suspensions imposed on repeated offenders"
AUTOMATED = "Use of automated means for content moderation"
HUMAN = "Human resources dedicated to content moderation"
AMAR = "AMAR"

PART_NAMES = {
    1: "report identification",
    2: "categories names",
    3: "member states orders",
    4: "notices",
    5: "own initiative illegal",
    6: "own initiative T&C",
    7: "appeals and recidivism",
    8: "automated means",
    9: "human resources",
    10: "AMAR",
    11: "qualitative",
}
LONG_SECTIONS = {COMPLAINTS: 7, ODS: 7, SUSPENSIONS: 7, AUTOMATED: 8, HUMAN: 9, AMAR: 10}

KINDS = ("count", "share", "hours", "date", "fte")


@dataclass(frozen=True)
class Indicator:
    """One figure of the template: where it stands, the metric id it maps to and its kind."""

    part: int
    section: str
    text: str  # the template's English text, stripped
    metric: str
    kind: str  # count, share, hours, date, fte
    qualifier: str = ""  # long parts: the Scope cell when it is not a geography or language

    @property
    def label(self) -> str:
        return " | ".join(p for p in (self.section, self.text, self.qualifier) if p)


# ---------------------------------------------------------------- part 1: identification

PROVIDER_NAME = "Name of the service provider"
PUBLISHED = "Date of the publication of the report"
PREVIOUS = "Date of the publication of the latest previous report"
PERIOD_START = "Starting date of reporting period"
PERIOD_END = "Ending date of reporting period"
IDENTIFICATION_DATES = {
    PUBLISHED: "dsa_report_published_on",
    PREVIOUS: "dsa_previous_report_published_on",
    PERIOD_START: "dsa_reporting_period_start",
    PERIOD_END: "dsa_reporting_period_end",
}

# ---------------------------------------------------------------- wide parts 3-6: columns

_ORDERS = [
    ("Number of orders to act against illegal content received", "dsa_orders_to_act", "count"),
    (
        "Number of specific items of information included in the total number of orders to act against illegal content",
        "dsa_orders_to_act_items",
        "count",
    ),
    (
        "Median time to inform the authority of the receipt of the order to act against illegal content",
        "dsa_orders_to_act_median_hours_to_inform",
        "hours",
    ),
    (
        "Median time to give effect to the order to act against illegal content",
        "dsa_orders_to_act_median_hours_to_effect",
        "hours",
    ),
    ("Number of orders to provide information", "dsa_orders_to_provide_info", "count"),
    (
        "Median time to inform the authority of the receipt of the order to provide information",
        "dsa_orders_to_provide_info_median_hours_to_inform",
        "hours",
    ),
    (
        "Median time to give effect to the order to provide information",
        "dsa_orders_to_provide_info_median_hours_to_effect",
        "hours",
    ),
]
_NOTICES = [
    ("Number of notices received", "notices_received", "count"),
    ("Number of notices received from Trusted flaggers", "dsa_notices_trusted_flaggers", "count"),
    (
        "Number of specific items of information included in the total number of notices",
        "dsa_notice_items",
        "count",
    ),
    (
        "Number of specific items of information included in the total number of notices by Trusted Flaggers (Trusted Flagger notices)",
        "dsa_notice_items_trusted_flaggers",
        "count",
    ),
    ("Median time to take action", "median_time_to_action", "hours"),
    (
        "Median time to take action (Trusted Flagger notices)",
        "dsa_notices_trusted_flaggers_median_hours_to_action",
        "hours",
    ),
    ("Number of actions taken on the basis of the law", "dsa_notice_actions_law", "count"),
    (
        "Number of actions taken on the basis of the law (Trusted Flagger notices)",
        "dsa_notice_actions_law_trusted_flaggers",
        "count",
    ),
    (
        "Number of actions taken on the basis of the terms and conditions of the service",
        "dsa_notice_actions_tc",
        "count",
    ),
    (
        "Number of actions taken on the basis of the terms and conditions of the service (Trusted Flagger notices)",
        "dsa_notice_actions_tc_trusted_flaggers",
        "count",
    ),
]
OWN_INITIATIVE_COLUMNS = [
    ("Number of measures taken at the provider's own initiative", "measures"),
    ("Number of measures taken after detection with solely automated means", "automated_detection"),
    ("Visibility restriction Removal", "visibility_removal"),
    ("Visibility restriction Disable", "visibility_disable"),
    ("Visibility restriction Demoted", "visibility_demoted"),
    ("Visibility restriction Age restricted", "visibility_age_restricted"),
    ("Visibility restriction Interaction restricted", "visibility_interaction_restricted"),
    ("Visibility restriction Labelled", "visibility_labelled"),
    ("Visibility restriction Other", "visibility_other"),
    ("Monetary restriction Suspension", "monetary_suspension"),
    ("Monetary restriction Termination", "monetary_termination"),
    ("Monetary restriction Other", "monetary_other"),
    ("Provision of the service Suspension", "provision_suspension"),
    ("Provision of the service Termination", "provision_termination"),
    ("Account restriction Suspension", "account_suspension"),
    ("Account restriction Termination", "account_termination"),
]


def _wide(part: int, section: str, cols: list[tuple[str, str, str]]) -> list[Indicator]:
    return [Indicator(part, section, text, metric, kind) for text, metric, kind in cols]


WIDE: dict[int, list[Indicator]] = {
    3: _wide(3, ORDERS, _ORDERS),
    4: _wide(4, NOTICES, _NOTICES),
    5: _wide(
        5,
        OWN_ILLEGAL,
        [(t, f"dsa_own_initiative_illegal_{s}", "count") for t, s in OWN_INITIATIVE_COLUMNS],
    ),
    6: _wide(
        6, OWN_TC, [(t, f"dsa_own_initiative_tc_{s}", "count") for t, s in OWN_INITIATIVE_COLUMNS]
    ),
}
CATEGORY_HEADERS = {  # the header of column D: which wide part a table is
    norm("Category of illegal content"): (3, 4, 5),
    norm("Category of incompatibility with the provider's terms and conditions"): (6,),
}
OTHER_DESCRIPTION_HEADER = norm('Description of the sub-category "Other"')
CONTEXT_PREFIXES = ("contextual information on ", "contextual information ")

# ---------------------------------------------------------------- long parts 7-10

TOTAL_SCOPES = {"total number", "total", "eu", "eu total", "all"}  # loose(): the EU as a whole
OUTCOMES = [
    "Decisions upheld",
    "Decisions partially reversed",
    "Decisions reversed",
    "Median time",
    "Decision omitted",
]
QUALIFIERS = {  # the Scope cells of parts 7-8 that say what is counted: metric-id suffix, kind
    "Decisions upheld": ("_upheld", None),
    "Decisions partially reversed": ("_partially_reversed", None),
    "Decisions reversed": ("_reversed", None),
    "Median time": ("_median_hours", "hours"),
    "Decision omitted": ("_decision_omitted", None),
    "Percentage of outcomes implemented": ("_outcomes_implemented", "share"),
    "Own-initiative": ("_own_initiative", None),
    "NAM Total": ("_nam", None),
    "NAM Trusted Flagger": ("_nam_trusted_flaggers", None),
}
_OVERRIDES = {
    ("dsa_complaints", ""): "appeals_received",
    ("dsa_complaints", "_reversed"): "appeals_granted",
}

# (section, indicator) -> (base metric id, qualifiers it can carry, kind)
_LONG: list[tuple[str, str, str, list[str], str]] = [
    (
        COMPLAINTS,
        "Number of complaints submitted to the internal-complaints mechanism",
        "dsa_complaints",
        OUTCOMES,
        "count",
    ),
    (
        COMPLAINTS,
        "Number of restrictions newly imposed as a result of an internal complaint",
        "dsa_complaints_new_restrictions",
        [],
        "count",
    ),
    (
        COMPLAINTS,
        "Complaint regarding a decision to remove or disable access to or restrict visibility of information",
        "dsa_complaints_visibility",
        OUTCOMES,
        "count",
    ),
    (
        COMPLAINTS,
        "Complaint regarding a decision to suspend or terminate the provision of the service",
        "dsa_complaints_provision",
        OUTCOMES,
        "count",
    ),
    (
        COMPLAINTS,
        "Complaint regarding a decision to suspend or terminate an account",
        "dsa_complaints_account",
        OUTCOMES,
        "count",
    ),
    (
        COMPLAINTS,
        "Complaint regarding a decision to restrict the ability to monetise information",
        "dsa_complaints_monetisation",
        OUTCOMES,
        "count",
    ),
    (
        COMPLAINTS,
        "Complaint regarding a decision not to take action on a notice submitted in accordance with Article 16",
        "dsa_complaints_notice_no_action",
        OUTCOMES,
        "count",
    ),
    (
        COMPLAINTS,
        "Complaint regarding a decision not to take action on a notice submitted by a Trusted Flagger in accordance with Article 16",
        "dsa_complaints_tf_notice_no_action",
        OUTCOMES,
        "count",
    ),
    (
        ODS,
        "Number of disputes submitted to out-of-court dispute settlement bodies",
        "dsa_ods_disputes",
        [*OUTCOMES, "Percentage of outcomes implemented"],
        "count",
    ),
    (
        SUSPENSIONS,
        "Number of suspensions enacted for the provision of manifestly illegal content",
        "dsa_suspensions_manifestly_illegal_content",
        [],
        "count",
    ),
    (
        SUSPENSIONS,
        "Number of suspensions enacted for the provision of manifestly unfounded notices",
        "dsa_suspensions_manifestly_unfounded_notices",
        [],
        "count",
    ),
    (
        SUSPENSIONS,
        "Number of suspensions enacted for the provision of manifestly unfounded complaints",
        "dsa_suspensions_manifestly_unfounded_complaints",
        [],
        "count",
    ),
    (
        AUTOMATED,
        "Number of measures solely taken by automated means",
        "dsa_automated_measures",
        ["Own-initiative", "NAM Total", "NAM Trusted Flagger"],
        "count",
    ),
    (
        AUTOMATED,
        "Number of measures not taken by automated means",
        "dsa_non_automated_measures",
        ["Own-initiative", "NAM Total", "NAM Trusted Flagger"],
        "count",
    ),
    (
        AUTOMATED,
        "Accuracy of the automated means - Accuracy",
        "dsa_automated_means_accuracy",
        ["Own-initiative", "NAM Total", "NAM Trusted Flagger"],
        "share",
    ),
    (
        AUTOMATED,
        "Accuracy of the automated means - Precision",
        "dsa_automated_means_precision",
        ["Own-initiative", "NAM Total", "NAM Trusted Flagger"],
        "share",
    ),
    (
        AUTOMATED,
        "Accuracy of the automated means - Recall",
        "dsa_automated_means_recall",
        ["Own-initiative", "NAM Total", "NAM Trusted Flagger"],
        "share",
    ),
    (
        AUTOMATED,
        "Number of notices solely processed by automated means",
        "dsa_automated_notices",
        ["Own-initiative", "NAM Total", "NAM Trusted Flagger"],
        "count",
    ),
    (
        AUTOMATED,
        "Number of notices not processed by automated means",
        "dsa_non_automated_notices",
        ["Own-initiative", "NAM Total", "NAM Trusted Flagger"],
        "count",
    ),
    (
        HUMAN,
        "Number of internal moderators employed by the provider",
        "dsa_moderators_internal",
        [],
        "fte",
    ),
    (
        HUMAN,
        "Number of external moderators contracted by the provider",
        "dsa_moderators_external",
        [],
        "fte",
    ),
    (
        HUMAN,
        "Number of total moderators with sufficient linguistic expertise",
        "dsa_moderators_linguistic_expertise",
        [],
        "fte",
    ),
    (
        AMAR,
        "Number of average monthly active recipients during the reporting period",
        "amar",
        [],
        "count",
    ),
]


def _long() -> dict[tuple[str, str, str], Indicator]:
    out: dict[tuple[str, str, str], Indicator] = {}
    for section, text, base, qualifiers, kind in _LONG:
        for q in ["", *qualifiers]:
            suffix, q_kind = QUALIFIERS[q] if q else ("", None)
            metric = _OVERRIDES.get((base, suffix), base + suffix)
            out[(norm(section), norm(text), loose(q))] = Indicator(
                LONG_SECTIONS[section], section, text, metric, q_kind or kind, q
            )
    return out


LONG = _long()
LONG_INDICATORS = {(norm(s), norm(t)): (s, t) for s, t, *_ in _LONG}
SECTION_NAMES = {norm(s): s for s in LONG_SECTIONS}
QUALIFIER_NAMES = {loose(q): q for q in QUALIFIERS}


def all_indicators() -> list[Indicator]:
    """Every figure of the template with its metric id (what the label map must cover)."""
    ident = [
        Indicator(1, IDENTIFICATION, text, metric, "date")
        for text, metric in IDENTIFICATION_DATES.items()
    ]
    return [*ident, *(i for part in sorted(WIDE) for i in WIDE[part]), *LONG.values()]


# ---------------------------------------------------------------- categories (part 2)

TOTAL = "TOTAL"
KEYWORD_OTHER = "KEYWORD_OTHER"
CATEGORIES: dict[str, list[str]] = {
    "STATEMENT_CATEGORY_ANIMAL_WELFARE": ["KEYWORD_ANIMAL_HARM", "KEYWORD_UNLAWFUL_SALE_ANIMALS"],
    "STATEMENT_CATEGORY_CONSUMER_INFORMATION": [
        "KEYWORD_HIDDEN_ADVERTISEMENT",
        "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
        "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
        "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
        "KEYWORD_NONCOMPLIANCE_PRICING",
    ],
    "STATEMENT_CATEGORY_CYBER_VIOLENCE": [
        "KEYWORD_CYBER_BULLYING_INTIMIDATION",
        "KEYWORD_CYBER_HARASSMENT",
        "KEYWORD_CYBER_INCITEMENT",
        "KEYWORD_CYBER_STALKING",
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
        "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    ],
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN": [
        "KEYWORD_BULLYING_AGAINST_GIRLS",
        "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
        "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
        "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
        "KEYWORD_INCITEMENT_AGAINST_WOMEN",
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
        "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
    ],
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS": [
        "KEYWORD_BIOMETRIC_DATA_BREACH",
        "KEYWORD_DATA_FALSIFICATION",
        "KEYWORD_MISSING_PROCESSING_GROUND",
        "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
    ],
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH": [
        "KEYWORD_DEFAMATION",
        "KEYWORD_DISCRIMINATION",
        "KEYWORD_HATE_SPEECH",
    ],
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS": [
        "KEYWORD_COPYRIGHT_INFRINGEMENT",
        "KEYWORD_DESIGN_INFRINGEMENT",
        "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
        "KEYWORD_PATENT_INFRINGEMENT",
        "KEYWORD_TRADE_SECRET_INFRINGEMENT",
        "KEYWORD_TRADEMARK_INFRINGEMENT",
    ],
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS": [
        "KEYWORD_MISINFORMATION_DISINFORMATION",
        "KEYWORD_VIOLATION_EU_LAW",
        "KEYWORD_VIOLATION_NATIONAL_LAW",
    ],
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS": [
        "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
        "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
        "KEYWORD_UNSAFE_CHALLENGES",
    ],
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY": [
        "KEYWORD_ILLEGAL_ORGANIZATIONS",
        "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
        "KEYWORD_RISK_PUBLIC_HEALTH",
        "KEYWORD_TERRORIST_CONTENT",
    ],
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD": [
        "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",
        "KEYWORD_INAUTHENTIC_ACCOUNTS",
        "KEYWORD_INAUTHENTIC_LISTINGS",
        "KEYWORD_INAUTHENTIC_USER_REVIEWS",
        "KEYWORD_PHISHING",
        "KEYWORD_PYRAMID_SCHEMES",
    ],
    "STATEMENT_CATEGORY_SELF_HARM": [
        "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
        "KEYWORD_SELF_MUTILATION",
        "KEYWORD_SUICIDE",
    ],
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS": [
        "KEYWORD_PROHIBITED_PRODUCTS",
        "KEYWORD_UNSAFE_PRODUCTS",
    ],
    "STATEMENT_CATEGORY_VIOLENCE": [
        "KEYWORD_COORDINATED_HARM",
        "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
        "KEYWORD_HUMAN_EXPLOITATION",
        "KEYWORD_HUMAN_TRAFFICKING",
        "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    ],
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC": [
        "KEYWORD_ADULT_SEXUAL_MATERIAL",
        "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
        "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
        "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
        "KEYWORD_LANGUAGE_REQUIREMENTS",
        "KEYWORD_NUDITY",
    ],
    "STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER": [],
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE": [],
}
KEYWORD_PARENT = {k: parent for parent, kws in CATEGORIES.items() for k in kws}
KNOWN_CODES = {TOTAL, KEYWORD_OTHER, *CATEGORIES, *KEYWORD_PARENT}
CODE_RE = re.compile(r"^(?:STATEMENT_CATEGORY|KEYWORD)_[A-Z0-9_]+$|^TOTAL$")


def other_label(parent: str) -> str:
    """The raw policy label of a parent's single "Other" sub-category row."""
    return f"{parent} / {KEYWORD_OTHER}"


# ---------------------------------------------------------------- geography and languages

MEMBER_STATES = {
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "EL",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
}
EEA_STATES = {"IS", "LI", "NO"}
NOT_ISO = {"SP": "ES", "UK": "GB"}  # codes providers print that are not ISO 3166 alpha-2
EU_LANGUAGES = [
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "it",
    "lt",
    "lv",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
]
OTHER_LANGUAGES = [
    "ar",
    "bn",
    "bs",
    "ca",
    "eu",
    "fa",
    "gl",
    "he",
    "hi",
    "id",
    "is",
    "ja",
    "ko",
    "lb",
    "mk",
    "ms",
    "nb",
    "no",
    "ru",
    "sq",
    "sr",
    "sw",
    "th",
    "tl",
    "tr",
    "uk",
    "ur",
    "vi",
    "zh",
]
LANGUAGE_ALIASES = {"iw": "he"}  # the withdrawn ISO 639 code for Hebrew
LANGUAGES = {*EU_LANGUAGES, *OTHER_LANGUAGES}


def language_scope(code: str) -> str:
    """The scope id of a language breakdown: ``lang:de`` (see docs/schema.md)."""
    return f"lang:{code}"
