import shutil

import pytest

from transparency import paths, registries
from transparency.registries import RegistryError


@pytest.fixture(scope="module")
def reg():
    return registries.load()


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Twitter, Inc.", ("x", "twitter")),
        ("X Corp", ("x", "x")),
        ("Facebook*", ("meta", "")),
        ("Facebook", ("meta", "facebook")),
        ("instagram", ("meta", "instagram")),
        ("LinkedIn", ("microsoft", "linkedin")),
        ("Discord Inc.", ("discord", "discord")),
    ],
)
def test_platform_aliases(reg, label, expected):
    assert reg.platform(label) == expected


def test_policy_areas_follow_dsa_categories(reg):
    csam = reg.policy_info["protection_of_minors.csam"]
    assert csam["dsa_category"] == "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
    assert csam["dsa_keyword"] == "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"
    assert csam["csea_family"] == "csam"
    for area in reg.policy_areas:
        assert area["parent"] == "" or area["parent"] in reg.policy_info


def test_every_metric_has_unit_and_definition(reg):
    for m in reg.metrics:
        assert (
            m["unit"]
            and m["definition"]
            and m["kind"] in {"count", "share", "duration", "amount", "rate", "date"}
        )


def test_meta_renames_map_to_one_key(reg):
    a = reg.label("meta_cser", "policy", "Dangerous Orgs: Terrorism")
    b = reg.label("meta_cser", "policy", "Dangerous Organizations: Terrorism")
    assert a == b == "public_security.terrorism_violent_extremism"


def test_bad_registry_row_is_named(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir() / "registry", data / "registry")
    (data / "labels").mkdir()
    (data / "labels" / "demo.csv").write_text(
        "field,raw_label,harmonised\npolicy,Foo,no_such_area\n"
    )
    with pytest.raises(
        RegistryError, match=r"labels/demo.csv line 2: unknown policy area 'no_such_area'"
    ):
        registries.load(data)


def test_duplicate_ids_are_named(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir() / "registry", data / "registry")
    (data / "labels").mkdir()
    with (data / "registry" / "metrics.csv").open("a") as fh:
        fh.write("content_actioned,Again,pieces of content,count,a second definition\n")
    with pytest.raises(
        RegistryError,
        match=r"metrics.csv line \d+: 'content_actioned' is already defined at line 2",
    ):
        registries.load(data)
