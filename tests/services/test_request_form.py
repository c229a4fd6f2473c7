"""The request as filed, printed: by whoever may read it, once it is signed, with its number."""

from __future__ import annotations

import pytest

from docgen.errors import NotAllowed, RequestNotFound
from tests.conftest import pdf_text
from tests.services.world import World


def test_a_draft_has_no_printed_form_yet(world: World) -> None:
    request_id = world.file("dala")
    with pytest.raises(NotAllowed):
        world.app.documents.request_form(world["dala"], request_id)


def test_another_applicant_cannot_print_someone_elses_request(world: World) -> None:
    request_id = world.registered()
    others = [login for login, user in world.users.items() if user.role == "applicant" and login != "dala"]
    with pytest.raises(NotAllowed):  # as for reading it: the web answers 404
        world.app.documents.request_form(world[others[0]], request_id)
    with pytest.raises(RequestNotFound):
        world.app.documents.request_form(world["dala"], "no-such-request")


def test_the_signed_request_prints_its_number_and_the_signature_in_both_languages(real_world: World) -> None:
    request_id = real_world.registered()
    shown = real_world.app.queries.show(real_world["dala"], request_id)
    form = real_world.app.documents.request_form(real_world["dala"], request_id)
    assert form.copy and form.media_type == "application/pdf"
    text = " ".join(pdf_text(form.content).split())
    assert shown["number"] in text and "«Дала Телеком»" in text
    assert "Есенгалиев Нұрлан Серікұлы" in text  # the signer, as the certificate names him
    ru = real_world.app.documents.request_form(real_world["dala"], request_id, "docx", "ru")
    assert ru.filename.endswith("-request-ru.docx") and ru.content[:2] == b"PK"
