from transparency.acquisition.store import SnapshotStore, sha256_bytes


def test_bytes_are_kept_once_by_content_hash(tmp_path):
    store = SnapshotStore(tmp_path / "store")
    data = b"app,policy_area,metric,period,value\n"
    snap, new = store.put_bytes(
        data, source_id="meta_cser", url="https://example.org/a.csv", published_at="2021-08-18"
    )
    again, new2 = store.put_bytes(data, source_id="meta_cser", url="https://example.org/a.csv")
    assert new and not new2
    assert snap.sha256 == again.sha256 == sha256_bytes(data)
    assert store.path_for(snap.sha256).read_bytes() == data
    side = store.get(snap.sha256)
    assert side is not None
    assert (side.url, side.bytes, side.published_at, side.media_type) == (
        "https://example.org/a.csv",
        len(data),
        "2021-08-18",
        "text/csv",
    )
    assert [s.sha256 for s in store] == [snap.sha256]
    assert not list((tmp_path / "store").rglob(".tmp-*"))


def test_latest_for_url_picks_newest_retrieval(tmp_path):
    store = SnapshotStore(tmp_path)
    store.put_bytes(
        b"one",
        source_id="s",
        url="https://e.org/x",
        retrieved_at="2024-01-01T00:00:00Z",
        etag='"1"',
    )
    store.put_bytes(
        b"two",
        source_id="s",
        url="https://e.org/x",
        retrieved_at="2024-02-01T00:00:00Z",
        etag='"2"',
    )
    latest = store.latest_for_url("https://e.org/x")
    assert latest is not None and latest.etag == '"2"'
