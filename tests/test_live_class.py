"""The live class in the app (issue 24), through Streamlit's AppTest: a teacher's session and students'
sessions in one process, sharing the process's one class store (SQLite in a temporary folder).

A teacher starts a class on Home; students join by the code with a nickname; their reports reach the class
page, whose boundaries are checked against numpy from their weights; pacing, locks, pause, spotlight and a
class experiment reach the students' next run; ending the class and leaving it delete the data; a store
that cannot be reached leaves every page working. Each student's "next run" is what their page's 2-second
ticker (an ``st.fragment(run_every=2)``) starts when the teacher's directive changed; AppTest runs it by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import streamlit.config
from apptest import app, go, ok
from apptest import component as chart  # the data as the server sent it
from streamlit.testing.v1 import AppTest

from perceptron.classroom import store as store_module
from perceptron.data import datasets as ds
from perceptron.session.lab import Lab
from perceptron.session.settings import Settings
from perceptron.views import classviews as cv
from perceptron.web import classroom

streamlit.config.set_option("client.showErrorDetails", "full")
ROOT = Path(__file__).resolve().parents[1]
HOME, DESCENT, HIDDEN, CLASS = "app.py", "pages/4_Gradient_descent.py", "pages/6_Hidden_layer.py", "pages/7_Class.py"
LANDSCAPE = "pages/5_Loss_landscape.py"
HOSTILE = "<b>Bo</b>![](//e.in/x)"  # 24 characters at most


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    """Each test its own SQLite file (so its own store in the process), every report written at once."""
    monkeypatch.setenv("NEURON_LAB_DB", str(tmp_path / "classes.sqlite3"))
    monkeypatch.delenv("NEURON_LAB_DATABASE_URL", raising=False)
    monkeypatch.setattr(store_module, "MIN_WRITE_INTERVAL", 0.0)
    return tmp_path


def store():
    return classroom.service().store


def start() -> tuple[AppTest, str, str]:
    """A teacher presses *Start a live class* on Home."""
    at = app()
    at.text_input(key="class_title").set_value("Period 3")
    ok(at.button(key="class_start").click().run())
    code, key = at.session_state["class_teacher"]
    return at, code, key


def class_page(code: str, key: str) -> AppTest:
    """The teacher's own link, opened in a fresh session."""
    return app(CLASS, {"class": code, "teacher": key})


def join(code: str, name: str, page: str = HOME) -> AppTest:
    """A student types the code and a nickname on Home (then goes to ``page``)."""
    at = app()
    at.text_input(key="class_join_code").set_value(code.lower()[:3] + " " + code[3:])  # as a person may type it
    at.text_input(key="class_join_name").set_value(name)
    ok(at.button(key="FormSubmitter:class_join-Join").click().run())
    assert "seat" in at.query_params, [e.value for e in at.error]
    return go(at, page) if page != HOME else at


def texts(at: AppTest) -> str:
    return " | ".join(e.value for e in [*at.markdown, *at.caption, *at.info, *at.warning, *at.error])


def buttons(at: AppTest) -> dict:
    return {b.key: b for b in at.button}


# --- the teacher starts, students join -------------------------------------------------------------------
def test_a_teacher_starts_a_class_and_the_class_page_needs_the_teachers_link():
    at, code, key = start()
    assert len(code) == 6 and len(key) >= 40
    # the address bar carries the code, never the key (a projector shows it); the browser keeps the key in a cookie
    assert at.query_params["class"] == code and "teacher" not in at.query_params
    assert at.session_state["class_teacher"] == (code, key)
    shown = texts(at)
    assert f"`/?class={code}`" in shown and "Keep this link to yourself" in shown
    assert any(f"Class?class={code}&teacher={key}" in c.value for c in at.code)  # the teacher's own link
    assert any(code in h.proto.body for h in at.get("html"))  # the code, large
    assert len(at.get("image")) == 2, "the join link's QR code, beside the locked-down exercise's"
    # the Share box and the locked-down exercise never carry the key
    assert all("teacher=" not in c.value for c in at.code if "class=" not in c.value)
    page = class_page(code, key)
    assert page.title[0].value == "Live class" and "**0 students**" in texts(page)
    assert "needs the teacher's link" in texts(app(CLASS))
    assert "needs the teacher's link" in texts(app(CLASS, {"class": code}))  # a join link is no teacher's link
    wrong = class_page(code, "x" * 43)
    assert any("does not open this class" in e.value for e in wrong.error)


