"""Selections shared by the client-key and server-key documents, and the operation wrapper.

Every fragment here is plain text that the documents of this package (`entitlements`, `reads`
and `server`) splice in, so a field that both SDKs read is spelled in one place.
"""

from __future__ import annotations

MONEY = "{ amount currency }"

EXPERIMENT_INFO = "{ id name groupName groupType }"

FEATURE_FIELDS = """
  refId
  featureType
  meterType
  featureUnits
  featureUnitsPlural
  displayName
  description
  additionalMetaData"""

FEATURE = "{" + FEATURE_FIELDS + "\n}"

PRICE = (
    """{
  billingModel
  billingPeriod
  billingCountryCode
  minUnitQuantity
  maxUnitQuantity
  blockSize
  tiersMode
  tiers { upTo unitPrice """
    + MONEY
    + """ flatPrice """
    + MONEY
    + """ }
  price """
    + MONEY
    + """
  feature { refId featureUnits featureUnitsPlural displayName }
}"""
)

RESET_PERIOD_CONFIGURATION = """
resetPeriodConfiguration {
  __typename
  ... on MonthlyResetPeriodConfig { monthlyAccordingTo }
  ... on WeeklyResetPeriodConfig { weeklyAccordingTo }
  ... on YearlyResetPeriodConfig { yearlyAccordingTo }
}"""

# Field groups of an entitlement (client `Entitlement`, server `FeatureEntitlement`); each SDK's
# selection interleaves its own extra fields between them.
ENTITLEMENT_ACCESS_FIELDS = """
isGranted
accessDeniedReason"""

ENTITLEMENT_LIMIT_FIELDS = """
usageLimit
hasUnlimitedUsage
hasSoftLimit
enumValues"""

ENTITLEMENT_PERIOD_FIELDS = """
entitlementUpdatedAt
usageUpdatedAt
usagePeriodAnchor
usagePeriodStart
usagePeriodEnd"""

ENTITLEMENT_RESET_FIELDS = "\nresetPeriod" + RESET_PERIOD_CONFIGURATION


def input_operation(kind: str, name: str, input_type: str, field: str, selection: str) -> str:
    """An operation of one field taking `$input`: `kind name($input: T!) { field(input) sel }`."""
    return f"{kind} {name}($input: {input_type}!) {{\n  {field}(input: $input) {selection}\n}}"
