"""The data-quality log's JSON file: same bytes as the standard library's indented encoder."""
import json

from hypothesis import given, settings, strategies as st

from netcluster.quality import QualityLog, _json_default


def _reference(log):
    return json.dumps(log.to_dict(), ensure_ascii=False, indent=1, default=_json_default)


def test_json_matches_json_dumps_on_hostile_values(tmp_path):
    log = QualityLog()
    log.set_counts("participations", read=5, used=3, file="C:\\data\\참여.csv")
    log.add_many(table="participations", reason="duplicate participation", action="drop",
                 file="C:\\data\\참여.csv", lines=[4, 2], column="org_id",
                 values=['=HYPERLINK("x")', "대학교\n산학협력단"])
    log.add(table="organisations", reason='region "unknown"', action="info", line=None,
            value=float("nan"), detail="tab\there, \u2028 and \x01")
    log.add(table="projects", reason="r", action="repair", file=None, line=7, value=12.5)
    log.add(table="projects", reason="50%s of %d", action="info", file="x%.csv", line=9, value="100%")
    path = tmp_path / "q.json"
    log.to_json(path)
    text = path.read_text(encoding="utf-8")
    assert text == _reference(log)
    back = json.loads(text)
    assert [e["line"] for e in back["events"]] == [None, 2, 4, 7, 9]
    assert back["events"][2]["value"] == '=HYPERLINK("x")'


def test_json_of_empty_log():
    log = QualityLog()
    log.set_counts("participations", read=0, used=0)
    assert log._json_text() == _reference(log)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["projects", "organisations"]),
                          st.one_of(st.none(), st.integers(0, 10**9)),
                          st.one_of(st.none(), st.text(max_size=12))), max_size=30))
def test_json_property(events):
    log = QualityLog()
    for table, line, value in events:
        log.add(table=table, reason="r", action="info", line=line, value=value, file=table + ".csv")
    assert log._json_text() == _reference(log)
