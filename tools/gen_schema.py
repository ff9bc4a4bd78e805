"""Generate the emulator's GraphQL SDL from Stigg's published schema.

Stigg ships its whole schema as sgqlc types in the PyPI package `stigg-api-client`
(`stigg/generated/schema.py`); every sgqlc type prints its own SDL. This script downloads that
package and `sgqlc` into a temporary directory (they are *not* project dependencies), prints the
full SDL, keeps only the root fields the emulator implements (``ROOT_FIELDS``) plus every type
reachable from them, and writes the result to ``stigg_emulator/graphql/stigg.graphql``.

Usage: ``.venv/bin/python tools/gen_schema.py [--wheel-dir DIR] [--full-out FILE]``
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from types import ModuleType

from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    get_named_type,
    print_type,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT = REPO_ROOT / "stigg_emulator" / "graphql" / "stigg.graphql"
# 6.25.0 is the newest release and already carries the credit operations (first in 6.16.0-6.19.0);
# see docs/design/credits.md. Bump here, then regenerate.
STIGG_API_CLIENT_VERSION = "6.25.0"
PACKAGES = (f"stigg-api-client=={STIGG_API_CLIENT_VERSION}", "sgqlc==18")
BUILTIN_SCALARS = {"Int", "Float", "String", "Boolean", "ID"}
SCHEMA_BLOCK = "schema {\n  query: Query\n  mutation: Mutation\n  subscription: Subscription\n}"

# Root fields the emulator resolves; everything else is pruned from the served schema.
ROOT_FIELDS: dict[str, tuple[str, ...]] = {
    "Query": (
        "cachedEntitlements",
        "entitlementsState",
        "entitlement",
        "sdkConfiguration",
        "paywall",
        "customerPortal",
        "checkoutState",
        "getActiveSubscriptions",
        "getCustomerByRefId",
        "getSubscription",
        "subscriptions",
        "coupons",
        "products",
        "usageHistory",
        "usageHistoryV2",
        "creditBalanceSummary",
        "creditGrants",
        "creditsLedger",
        "creditUsage",
        "estimateEventCost",
        "estimateUsageCost",
        "getAutoRechargeSettings",
    ),
    "Mutation": (
        "provisionCustomer",
        "updateOneCustomer",
        "archiveCustomer",
        "unarchiveCustomer",
        "detachCustomerPaymentMethod",
        "importOneCustomer",
        "importCustomersBulk",
        "importSubscriptionsBulk",
        "provisionSubscriptionV2",
        "applySubscription",
        "updateOneSubscription",
        "cancelSubscription",
        "cancelSchedule",
        "migrateSubscriptionToLatest",
        "transferSubscription",
        "transferSubscriptionToResource",
        "delegateSubscriptionToCustomer",
        "estimateSubscription",
        "estimateSubscriptionUpdate",
        "previewSubscription",
        "previewNextInvoice",
        "reportUsage",
        "reportUsageBulk",
        "reportEvent",
        "grantPromotionalEntitlements",
        "revokePromotionalEntitlement",
        "grantPromotionalEntitlementsGroup",
        "revokePromotionalEntitlementsGroup",
        "unlinkPromotionalEntitlementsGroup",
        "reportEntitlementCheckRequested",
        "createCreditGrant",
        "voidCreditGrant",
        "consumeCredits",
        "consumeCreditsAsync",
        "saveAutoRechargeSettings",
    ),
    "Subscription": (
        "creditBalanceUpdated",
        "entitlementsUpdated",
        "entitlementsUpdatedV2",
        "usageUpdated",
        "usageUpdatedV2",
        "packagePublished",
    ),
}


def download_wheels(target: Path) -> None:
    """Fetch the two wheels with pip (no dependencies, nothing installed)."""
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(target)]
    subprocess.run(
        [*command, *PACKAGES],
        check=True,
    )


def load_sgqlc_schema(wheel_dir: Path, work: Path) -> ModuleType:
    """Unpack the wheels into `work` and import Stigg's generated schema module by path."""
    for wheel in sorted(wheel_dir.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(work)
    sys.path.insert(0, str(work))
    spec = importlib.util.spec_from_file_location(
        "stigg_generated_schema", work / "stigg" / "generated" / "schema.py"
    )
    if spec is None or spec.loader is None:
        raise SystemExit("stigg/generated/schema.py not found in the downloaded wheel")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def full_sdl(module: ModuleType) -> str:
    """Print every type of the sgqlc schema as SDL."""
    sgqlc_schema = module.schema
    all_types = sgqlc_schema._Schema__all  # sgqlc keeps its types in this ordered dict
    parts = [
        bytes(kind).decode() for name, kind in all_types.items() if name not in BUILTIN_SCALARS
    ]
    parts.insert(0, SCHEMA_BLOCK)
    return "\n\n".join(parts) + "\n"


def reachable_types(schema: GraphQLSchema, roots: list[GraphQLNamedType]) -> set[str]:
    """Names of every named type reachable from `roots` through fields, arguments and unions."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        named = stack.pop()
        if named.name in seen:
            continue
        seen.add(named.name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field in named.fields.values():
                stack.append(get_named_type(field.type))
                stack.extend(get_named_type(arg.type) for arg in field.args.values())
            stack.extend(named.interfaces)
        elif isinstance(named, GraphQLInputObjectType):
            stack.extend(get_named_type(field.type) for field in named.fields.values())
        elif isinstance(named, GraphQLUnionType):
            stack.extend(named.types)
    return seen


def pruned_sdl(sdl: str) -> str:
    """Keep ``ROOT_FIELDS`` and the types they reach; print them sorted, roots first."""
    schema = build_schema(sdl)
    root_blocks: list[str] = []
    roots: list[GraphQLNamedType] = []
    for root_name, wanted in ROOT_FIELDS.items():
        root = schema.get_type(root_name)
        if not isinstance(root, GraphQLObjectType):
            raise SystemExit(f"root type {root_name} missing from Stigg's schema")
        missing = [name for name in wanted if name not in root.fields]
        if missing:
            raise SystemExit(f"{root_name} has no field(s) {missing}")
        fields = {name: root.fields[name] for name in wanted}
        trimmed = GraphQLObjectType(root_name, fields=fields, description=root.description)
        root_blocks.append(print_type(trimmed))
        for field in fields.values():
            roots.append(get_named_type(field.type))
            roots.extend(get_named_type(arg.type) for arg in field.args.values())
    names = reachable_types(schema, roots) - set(ROOT_FIELDS) - BUILTIN_SCALARS
    blocks = [print_type(schema.type_map[name]) for name in sorted(names)]
    header = (
        f"# Generated by tools/gen_schema.py from PyPI stigg-api-client {STIGG_API_CLIENT_VERSION}"
        " (stigg/generated/schema.py).\n# Do not edit by hand: change ROOT_FIELDS and regenerate.\n"
    )
    return header + "\n\n".join([SCHEMA_BLOCK, *root_blocks, *blocks]) + "\n"


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel-dir", type=Path, help="directory already holding the two wheels")
    parser.add_argument("--full-out", type=Path, help="also write the unpruned SDL here")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="where to write the pruned SDL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel_dir = args.wheel_dir or Path(tmp) / "wheels"
        if args.wheel_dir is None:
            download_wheels(wheel_dir)
        module = load_sgqlc_schema(wheel_dir, Path(tmp) / "site")
        sdl = full_sdl(module)
    build_schema(sdl)  # the full schema must be valid before pruning
    if args.full_out:
        args.full_out.write_text(sdl)
    text = pruned_sdl(sdl)
    build_schema(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"wrote {args.out} ({len(text.splitlines())} lines)")


if __name__ == "__main__":
    main()
