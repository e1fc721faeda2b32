"""One masking rule: which columns hold ID, account and phone numbers, and how they are hidden."""

from __future__ import annotations

import pytest

from rmdesk.models import Base
from rmdesk.services.common.masking import is_masked_column, mask_number


@pytest.mark.parametrize(
    "name",
    [
        "id_number",
        "id_no",
        "idNo",
        "id_card",
        "account_no",
        "account_number",
        "accountNo",
        "counterparty_account",
        "card_no",
        "phone",
        "phone_number",
        "mobile",
        "mobile_no",
        "contact_phone",
        "tel",
        "passport_no",
    ],
)
def test_a_column_named_for_a_number_is_masked(name: str) -> None:
    assert is_masked_column(name)


@pytest.mark.parametrize(
    "name",
    [
        "id",
        "client_id",
        "external_id",
        "flag_id",
        "account_type",
        "mobile_banking",
        "phone_verified",
        "hotel",
        "name",
        "rank_no_more",
        "",
    ],
)
def test_keys_and_other_columns_are_not(name: str) -> None:
    assert not is_masked_column(name)


def test_the_schemas_masked_columns() -> None:
    """Today's tables: these are what every export masks (a new one is masked by its name)."""
    masked = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if is_masked_column(column.name)
    }
    assert masked == {
        "clients.id_number",
        "clients.mobile",
        "clients.phone",
        "contact_persons.mobile",
        "contact_persons.phone",
        "holdings.account_no",
        "transactions.counterparty_account",
    }


def test_the_mask_is_the_one_on_screen_and_paper() -> None:
    assert mask_number("6222000000000174218") == "6222***********4218"
    assert mask_number("13812345678") == "1381***5678"
    assert mask_number("12345") == "***45" and mask_number(None) == ""
