"""`unarchive_customer` and `detach_customer_payment_method` against the emulator."""

from __future__ import annotations

import pytest

from stigg_client.errors import NotFoundError
from stigg_client.server import StiggServer
from tests.sdk.server.conftest import fresh_id


async def test_unarchive_brings_an_archived_customer_back(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(customer_id, name="Ada", subscription_params=None)
    await server.archive_customer(customer_id)
    with pytest.raises(NotFoundError):
        await server.get_customer(customer_id)

    restored = await server.unarchive_customer(customer_id)

    assert restored.id == customer_id
    assert (await server.get_customer(customer_id)).id == customer_id
    assert restored.model_dump(by_alias=True)["id"] == customer_id


async def test_unarchive_of_an_unknown_customer_is_not_found(server: StiggServer) -> None:
    with pytest.raises(NotFoundError):
        await server.unarchive_customer(fresh_id("never"))


async def test_detach_removes_the_default_payment_method(server: StiggServer) -> None:
    customer_id = fresh_id()
    await server.provision_customer(
        customer_id, billing_info={"payment_method_id": "pm_card_visa"}, subscription_params=None
    )
    assert (await server.get_customer(customer_id)).has_payment_method is True

    detached = await server.detach_customer_payment_method(customer_id)

    assert detached.id == customer_id
    assert (await server.get_customer(customer_id)).has_payment_method is False
