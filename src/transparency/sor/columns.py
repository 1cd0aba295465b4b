"""Column lists and enumerations of the statement-of-reasons dumps.

Source of truth: ``app/Exports/StatementExportTrait.php`` (``headings()``, ``headingsLight()``) and
``app/Models/Statement.php`` of digital-services-act/transparency-database; see
``shared/sources/dsa_statements_of_reasons.md`` sections 3-5. v2 (dumps from 2025-07-01) inserts
``content_id_ean`` after ``content_date``. Values in dumps are enum *keys*, not display labels.
"""

from __future__ import annotations

from datetime import date

V2_START = date(2025, 7, 1)

FULL_V1: tuple[str, ...] = (
    "uuid",
    "decision_visibility",
    "decision_visibility_other",
    "end_date_visibility_restriction",
    "decision_monetary",
    "decision_monetary_other",
    "end_date_monetary_restriction",
    "decision_provision",
    "end_date_service_restriction",
    "decision_account",
    "end_date_account_restriction",
    "account_type",
    "decision_ground",
    "decision_ground_reference_url",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "incompatible_content_illegal",
    "category",
    "category_addition",
    "category_specification",
    "category_specification_other",
    "content_type",
    "content_type_other",
    "content_language",
    "content_date",
    "territorial_scope",
    "application_date",
    "decision_facts",
    "source_type",
    "source_identity",
    "automated_detection",
    "automated_decision",
    "platform_name",
    "platform_uid",
    "created_at",
)
FULL_V2: tuple[str, ...] = (*FULL_V1[:27], "content_id_ean", *FULL_V1[27:])
_NOT_LIGHT = {
    "illegal_content_explanation",
    "incompatible_content_explanation",
    "territorial_scope",
    "decision_facts",
}
LIGHT_V1: tuple[str, ...] = tuple(c for c in FULL_V1 if c not in _NOT_LIGHT)
LIGHT_V2: tuple[str, ...] = tuple(c for c in FULL_V2 if c not in _NOT_LIGHT)

HEADERS: dict[tuple[str, ...], tuple[int, str]] = {
    FULL_V1: (1, "full"),
    FULL_V2: (2, "full"),
    LIGHT_V1: (1, "light"),
    LIGHT_V2: (2, "light"),
}

# The dump columns the daily aggregate is keyed by, in this order (raw values, before harmonising).
RAW_KEYS: tuple[str, ...] = (
    "platform_name",
    "category",
    "category_specification",
    "decision_visibility",
    "decision_account",
    "decision_monetary",
    "decision_provision",
    "decision_ground",
    "automated_detection",
    "automated_decision",
    "content_type",
    "source_type",
)
ARRAY_KEYS = frozenset({"category_specification", "decision_visibility", "content_type"})

# The warehouse table sor_daily, exactly (the dashboard codes against these names).
DAILY_COLUMNS: tuple[str, ...] = (
    "date",
    "platform",
    "platform_name",
    "category",
    "keyword",
    "decision_visibility",
    "decision_account",
    "decision_monetary",
    "decision_provision",
    "decision_ground",
    "automated_detection",
    "automated_decision",
    "content_type",
    "source_type",
    "count",
)
# Raw key -> sor_daily column.
KEY_TO_DAILY = {k: ("keyword" if k == "category_specification" else k) for k in RAW_KEYS}

DECISION_VISIBILITY = (
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER",
)
DECISION_MONETARY = (
    "DECISION_MONETARY_SUSPENSION",
    "DECISION_MONETARY_TERMINATION",
    "DECISION_MONETARY_OTHER",
)
DECISION_PROVISION = (
    "DECISION_PROVISION_PARTIAL_SUSPENSION",
    "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION",
    "DECISION_PROVISION_TOTAL_TERMINATION",
)
DECISION_ACCOUNT = ("DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED")
DECISION_GROUND = ("DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT")
CONTENT_TYPE = (
    "CONTENT_TYPE_APP",
    "CONTENT_TYPE_AUDIO",
    "CONTENT_TYPE_IMAGE",
    "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA",
    "CONTENT_TYPE_TEXT",
    "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER",
)
SOURCE_TYPE = (
    "SOURCE_ARTICLE_16",
    "SOURCE_TRUSTED_FLAGGER",
    "SOURCE_TYPE_OTHER_NOTIFICATION",
    "SOURCE_VOLUNTARY",
)
AUTOMATED_DECISION = (
    "AUTOMATED_DECISION_FULLY",
    "AUTOMATED_DECISION_PARTIALLY",
    "AUTOMATED_DECISION_NOT_AUTOMATED",
)
YES_NO = ("Yes", "No")