def test_a_student_joins_by_code_and_the_seat_token_in_the_link_brings_them_back():
    _, code, key = start()
    at = join(code, "  Ada  ")
    token = at.query_params["seat"]
    assert token.split(".")[0].isdigit() and "class" not in at.query_params
    assert "You are `Ada`" in texts(at)
    assert any("joined the class as `Ada`" in i.value for i in at.info)
    go(at, DESCENT)
    assert at.query_params["seat"] == token  # every page keeps it
    # a new session (a reload, a restart of the server) from the same link: the same seat
    again = app(DESCENT, dict(at.query_params))
    assert again.session_state["class_seat"]["nickname"] == "Ada"
    assert again.session_state["class_seat"]["seat"] == at.session_state["class_seat"]["seat"]
    assert "You are `Ada`" in texts(again)
    assert [s.nickname for s in store().roster(code, key).seats] == ["Ada"]
    # the share box's link has no seat: a classmate who opens it does not take it
    share = [c.value for c in again.code]
    assert share and all("seat=" not in c for c in share)


def test_a_join_link_fills_in_the_code_and_a_wrong_code_is_refused():
    _, code, _ = start()
    at = app(query={"class": code})
    assert at.text_input(key="class_join_code").value == code and at.query_params["class"] == code
    at.text_input(key="class_join_code").set_value("ZZZZZZ")
    at.text_input(key="class_join_name").set_value("Cy")
    ok(at.button(key="FormSubmitter:class_join-Join").click().run())
    assert any("No class with this code" in e.value for e in at.error) and "class_seat" not in at.session_state
    at.text_input(key="class_join_code").set_value(code)
    ok(at.button(key="FormSubmitter:class_join-Join").click().run())
    assert at.session_state["class_seat"]["nickname"] == "Cy" and "class_join_code" not in [t.key for t in at.text_input]


def test_a_hostile_nickname_is_shown_as_text_everywhere():
    at, code, key = start()
    student = join(code, HOSTILE, DESCENT)
    name = student.session_state["class_seat"]["nickname"]
    assert name == HOSTILE
    status = [c.value for c in student.caption if c.value.startswith("You are")]
    assert status == [f"You are `{HOSTILE}`. Your teacher sees your run as you work."]
    page = class_page(code, key)
    grid = chart(page, "class_grid")["spec"]
    heading = grid["layout"]["annotations"][0]["text"]
    assert "&lt;b&gt;Bo&lt;/b&gt;![](//e.in/x)" in heading and "<b>Bo</b>" not in heading
    assert all("<b>Bo" not in t.get("name", "") for t in grid["data"])
    assert page.dataframe[0].value["student"].tolist() == [HOSTILE]  # a table cell: text
    assert all(HOSTILE not in m.value for m in page.markdown)
    assert page.selectbox(key="class_student").options == [HOSTILE]  # a select box's options are plain text


# --- reports reach the class page ---------------------------------------------------------------------------
def test_a_students_steps_reach_the_roster_and_the_boundary_is_drawn_from_their_weights():
    _, code, key = start()
    ada = join(code, "Ada", DESCENT)
    ok(ada.button(key="step10").click().run())
    lab = ada.session_state["lab"]
    seat = store().roster(code, key).seats[0]
    assert (seat.get("epoch"), seat.get("page")) == (10, "descent")
    assert seat.get("cost") == pytest.approx(float(lab.history.cost[10]), rel=1e-12)
    w, b = lab.params()
    np.testing.assert_allclose(seat.get("weights"), [*w, b], rtol=1e-12)
    page = class_page(code, key)
    grid = chart(page, "class_grid")["spec"]
    line = next(t for t in grid["data"] if t.get("meta") == {"seat": seat.seat} and "boundary" in t["name"])
    pts = np.array([(x, y) for x, y in zip(line["x"], line["y"], strict=True) if x is not None])
    assert len(pts) > 10
    z = pts @ w + b  # numpy: every point of the drawn curve is on w·x + b = 0 (ŷ = 0.5)
    assert np.max(np.abs(z)) < 1e-3 * np.linalg.norm(w)
    curve = next(t for t in grid["data"] if t.get("meta") == {"seat": seat.seat} and t["name"].endswith(": cost"))
    assert curve["x"][-1] == 10 and curve["y"][-1] == pytest.approx(float(lab.history.cost[10]), rel=1e-5)
    assert "epoch 10" in grid["layout"]["annotations"][0]["text"]
    row = page.dataframe[0].value.iloc[0]
    assert row["epoch"] == 10 and row["page"] == "4 · Gradient descent" and row["mode"] == "batch"


