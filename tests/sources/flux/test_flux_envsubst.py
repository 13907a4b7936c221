"""Flux's envsubst (fluxcd/pkg/envsubst, strict mode off), case by case."""

from __future__ import annotations

import pytest

from labbook.sources.flux.envsubst import SubstitutionError, references, substitute

VARS = {"APP": "atuin", "EMPTY": "", "DOMAIN": "lab.example.net", "PATH_LIKE": "a/b/c"}

CASES = [
    ("${APP}", "atuin"),
    ("${APP}.${DOMAIN}", "atuin.lab.example.net"),
    ("${UNSET}", ""),
    ("${UNSET:=fallback}", "fallback"),
    ("${UNSET:-fallback}", "fallback"),
    ("${UNSET=fallback}", "fallback"),
    ("${EMPTY:=fallback}", "fallback"),
    ("${APP:=fallback}", "atuin"),
    ("${UNSET:=${APP}-x}", "atuin-x"),
    ("${UNSET:=192.168.1.240-192.168.1.250}", "192.168.1.240-192.168.1.250"),
    ("$${APP}", "${APP}"),
    ("$$${APP}", "$atuin"),
    ("$$$${APP}", "$${APP}"),
    ("cost: $5 and $APP", "cost: $5 and $APP"),
    ("${APP^^}", "ATUIN"),
    ("${APP^}", "Atuin"),
    ("${#APP}", "5"),
    ("${APP:1:2}", "tu"),
    ("${APP:2}", "uin"),
    ("${APP/t/T}", "aTuin"),
    ("${PATH_LIKE//\\//-}", "a-b-c"),
    ("${APP#a}", "tuin"),
    ("${APP%n}", "atui"),
    ("no variables here", "no variables here"),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_substitution(text, expected):
    assert substitute(text, VARS) == expected


@pytest.mark.parametrize(
    "text", ["${", "${ APP}", "${APP-x}", "${APP:=x", "${}"], ids=["open", "space", "dash", "unclosed", "empty"]
)
def test_flux_rejects_bad_syntax(text):
    with pytest.raises(SubstitutionError):
        substitute(text, VARS)


def test_unresolved_variables_stay_placeholders_whatever_the_expression():
    out = substitute("${TOKEN} ${TOKEN:=x} ${APP}", VARS, frozenset({"TOKEN"}))
    assert out == "${TOKEN} ${TOKEN} atuin"


def test_references():
    assert references("${A}-${B:=${C}} $${D} $E") == {"A", "B", "C"}
    assert references("${") == set()