_C = "STATEMENT_CATEGORY_"
CATEGORIES_V2 = tuple(
    _C + c
    for c in (
        "ANIMAL_WELFARE",
        "CONSUMER_INFORMATION",
        "CYBER_VIOLENCE",
        "CYBER_VIOLENCE_AGAINST_WOMEN",
        "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "ILLEGAL_OR_HARMFUL_SPEECH",
        "INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "NOT_SPECIFIED_NOTICE",
        "OTHER_VIOLATION_TC",
        "PROTECTION_OF_MINORS",
        "RISK_FOR_PUBLIC_SECURITY",
        "SCAMS_AND_FRAUD",
        "SELF_HARM",
        "UNSAFE_AND_PROHIBITED_PRODUCTS",
        "VIOLENCE",
    )
)
CATEGORIES_V1 = tuple(
    _C + c
    for c in (
        "ANIMAL_WELFARE",
        "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "ILLEGAL_OR_HARMFUL_SPEECH",
        "INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "NON_CONSENSUAL_BEHAVIOUR",
        "PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
        "PROTECTION_OF_MINORS",
        "RISK_FOR_PUBLIC_SECURITY",
        "SCAMS_AND_FRAUD",
        "SCOPE_OF_PLATFORM_SERVICE",
        "SELF_HARM",
        "UNSAFE_AND_ILLEGAL_PRODUCTS",
        "VIOLENCE",
    )
)