@pytest.mark.parametrize("settings", [
    Settings(dataset="circles", maps=("x1^2", "x2^2"), lr=2.0),
    Settings(dataset="moons", standardize=True, maps=("x1*x2", "sin(x1)")),
])
def test_the_boundary_of_a_neuron_with_feature_maps_is_its_level_curve(settings):
    """The class page's view (pure): the curve ŷ = 0.5 through the student's own feature pipeline, checked
    against numpy at every point drawn, from the weights a run reached."""
    lab = Lab.from_settings(settings)
    lab.step(40)
    w, b = lab.params()
    query = lab.link_settings().to_query()
    features = cv.pipeline(query, "neuron", lab.dataset)
    np.testing.assert_array_equal(features.transform(lab.dataset.X), lab.features.transform(lab.dataset.X))
    drawn = cv.plane(lab.dataset, features, "neuron", [*w, b])
    pts = np.array([(x, y) for x, y in zip(drawn.bx, drawn.by, strict=True) if x is not None])
    assert len(pts) > 10
    X = (pts - features.mean) / features.std
    phi = np.column_stack([X[:, 0], X[:, 1], *({"x1^2": X[:, 0] ** 2, "x2^2": X[:, 1] ** 2, "x1*x2": X[:, 0] * X[:, 1],
                                               "sin(x1)": np.sin(X[:, 0]), "sin(x2)": np.sin(X[:, 1])}[m]
                                              for m in settings.maps)])
    y_hat = 1 / (1 + np.exp(-(phi @ w + b)))
    assert np.max(np.abs(y_hat - 0.5)) < 0.02
    # and a point on each side of the curve is classified as that side
    grid = np.column_stack([np.linspace(*drawn.bounds[0], 7), np.linspace(*drawn.bounds[1], 7)])
    np.testing.assert_array_equal(cv.output_z(features, "neuron", [*w, b], None, grid) > 0,
                                  lab.features.transform(grid) @ w + b > 0)


def test_the_boundary_of_a_network_is_its_level_curve():
    from perceptron.engine import network as net
    from perceptron.session.netlab import NetLab
    from perceptron.session.settings import NetSettings

    run = NetLab.from_settings(NetSettings(hdata="circles", h=4))
    run.step(60)
    p = run.params()
    data = ds.make_dataset("circles", n=100, noise=0.1, seed=0, test_fraction=0.2)
    features = cv.pipeline({"hdata": "circles", "h": "4"}, "network", data)
    drawn = cv.plane(data, features, "network", p.vector(), 4)
    pts = np.array([(x, y) for x, y in zip(drawn.bx, drawn.by, strict=True) if x is not None])
    a1 = 1 / (1 + np.exp(-(pts @ p.W1 + p.b1)))
    y_hat = 1 / (1 + np.exp(-(a1 @ p.w2 + p.b2)))
    assert len(pts) > 10 and np.max(np.abs(y_hat - 0.5)) < 0.02
    assert net.forward(features.transform(pts[:3]), p).y_hat == pytest.approx([0.5] * 3, abs=0.02)


# --- pacing ------------------------------------------------------------------------------------------------
def test_moving_everyone_switches_a_students_page_with_a_note_and_keeps_their_run():
    teacher, code, key = start()
    ada = join(code, "Ada", DESCENT)
    ok(ada.button(key="step10").click().run())
    before = ada.session_state["lab"]
    page = class_page(code, key)
    page.selectbox(key="class_page_to").set_value("landscape")
    ok(page.button(key="class_move").click().run())
    ok(ada.run())  # the student's next run (their ticker's, within 2 s)
    assert ada.title[0].value == "Loss landscape"
    assert any("Your teacher moved everyone to 5 · Loss landscape" in i.value for i in ada.info)
    assert ada.session_state["lab"] is before and before.epoch == 10  # nothing they built is lost
    ok(ada.run())
    assert not any("moved everyone" in i.value for i in ada.info)  # said once
    go(ada, DESCENT)
    assert ada.title[0].value == "Gradient descent"  # then they are free to go on
    late = join(code, "Bea")  # a student who joins after the move starts on that page
    assert late.title[0].value == "Loss landscape"


