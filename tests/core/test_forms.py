"""Rapport's form widgets write what Django's write."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.safestring import mark_safe

from rapport.core.forms import Select

CHOICES = [
    ("", "Any <client>"),
    (1, "A & B"),
    (2, 'Say "hi"'),
    (3, "华晨物流"),
    ("Group", [(4, "x"), (5, "y")]),
    (6, mark_safe("<b>already safe</b>")),
]


@pytest.mark.parametrize("value", ["", 2, "3", "4", None, "nonsense"])
@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"id": "id_client", "required": True, "disabled": False, "data-x": 'a"b<c>'},
        {"aria-describedby": "help", "autofocus": True},
    ],
)
def test_select_writes_djangos_html_byte_for_byte(value, attrs):
    ours = Select(choices=CHOICES, attrs=attrs).render("client", value)
    djangos = forms.Select(choices=CHOICES, attrs=attrs).render("client", value)
    assert ours == djangos
    assert "&lt;client&gt;" in ours and "A &amp; B" in ours  # escaped as Django escapes
    assert "<b>already safe</b>" in ours


def test_select_is_what_a_bound_field_renders():
    class Form(forms.Form):
        client = forms.TypedChoiceField(choices=CHOICES, coerce=int, widget=Select)

    class DjangosForm(forms.Form):
        client = forms.TypedChoiceField(choices=CHOICES, coerce=int)

    assert str(Form({"client": "2"})["client"]) == str(DjangosForm({"client": "2"})["client"])
    assert 'value="2" selected' in str(Form({"client": "2"})["client"])


@pytest.mark.django_db
def test_select_writes_a_model_choice_as_django_does():
    from rapport.tenancy.models import User
    from tests import factories

    people = [factories.UserFactory(full_name=name) for name in ("A & B", "华晨 <x>")]

    class Form(forms.Form):
        user = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), widget=Select)

    class DjangosForm(forms.Form):
        user = forms.ModelChoiceField(queryset=User.objects.order_by("pk"))

    for data in ({}, {"user": str(people[1].pk)}, {"user": "nonsense"}):
        assert str(Form(data)["user"]) == str(DjangosForm(data)["user"])
    assert f'value="{people[1].pk}" selected' in str(Form({"user": str(people[1].pk)})["user"])
