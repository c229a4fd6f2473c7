"""The embedded outside systems behave like the real ones where it matters."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.adapters.outside import LocalNotary, SandboxGateway
from docgen.domain.ports import CallbackRefused


def test_a_paid_order_is_confirmed_by_its_signed_callback() -> None:
    gateway = SandboxGateway(b"shared secret")
    order = gateway.order("r1", "12345.00")
    payload, signature = gateway.pay(order)
    confirmation = gateway.confirm(payload, signature)
    assert (confirmation.request_id, confirmation.amount, confirmation.method) == (
        "r1",
        "12345.00",
        "gateway",
    )


@pytest.mark.parametrize("forge", ["signature", "payload", "secret"])
def test_a_forged_callback_is_refused(forge: str) -> None:
    gateway = SandboxGateway(b"shared secret")
    payload, signature = gateway.pay(gateway.order("r1", "100"))
    if forge == "signature":
        signature = "0" * 64
    elif forge == "payload":
        payload = payload.replace(b'"100"', b'"1"')
    else:
        signature = SandboxGateway(b"another secret").sign(payload)
    with pytest.raises(CallbackRefused):
        gateway.confirm(payload, signature)


def test_the_notary_knows_registered_powers_of_attorney_only() -> None:
    notary = LocalNotary([("17/26", "920214450117", "120340001230")])
    assert notary.power_of_attorney_valid("17/26", dt.date(2026, 9, 1), "920214450117", "120340001230")
    assert not notary.power_of_attorney_valid("17/26", dt.date(2026, 9, 1), "880501300124", "120340001230")
    assert not notary.power_of_attorney_valid("99/99", dt.date(2026, 9, 1), "920214450117", "120340001230")
    # given by another principal: not a power of attorney for this one
    assert not notary.power_of_attorney_valid("17/26", dt.date(2026, 9, 1), "920214450117", "880501300124")
