import shutil

import pytest

from transparency import paths
from transparency.harmonisation import registries
from transparency.harmonisation.registries import RegistryError


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
        # a bare web domain with no alias of its own: the name before the domain ending
        ("XNXX.COM", ("nkl", "xnxx")),
        ("XVIDEOS.COM", ("webgroup_czech", "xvideos")),
        ("PORNHUB.COM", ("aylo", "pornhub")),
        ("STRIPCHAT.COM", ("technius", "stripchat")),
        ("www.xvideos.com", ("webgroup_czech", "xvideos")),
        ("Booking.com", ("booking", "booking")),  # its own alias wins
        ("Name.com", ("name_com", "")),
        ("unknown-tube.com", None),  # only names the registry knows
        ("XNXX.COM Ltd", None),  # not a bare domain
        ("help.pornhub.com", None),
    ],
)
def test_platform_aliases(reg, label, expected):
    assert reg.platform(label) == expected


def test_numbered_policy_label_falls_back_to_its_unnumbered_label(reg):
    other = "STATEMENT_CATEGORY_CYBER_VIOLENCE / KEYWORD_OTHER"
    src = "dsa_harmonised_reports"
    assert reg.label(src, "policy", other) == "cyber_violence.other"
    assert reg.label(src, "policy", other + " #2") == "cyber_violence.other"
    assert reg.label(src, "policy", other + " #12") == "cyber_violence.other"
    assert reg.label(src, "policy", "KEYWORD_OTHER #1") is None  # the bare label is unmapped too
    assert reg.label(src, "metric", "Notices (Article 16) | Median time to take action #2") is None


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
