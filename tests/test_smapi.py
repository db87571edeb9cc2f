"""The manifest and every interaction model survive Amazon's own model classes (ask-smapi-model,
the Skill Management API's Python models) with nothing dropped: a field those classes do not know
is a field SMAPI, `ask deploy` and the console would not take either."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ask_sdk_model_runtime.serializer import DefaultSerializer

from devtools.release.lint import MANIFEST
from interaction_model import LOCALES, build

MANIFEST_TYPE = "ask_smapi_model.v1.skill.manifest.skill_manifest_envelope.SkillManifestEnvelope"
MODEL_TYPE = "ask_smapi_model.v1.skill.interaction_model.interaction_model_data.InteractionModelData"
SERIALIZER = DefaultSerializer()


def round_trip(data: dict[str, Any], type_name: str) -> Any:
    return SERIALIZER.serialize(SERIALIZER.deserialize(json.dumps(data), type_name))


def differences(before: Any, after: Any, where: str = "") -> list[str]:
    """Every path where `after` lost, gained or changed something of `before`."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = [f"{where}/{key}: dropped" for key in before.keys() - after.keys()]
        found += [f"{where}/{key}: added" for key in after.keys() - before.keys()]
        for key in before.keys() & after.keys():
            found += differences(before[key], after[key], f"{where}/{key}")
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        pairs = enumerate(zip(before, after, strict=True))
        return [found for index, pair in pairs for found in differences(*pair, f"{where}[{index}]")]
    return [] if before == after else [f"{where}: {before!r} became {after!r}"]


def test_the_manifest_round_trips_through_the_smapi_manifest_model() -> None:
    manifest = json.loads(MANIFEST.read_text())
    assert differences(manifest, round_trip(manifest, MANIFEST_TYPE)) == []


def test_a_manifest_with_a_lambda_endpoint_round_trips_too() -> None:
    manifest = json.loads(MANIFEST.read_text())
    manifest["manifest"]["apis"]["custom"]["endpoint"] = {
        "uri": "arn:aws:lambda:us-east-1:210987654321:function:muscle-twitch-guide"
    }
    assert differences(manifest, round_trip(manifest, MANIFEST_TYPE)) == []


def test_an_unknown_field_is_caught() -> None:
    """The check itself: the shopping-kit field Amazon's model never had is reported as dropped."""
    manifest = json.loads(MANIFEST.read_text())
    shopping_kit = manifest["manifest"]["privacyAndCompliance"]["shoppingKit"]
    shopping_kit["isAmazonAssociatesOnAmazonShoppingEnabled"] = False
    assert differences(manifest, round_trip(manifest, MANIFEST_TYPE)) == [
        "/manifest/privacyAndCompliance/shoppingKit/isAmazonAssociatesOnAmazonShoppingEnabled: dropped"
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_interaction_model_round_trips_through_the_smapi_model(locale: str) -> None:
    model = build(locale)
    assert differences(model, round_trip(model, MODEL_TYPE)) == []