# v2 keywords by v2 category (resources/markdown/documentation.md section 16).
KEYWORDS_V2: dict[str, tuple[str, ...]] = {
    "ANIMAL_WELFARE": ("ANIMAL_HARM", "UNLAWFUL_SALE_ANIMALS"),
    "CONSUMER_INFORMATION": (
        "HIDDEN_ADVERTISEMENT",
        "INSUFFICIENT_INFORMATION_ON_TRADERS",
        "MISLEADING_INFO_GOODS_SERVICES",
        "MISLEADING_INFO_CONSUMER_RIGHTS",
        "NONCOMPLIANCE_PRICING",
    ),
    "CYBER_VIOLENCE": (
        "CYBER_BULLYING_INTIMIDATION",
        "CYBER_HARASSMENT",
        "CYBER_INCITEMENT",
        "CYBER_STALKING",
        "NON_CONSENSUAL_IMAGE_SHARING",
        "NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    ),
    "CYBER_VIOLENCE_AGAINST_WOMEN": (
        "BULLYING_AGAINST_GIRLS",
        "CYBER_HARASSMENT_AGAINST_WOMEN",
        "CYBER_STALKING_AGAINST_WOMEN",
        "FEMALE_GENDERED_DISINFORMATION",
        "INCITEMENT_AGAINST_WOMEN",
        "NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
        "NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
    ),
    "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS": (
        "BIOMETRIC_DATA_BREACH",
        "DATA_FALSIFICATION",
        "MISSING_PROCESSING_GROUND",
        "RIGHT_TO_BE_FORGOTTEN",
    ),
    "ILLEGAL_OR_HARMFUL_SPEECH": ("DEFAMATION", "DISCRIMINATION", "HATE_SPEECH"),
    "INTELLECTUAL_PROPERTY_INFRINGEMENTS": (
        "COPYRIGHT_INFRINGEMENT",
        "DESIGN_INFRINGEMENT",
        "GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
        "PATENT_INFRINGEMENT",
        "TRADE_SECRET_INFRINGEMENT",
        "TRADEMARK_INFRINGEMENT",
    ),
    "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS": (
        "MISINFORMATION_DISINFORMATION",
        "VIOLATION_EU_LAW",
        "VIOLATION_NATIONAL_LAW",
    ),
    "OTHER_VIOLATION_TC": (
        "ADULT_SEXUAL_MATERIAL",
        "AGE_SPECIFIC_RESTRICTIONS",
        "GEOGRAPHICAL_REQUIREMENTS",
        "GOODS_SERVICES_NOT_PERMITTED",
        "LANGUAGE_REQUIREMENTS",
        "NUDITY",
    ),
    "PROTECTION_OF_MINORS": (
        "AGE_SPECIFIC_RESTRICTIONS_MINORS",
        "CHILD_SEXUAL_ABUSE_MATERIAL",
        "CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
        "GROOMING_SEXUAL_ENTICEMENT_MINORS",
        "UNSAFE_CHALLENGES",
    ),
    "RISK_FOR_PUBLIC_SECURITY": (
        "ILLEGAL_ORGANIZATIONS",
        "RISK_ENVIRONMENTAL_DAMAGE",
        "RISK_PUBLIC_HEALTH",
        "TERRORIST_CONTENT",
    ),
    "SCAMS_AND_FRAUD": (
        "IMPERSONATION_ACCOUNT_HIJACKING",
        "INAUTHENTIC_ACCOUNTS",
        "INAUTHENTIC_LISTINGS",
        "INAUTHENTIC_USER_REVIEWS",
        "PHISHING",
        "PYRAMID_SCHEMES",
    ),
    "SELF_HARM": ("CONTENT_PROMOTING_EATING_DISORDERS", "SELF_MUTILATION", "SUICIDE"),
    "UNSAFE_AND_PROHIBITED_PRODUCTS": ("PROHIBITED_PRODUCTS", "UNSAFE_PRODUCTS"),
    "VIOLENCE": (
        "COORDINATED_HARM",
        "INCITEMENT_VIOLENCE_HATRED",
        "HUMAN_EXPLOITATION",
        "HUMAN_TRAFFICKING",
        "TRAFFICKING_WOMEN_GIRLS",
    ),
}
KEYWORDS_V2_ALL = tuple(
    sorted({"KEYWORD_" + k for ks in KEYWORDS_V2.values() for k in ks} | {"KEYWORD_OTHER"})
)

# v1 keywords by v1 category, as used by the synthetic generator (v1 names where they differ).
KEYWORDS_V1: dict[str, tuple[str, ...]] = {
    "ANIMAL_WELFARE": ("ANIMAL_HARM", "UNLAWFUL_SALE_ANIMALS"),
    "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS": (
        "BIOMETRIC_DATA_BREACH",
        "MISSING_PROCESSING_GROUND",
        "RIGHT_TO_BE_FORGOTTEN",
        "DATA_FALSIFICATION",
    ),
    "ILLEGAL_OR_HARMFUL_SPEECH": ("DEFAMATION", "DISCRIMINATION", "HATE_SPEECH"),
    "INTELLECTUAL_PROPERTY_INFRINGEMENTS": (
        "COPYRIGHT_INFRINGEMENT",
        "DESIGN_INFRINGEMENT",
        "PATENT_INFRINGEMENT",
        "TRADEMARK_INFRINGEMENT",
    ),
    "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS": (
        "DISINFORMATION",
        "FOREIGN_INFORMATION_MANIPULATION",
        "MISINFORMATION",
    ),
    "NON_CONSENSUAL_BEHAVIOUR": ("NON_CONSENSUAL_ITEMS_DEEPFAKE", "ONLINE_BULLYING_INTIMIDATION"),
    "PORNOGRAPHY_OR_SEXUALIZED_CONTENT": ("ADULT_SEXUAL_MATERIAL", "IMAGE_BASED_SEXUAL_ABUSE"),
    "PROTECTION_OF_MINORS": (
        "AGE_SPECIFIC_RESTRICTIONS_MINORS",
        "CHILD_SEXUAL_ABUSE_MATERIAL",
        "GROOMING_SEXUAL_ENTICEMENT_MINORS",
        "UNSAFE_CHALLENGES",
    ),
    "RISK_FOR_PUBLIC_SECURITY": (
        "ILLEGAL_ORGANIZATIONS",
        "RISK_PUBLIC_HEALTH",
        "TERRORIST_CONTENT",
    ),
    "SCAMS_AND_FRAUD": (
        "IMPERSONATION_ACCOUNT_HIJACKING",
        "INAUTHENTIC_ACCOUNTS",
        "INAUTHENTIC_LISTINGS",
        "INAUTHENTIC_USER_REVIEWS",
        "PHISHING",
        "PYRAMID_SCHEMES",
    ),
    "SCOPE_OF_PLATFORM_SERVICE": (
        "AGE_SPECIFIC_RESTRICTIONS",
        "GEOGRAPHICAL_REQUIREMENTS",
        "GOODS_SERVICES_NOT_PERMITTED",
        "LANGUAGE_REQUIREMENTS",
        "NUDITY",
    ),
    "SELF_HARM": ("CONTENT_PROMOTING_EATING_DISORDERS", "SELF_MUTILATION", "SUICIDE"),
    "UNSAFE_AND_ILLEGAL_PRODUCTS": (
        "INSUFFICIENT_INFORMATION_TRADERS",
        "PROHIBITED_PRODUCTS",
        "UNSAFE_PRODUCTS",
        "REGULATED_GOODS_SERVICES",
        "DANGEROUS_TOYS",
    ),
    "VIOLENCE": (
        "COORDINATED_HARM",
        "GENDER_BASED_VIOLENCE",
        "HUMAN_EXPLOITATION",
        "HUMAN_TRAFFICKING",
        "INCITEMENT_VIOLENCE_HATRED",
        "TRAFFICKING_WOMEN_GIRLS",
    ),
}
KEYWORDS_V1_ALL = tuple(
    sorted({"KEYWORD_" + k for ks in KEYWORDS_V1.values() for k in ks} | {"KEYWORD_OTHER"})
)

EEA = (
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IS",
    "IT",
    "LI",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
)


def schema_version_for(day: date) -> int:
    """The schema a dump of this day uses: 1 before 2025-07-01, 2 from then on."""
    return 2 if day >= V2_START else 1


def header_for(version: int, light: bool = False) -> tuple[str, ...]:
    if light:
        return LIGHT_V2 if version == 2 else LIGHT_V1
    return FULL_V2 if version == 2 else FULL_V1