def test_class_locks_hold_and_editing_the_link_does_not_remove_them():
    _, code, key = start()
    ada = join(code, "Ada", DESCENT)
    assert "setting_lr" in [w.key for w in ada.number_input]
    page = class_page(code, key)
    ok(page.multiselect(key=page.multiselect[0].key).set_value(["lr", "landscape"]).run())
    ok(page.button(key="class_lock").click().run())
    ok(ada.run())
    assert "setting_lr" not in [w.key for w in ada.number_input]
    # said as the class's lock, not the link's (the link has none)
    assert any("fixed by your teacher in the live class" in c.value for c in ada.caption)
    assert not any("teacher's link" in c.value for c in ada.caption)
    assert "hide" not in ada.query_params  # the lock is the class's, not the link's
    link = dict(ada.query_params)
    again = app(DESCENT, link)  # a new session from the link (as edited: no hide in it at all)
    assert "setting_lr" not in [w.key for w in again.number_input]
    assert {"lr", "landscape"} <= set(again.session_state["lab"].settings.hide)
    go(again, LANDSCAPE)
    assert any("Your teacher hides this page in the live class" in i.value for i in again.info)
    # the teacher lifts them: the student's next run has the learning rate back
    page = class_page(code, key)
    ok(page.multiselect(key=page.multiselect[0].key).set_value([]).run())
    ok(page.button(key="class_lock").click().run())
    ok(go(again, DESCENT).run())
    assert "setting_lr" in [w.key for w in again.number_input] and not again.session_state["lab"].settings.hide


def test_pause_stops_a_playing_student_and_rests_step_and_play_until_released():
    _, code, key = start()
    ada = join(code, "Ada", DESCENT)
    ok(ada.button(key="play").click().run())
    assert ada.session_state["playback"] and chart(ada, "descent")["playing"]
    page = class_page(code, key)
    ok(page.button(key="class_pause").click().run())
    assert store().roster(code, key).paused
    ok(ada.run())
    play = ada.session_state["playback"]
    assert play["paused"] and not chart(ada, "descent")["playing"]  # the browser stops and reports its frame
    ada.session_state["descent"] = {"frame": {"event": "frame", "index": 9, "view": 10, "end": False, "n": 1, "t": 1}}
    ok(ada.run())
    assert not ada.session_state["playback"] and ada.session_state["lab"].epoch == 10 * Settings().stride  # frame 10
    b = buttons(ada)
    assert b["step"].disabled and b["step10"].disabled and b["play"].disabled and not b["reset"].disabled
    assert any("Your teacher paused the class" in i.value for i in ada.info)
    page = class_page(code, key)
    assert page.button(key="class_pause").label == "Release everyone"
    ok(page.button(key="class_pause").click().run())
    ok(ada.run())
    b = buttons(ada)
    assert not b["step"].disabled and not b["play"].disabled
    assert not any("paused the class" in i.value for i in ada.info)


def test_a_pause_that_reached_the_browser_before_its_frames_ends_the_playback_where_it_began(monkeypatch):
    """The browser had not started the frames when the pause came, so it reports no frame: after HOLD_WAIT the
    run shows the epoch Play began at (the figure the browser draws) and the buttons are Step and Play again."""
    from perceptron.web import playback

    _, code, key = start()
    ada = join(code, "Ada", DESCENT)
    ok(ada.button(key="step10").click().run())
    ok(ada.button(key="play").click().run())
    assert ada.session_state["playback"]["start"] == 10
    class_page(code, key).button(key="class_pause").click().run()
    ok(ada.run())
    assert ada.session_state["playback"]["paused"] and ada.session_state["playback"]["held_at"]
    monkeypatch.setattr(playback, "HOLD_WAIT", 0.0)
    ok(ada.run())  # the ticker's rerun
    assert not ada.session_state["playback"] and ada.session_state["lab"].epoch == 10
    assert buttons(ada)["play"].label.startswith("Play") and buttons(ada)["play"].disabled


