"""Users: each role bound to what it acts for."""

from __future__ import annotations

import pytest

from docgen.domain.users import InvalidUser, User


def test_an_organisation_applicant_acts_for_its_bin_and_an_individual_for_their_iin() -> None:
    head = User("120340001230", "applicant", "Есенгалиев Н.", iin="850715300330", bin="120340001230")
    person = User("880501300124", "applicant", "Ахметов Д.", iin="880501300124")
    assert head.holder == "120340001230" and person.holder == "880501300124"
    assert head.actor().kind == "applicant" and person.actor().login == "880501300124"


@pytest.mark.parametrize(
    "fields",
    [
        {"login": "c", "role": "clerk", "name": "C"},  # a clerk with no provider
        {"login": "o", "role": "operator", "name": "O", "provider": "x", "centre": "a"},
        {"login": "a", "role": "applicant", "name": "A"},  # no IIN
        {"login": "a", "role": "applicant", "name": "A", "iin": "880501300125"},  # bad check digit
        {"login": "b", "role": "admin", "name": "B", "bin": "120340001230"},
        {"login": "", "role": "admin", "name": "B"},
        {"login": "x", "role": "superuser", "name": "X"},
    ],
)
def test_a_user_not_bound_as_their_role_needs_is_refused_in_both_languages(fields: dict[str, str]) -> None:
    with pytest.raises(InvalidUser) as caught:
        User(**fields)
    assert caught.value.message("kk") != caught.value.message("ru")


def test_an_administrator_takes_no_step_of_a_request() -> None:
    with pytest.raises(InvalidUser):
        User("admin", "admin", "Әкімші").actor()
