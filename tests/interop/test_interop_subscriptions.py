"""`get_subscriptions` (paged), `transfer_subscription`, `transfer_subscription_to_resource` and
`delegate_subscription_to_customer`: Stigg's Node server SDK 3.95.0 (js/node_subscriptions.mjs)
and our StiggServer make the same calls against the emulator, on their own customers, and
agree."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from stigg_client import StiggServer
from stigg_client.errors import StiggError
from stigg_client.server.models import SlimSubscription
from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess

# Each side has its own customers and subscriptions: compare everything else.
OWN = {"subscriptionId", "customer", "payingCustomer", "startDate", "currentBillingPeriodEnd"}
MOVED = ("planId", "status", "addons", "addonIds", "resource")


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script(
        "node_subscriptions.mjs", emulator_params(emulator, run_prefix), interop_workdir
    )


def plain(value: Any) -> Any:
    """`value` without GraphQL's `__typename` keys."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "__typename"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def shared(page: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in item.items() if k not in OWN} for item in page["data"]]


@pytest.fixture(scope="module")
def ours(emulator: EmulatorProcess, run_prefix: str) -> dict[str, Any]:
    """The same calls as the node script, through our StiggServer (once for the module)."""
    return asyncio.run(_our_calls(emulator, run_prefix))


async def _our_calls(emulator: EmulatorProcess, run_prefix: str) -> dict[str, Any]:
    async with StiggServer(
        api_key=emulator.server_key, base_uri=emulator.base_url, realtime_updates=False
    ) as stigg:
        owner, user = f"{run_prefix}-py-owner", f"{run_prefix}-py-user"
        for customer_id in (owner, user):
            await stigg.provision_customer(customer_id, subscription_params=None)
        ids = []
        for n in range(3):
            result = await stigg.provision_subscription(
                owner, "plan-workspace-free", resource_id=f"ws-{n}"
            )
            assert result.subscription is not None and result.subscription.id is not None
            ids.append(result.subscription.id)
        first = await stigg.get_subscriptions(customer_id=owner, limit=2)
        after = first.page_info.end_cursor
        out: dict[str, Any] = {"ids": ids, "owner": owner, "user": user}
        out["first"] = first.model_dump(mode="json", by_alias=True)
        out["next"] = (
            await stigg.get_subscriptions(customer_id=owner, limit=2, starting_after=after)
        ).model_dump(mode="json", by_alias=True)
        out["back"] = await stigg.get_subscriptions(
            customer_id=owner, limit=1, ending_before=first.page_info.start_cursor
        )
        out["filtered"] = (
            await stigg.get_subscriptions(
                customer_id=owner,
                resource_id=["ws-0", "ws-2"],
                status="ACTIVE",
                product_id="product-workspaces",
            )
        ).model_dump(mode="json", by_alias=True)
        out["transfer"] = await stigg.transfer_subscription(owner, "ws-0", "ws-moved")
        out["to_resource"] = await stigg.transfer_subscription_to_resource(ids[1], "ws-final")
        with pytest.raises(StiggError) as taken:
            await stigg.transfer_subscription_to_resource(ids[2], "ws-final")
        out["taken"] = str(taken.value)
        out["delegate"] = await stigg.delegate_subscription_to_customer(ids[2], user)
        out["delegated"] = (await stigg.get_subscriptions(customer_id=user)).model_dump(
            mode="json", by_alias=True
        )
        return out


def test_pages_match_the_node_sdk(run: ScenarioRun, ours: dict[str, Any]) -> None:
    theirs_first = plain(run.value("getSubscriptions.first"))
    theirs_next = plain(run.value("getSubscriptions.next"))
    ids = ours["ids"]
    assert [item["subscriptionId"] for item in ours["first"]["data"]] == [ids[2], ids[1]]
    assert [item["subscriptionId"] for item in ours["next"]["data"]] == [ids[0]]
    assert ours["back"].data == []  # nothing comes before the first page
    assert set(theirs_first["data"][0]) <= set(ours["first"]["data"][0])
    assert shared(ours["first"]) == shared(theirs_first)
    assert shared(ours["next"]) == shared(theirs_next)
    for page in ("first", "next"):
        mine = {k: v for k, v in ours[page]["pageInfo"].items() if not k.endswith("Cursor")}
        theirs = plain(run.value(f"getSubscriptions.{page}"))["pageInfo"]
        assert mine == {k: v for k, v in theirs.items() if not k.endswith("Cursor")}
    assert theirs_first["data"][0]["customer"]["customerId"].endswith("-node-owner")
    assert shared(ours["filtered"]) == shared(plain(run.value("getSubscriptions.filtered")))
    assert [item["resource"]["resourceId"] for item in ours["filtered"]["data"]] == ["ws-2", "ws-0"]


def _moved(subscription: SlimSubscription) -> dict[str, Any]:
    wire = subscription.model_dump(mode="json", by_alias=True)
    return {key: wire[key] for key in MOVED}


def test_moves_match_the_node_sdk(run: ScenarioRun, ours: dict[str, Any]) -> None:
    for step, key in (
        ("transferSubscription", "transfer"),
        ("transferSubscriptionToResource", "to_resource"),
        ("delegateSubscriptionToCustomer", "delegate"),
    ):
        theirs = run.value(step)
        assert _moved(ours[key]) == {name: theirs[name] for name in MOVED}, step
    assert ours["transfer"].resource.id == "ws-moved"
    assert ours["to_resource"].resource.id == "ws-final"
    assert ours["delegate"].customer_id == ours["user"]
    assert run.value("delegateSubscriptionToCustomer")["customerId"].endswith("-node-user")
    assert "already has subscription" in run.error("transferSubscriptionToResource.taken")
    assert "already has subscription" in ours["taken"]


def test_delegated_subscription_is_listed_under_its_user(
    run: ScenarioRun, ours: dict[str, Any]
) -> None:
    theirs = plain(run.value("getSubscriptions.delegated"))
    assert shared(ours["delegated"]) == shared(theirs)
    mine = ours["delegated"]["data"][0]
    assert mine["customer"] == {"customerId": ours["user"]}
    assert mine["payingCustomer"] == {"customerId": ours["owner"]}
    assert theirs["data"][0]["payingCustomer"]["customerId"].endswith("-node-owner")