def test_spotlight_shows_one_run_large_with_the_nickname_only_when_chosen():
    _, code, key = start()
    join(code, "Ada", DESCENT)
    bea = join(code, "Bea", DESCENT)
    ok(bea.button(key="step10").click().run())
    page = class_page(code, key)
    bea_seat = bea.session_state["class_seat"]["seat"]
    page.selectbox(key="class_student").set_value(bea_seat)
    ok(page.button(key="class_spot_on").click().run())
    spot = chart(page, "class_spot")["spec"]
    assert "A student (name hidden)" in spot["layout"]["annotations"][0]["text"] and "Bea" not in json.dumps(spot)
    assert any(t.get("meta") == {"seat": bea_seat} for t in spot["data"])
    ok(bea.run())
    assert "Your run is on the projector now." in [c.value for c in bea.caption]
    page.checkbox(key="class_spot_named").check()
    ok(page.button(key="class_spot_on").click().run())
    assert "Bea" in chart(page, "class_spot")["spec"]["layout"]["annotations"][0]["text"]
    ok(page.button(key="class_spot_off").click().run())
    assert not [c for c in page.get("bidi_component") if c.proto.id.endswith("-class_spot")]


def test_open_this_run_loads_the_students_run_into_the_teachers_lab():
    _, code, key = start()
    ada = join(code, "Ada", "pages/1_Dataset.py")
    ok(ada.button(key="ds_clear").click().run())
    lab = ada.session_state["lab"]
    for x, y, label in ((0.5, -0.25, 1), (-1.0, 0.75, 0), (1.25, 1.5, 1), (-0.5, -1.0, 0)):
        lab.on_plot_event({"event": "click", "x": x, "y": y}, label=label)
    go(ada, DESCENT)
    ada.number_input(key="setting_lr").set_value(3.0).run()
    ok(ada.button(key="step10").click().run())
    page = class_page(code, key)
    page.selectbox(key="class_student").set_value(ada.session_state["class_seat"]["seat"])
    ok(page.button(key="class_open_run").click().run())
    assert page.title[0].value == "Gradient descent"
    mine, theirs = page.session_state["lab"], ada.session_state["lab"]
    np.testing.assert_array_equal(mine.dataset.X, theirs.dataset.X)
    assert mine.settings.lr == 3.0 and mine.epoch == 10
    np.testing.assert_allclose(mine.params()[0], theirs.params()[0], rtol=1e-12)
    assert page.session_state["class_teacher"] == (code, key) and "seat" not in page.query_params  # still the teacher
    assert "teacher" not in page.query_params


def test_a_learning_rate_experiment_gives_each_student_a_value_and_plots_the_results():
    teacher, code, key = start()
    students = [join(code, name, DESCENT) for name in ("Ada", "Bea", "Cy")]
    page = class_page(code, key)
    page.selectbox(key="class_exp_setting").set_value("lr")
    page.number_input(key="class_exp_lo_lr").set_value(0.01)
    page.number_input(key="class_exp_hi_lr").set_value(1.0)
    ok(page.button(key="class_exp_start").click().run())
    values = []
    for at in students:
        ok(at.run())
        lr = at.session_state["lab"].settings.lr
        values.append(lr)
        assert "setting_lr" not in [w.key for w in at.number_input]  # the experiment's setting is locked
        assert any("your teacher gave you learning rate α" in i.value for i in at.info)
        ok(at.button(key="step10").click().run())
        assert at.session_state["lab"].settings.lr == lr  # applied once, kept
    assert values == [0.01, 0.1, 1.0]  # log-spaced, in join order
    ok(students[0].run())
    assert not any("gave you" in i.value for i in students[0].info)
    page = ok(page.run())
    dots = chart(page, "class_results")["spec"]["data"][0]
    assert dots["x"] == values and dots["text"] == ["Ada", "Bea", "Cy"]
    costs = [float(at.session_state["lab"].history.cost[10]) for at in students]
    np.testing.assert_allclose(dots["y"], costs, atol=1e-6)  # drawn to 6 decimals
    assert chart(page, "class_results")["spec"]["layout"]["xaxis"]["type"] == "log"
    csv = store().results_csv(code, key).splitlines()
    assert csv[0].startswith("seat,nickname,setting,value,epoch,cost")
    assert [line.split(",")[1:4] for line in csv[1:]] == [["Ada", "lr", "0.01"], ["Bea", "lr", "0.1"],
                                                          ["Cy", "lr", "1.0"]]
    assert page.get("download_button")  # the CSV on the class page


