"""The changes feed written by each build."""

import json
import xml.etree.ElementTree as ET

from tests.conftest import FIXTURES
from transparency.acquisition.store import SnapshotStore
from transparency.build.compose import build

URL = "https://transparency.fb.com/sr/community-standards/"


def test_feed_lists_new_releases_and_restated_values(isolated_home):
    build()
    first = json.loads((isolated_home / "feed" / "changes.json").read_text())
    assert {e["kind"] for e in first} == {"new_release"}
    [meta] = [e for e in first if "meta-cser-2021-q2.csv" in e["title"]]
    assert meta["link"] == URL and "1,904 values" in meta["summary"]
    SnapshotStore().put_file(
        FIXTURES / "meta_cser" / "meta-cser-sample-2021q3.csv",
        source_id="meta_cser",
        url=URL,
        published_at="2021-11-09",
    )
    build()
    feed = json.loads((isolated_home / "feed" / "changes.json").read_text())
    kinds = [e["kind"] for e in feed]
    assert kinds.count("new_release") == len(first) + 1 and "restated" in kinds
    restated = next(e for e in feed if e["kind"] == "restated")
    assert "meta/facebook content_actioned 2021-Q2: 25,700,000 -> 25,800,000" in restated["summary"]
    assert restated["summary"].startswith("all silently (no note in the file)")
    atom = ET.parse(isolated_home / "feed" / "changes.atom").getroot()
    ns = "{http://www.w3.org/2005/Atom}"
    assert len(atom.findall(f"{ns}entry")) == len(feed)
    build(force=True)  # nothing new: no new entries
    assert json.loads((isolated_home / "feed" / "changes.json").read_text()) == feed