def test_a_hidden_units_experiment_reaches_the_network():
    _, code, key = start()
    students = [join(code, name, HIDDEN) for name in ("Ada", "Bea")]
    page = class_page(code, key)
    ok(page.selectbox(key="class_exp_setting").set_value("h").run())
    page.number_input(key="class_exp_lo_h").set_value(2)
    page.number_input(key="class_exp_hi_h").set_value(6)
    ok(page.button(key="class_exp_start").click().run())
    for at, h in zip(students, (2, 6), strict=True):
        ok(at.run())
        assert at.session_state["netlab"].settings.h == h
        assert "setting_h" not in [w.key for w in at.slider]


def test_ending_the_class_deletes_it_and_frees_the_students():
    teacher, code, key = start()
    ada = join(code, "Ada", DESCENT)
    page = class_page(code, key)
    ok(page.multiselect(key=page.multiselect[0].key).set_value(["lr"]).run())
    ok(page.button(key="class_lock").click().run())
    ok(ada.run())
    assert "lr" in ada.session_state["lab"].settings.hide
    ok(page.checkbox(key="class_end_sure").check().run())
    ok(page.button(key="class_end").click().run())
    assert "class_teacher" not in page.session_state and "teacher" not in page.query_params
    with pytest.raises(Exception, match="No class with this code"):
        store().roster(code, key)
    ok(ada.run())
    assert "class_seat" not in ada.session_state and "seat" not in ada.query_params
    assert any("no longer in the class" in i.value for i in ada.info)
    assert "setting_lr" in [w.key for w in ada.number_input]  # the locks went with the class


def test_leaving_the_class_deletes_the_students_data():
    _, code, key = start()
    ada = join(code, "Ada", DESCENT)
    ok(ada.button(key="class_leave").click().run())
    assert "class_seat" not in ada.session_state and "seat" not in ada.query_params
    assert any("You left the class" in i.value for i in ada.info)
    assert store().roster(code, key).seats == ()


# --- the store unreachable -----------------------------------------------------------------------------------
def test_an_unreachable_store_leaves_every_page_working(monkeypatch, tmp_path):
    teacher, code, key = start()
    ada = join(code, "Ada", DESCENT)
    token = ada.query_params["seat"]
    # the database now at a path that cannot be opened (a file where its folder should be)
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("NEURON_LAB_DB", str(tmp_path / "file" / "classes.sqlite3"))
    ok(ada.run())
    assert any("class store is unreachable" in w.value for w in ada.warning)
    ok(ada.button(key="step10").click().run())  # working alone
    assert ada.session_state["lab"].epoch == 10 and ada.query_params["seat"] == token
    again = app(DESCENT, {"seat": token})  # a new session, its seat not found yet: it works, and waits
    assert again.session_state["class_seat"] == {"token": token}
    page = class_page(code, key)
    assert any("class store is unreachable" in e.value for e in page.error)
    home = app()
    ok(home.button(key="class_start").click().run())
    assert any("unreachable" in e.value for e in home.error) and "class_teacher" not in home.session_state
    monkeypatch.setattr(classroom, "RETRY", 0.0)
    home.text_input(key="class_join_code").set_value(code)
    home.text_input(key="class_join_name").set_value("Bo")
    ok(home.button(key="FormSubmitter:class_join-Join").click().run())
    assert any("unreachable" in e.value for e in home.error)


def test_the_class_pages_charts_are_drawable_and_described():
    """What tests/test_plotlyjs.py and tests/test_alt.py check on every page, on the class page with a class in it:
    only the cartesian bundle's trace types, titles plotly.js draws, and a text alternative for every chart."""
    from test_alt import assert_describes
    from test_plotlyjs import _assert_drawable, _charts

    _, code, key = start()
    for name in ("Ada", "Bea"):
        ok(join(code, name, DESCENT).button(key="step10").click().run())
    page = class_page(code, key)
    page.selectbox(key="class_exp_setting").set_value("lr")
    ok(page.button(key="class_exp_start").click().run())
    ok(page.button(key="class_spot_on").click().run())
    assert _assert_drawable(page, CLASS) == 4  # the spotlight, the small multiples, the curves, the results
    for data in _charts(page):
        assert_describes(data["alt"], data["spec"]["layout"].get("title", {}).get("text", "a chart"))
