"""A teacher's walkthrough: the teacher panel's presets, the link they make, and a student walking the whole
guided lesson on that link, page by page, with no dead end and no advice to change what the link locked."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import streamlit.config
from apptest import ok
from streamlit.testing.v1 import AppTest

from perceptron.session.settings import LOCKABLE, PAGES, SITE, NetSettings, Settings
from perceptron.views.lesson import STEPS, reachable
from perceptron.views.share import local_only, qr_svg
from perceptron.web.controls import CONTROLS
from perceptron.web.panels import TEACHER_PRESETS
from perceptron.web.site import PAGE_PATHS

streamlit.config.set_option("client.showErrorDetails", "full")
ROOT = Path(__file__).resolve().parents[1]
# what a page may advise, and the lock that makes the advice void
ADVICE = {"maps": "add curved **feature maps**", "points": "click on the plot", "lr": "smaller learning rate",
          "standardize": "Standardize the inputs", "loss": "use cross-entropy", "hidden": "use a hidden layer"}


def home() -> AppTest:
    return ok(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run())


def link_of(at: AppTest) -> dict[str, str]:
    """The teacher panel's link, as its query."""
    panel = next(e for e in at.expander if "For teachers" in e.label)
    link = panel.code[0].value
    return {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}


def test_the_controls_a_teacher_locks_are_the_settings_declared_lockable():
    assert list(CONTROLS) == list(LOCKABLE)


# The settings' fields a teacher does not lock one by one: the dataset's choice is locked as a whole ("points": the
# preset, its Iris features and classes, and the points clicked in), the epochs reached are where a run is, not a
# choice, and hide is the locks themselves.
LOCKED_AS = {"dataset": "points", "iris_x": "points", "iris_y": "points", "iris_a": "points", "iris_b": "points",
             "epoch": None, "hepoch": None, "hide": None}


def test_every_page_on_disk_is_declared_once_and_hideable_pages_have_their_line_on_home():
    """The pages are declared once (``settings.SITE``): its scripts are the files on disk, keys and labels unique,
    and every page a teacher may hide is a page a student can reach from Home, with its line there."""
    assert sorted(p.script for p in SITE) == ["app.py", *sorted(f"pages/{f.name}" for f in (ROOT / "pages").glob("*.py"))]
    assert len({p.key for p in SITE}) == len({p.label for p in SITE}) == len(SITE)
    assert all(p.hint for p in SITE if p.lab and p.key != "home")
    assert set(PAGES) == {p.key for p in SITE if p.lab} and set(PAGES) <= set(PAGE_PATHS)


def test_every_setting_is_one_a_teacher_can_lock():
    """A new setting (of the neuron or of the network) is a control a teacher's link can lock, or is named above
    with the reason it is not: a setting added without its lock fails here."""
    names = [f.name for cls in (Settings, NetSettings) for f in fields(cls)]
    assert [n for n in names if n not in LOCKABLE and n not in LOCKED_AS] == []
    assert set(LOCKABLE) <= {*names, "points"}  # and nothing locks a setting that is gone
    assert {lock for lock in LOCKED_AS.values() if lock} <= set(LOCKABLE)


@pytest.mark.parametrize("preset", list(TEACHER_PRESETS))
def test_each_preset_makes_its_link(preset):
    at = home()
    ok(at.radio(key="teacher_preset").set_value(preset).run())
    query = link_of(at)
    locked = set(query.get("hide", "").split(",")) - {""}
    free = set(TEACHER_PRESETS[preset][1])
    assert locked == set(CONTROLS) - free  # every page stays open; the settings the preset leaves free
    assert not locked & set(PAGES)


def test_a_task_and_a_lesson_step_travel_in_the_link_and_the_task_shows_as_text():
    at = home()
    ok(at.text_input(key="teacher_task").set_value("Reach cost ![](http://e.invalid/x.png) **now**").run())
    ok(at.selectbox(key="teacher_lesson").set_value(7).run())
    query = link_of(at)
    assert query["task"] == "Reach cost ![](http://e.invalid/x.png) **now**" and query["lesson"] == "8"
    student = opened(query, "descent")
    said = [i.value for i in student.info if i.value.startswith("**Your task:**")]
    assert said == ["**Your task:** Reach cost \\!\\[\\]\\(http\\:\\/\\/e\\.invalid\\/x\\.png\\) \\*\\*now\\*\\*"]
    assert student.session_state["lesson"] == 7  # "step 8 of 12": the update, on this page
    assert any(m.value.startswith(f"**Lesson · step 8 of {len(STEPS)}: The update**") for m in student.markdown)
    assert student.query_params["lesson"] == "8" and student.query_params["task"] == query["task"]  # kept


def test_a_locked_link_keeps_the_teacher_panel_out_of_sight():
    at = opened({"hide": "lr"}, "home")
    assert not [e for e in at.expander if "For teachers" in e.label]
    assert not [r for r in at.radio if r.key == "teacher_preset"]
    assert [e for e in home().expander if "For teachers" in e.label]


def test_the_qr_code_and_the_local_address_warning():
    svg = qr_svg("https://neuron-lab.example.org/?hide=lr")
    assert svg.startswith("<svg") and "path" in svg
    assert local_only("http://127.0.0.1:8501/?x=1") and local_only("http://localhost:8501/")
    assert local_only("http://[::1]:8501/") and local_only("http://0.0.0.0:8501/")
    assert local_only("https://neuron-lab.example.org/") is None and local_only("http://192.168.1.20:8501/") is None


def opened(query: dict, page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    if page != "home":
        at.switch_page(PAGE_PATHS[page])
    return ok(at.run())


def _texts(at: AppTest) -> str:
    return "\n".join(e.value for e in [*at.markdown, *at.warning, *at.info, *at.caption, *at.error, *at.success])


@pytest.mark.parametrize("preset", list(TEACHER_PRESETS))
def test_a_student_walks_the_whole_lesson_on_each_preset_link(preset):
    at = opened({"dataset": "overlap"}, "home")  # classes no line separates: the pages have advice to give
    ok(at.radio(key="teacher_preset").set_value(preset).run())
    query = link_of(at)
    locked = set(query.get("hide", "").split(",")) - {""}
    student = opened(query, "home")
    ok(student.button(key="lesson_start").click().run())
    steps = reachable(tuple(locked))
    assert len(steps) == len(STEPS)  # no preset hides a page: the whole lesson
    advised = set()
    for n, k in enumerate(steps):
        page = STEPS[k].page
        if page != "home":
            student = opened(query | {"lesson": str(n + 1)}, page)  # the step's page, as its link opens it
        text = _texts(student)
        advised |= {lock for lock, advice in ADVICE.items() if advice in text}
        assert f"**Lesson · step {n + 1} of {len(steps)}: {STEPS[k].title}**" in text, text[:400]
        assert "hides this page" not in text and "Continue the lesson on" not in text
        for lock, advice in ADVICE.items():
            assert lock not in locked or advice not in text, (preset, page, advice)
        if STEPS[k].question:
            radio = next(r for r in student.radio if r.key == f"lesson_choice_{k}")
            ok(radio.set_value(radio.options[0]).run())
            ok(student.button(key=f"lesson_reveal_{k}").click().run())
            assert [m for m in [*student.success, *student.warning]
                    if m.value.startswith(("Right.", "Not this time."))]
        nxt = student.button(key="lesson_next")
        assert nxt.disabled == (n == len(steps) - 1)
    assert advised == {"hidden"} | ({"maps", "points"} - locked)  # the advice the pages had, none locked


def test_a_hidden_page_leaves_its_steps_out_and_never_points_there():
    query = {"hide": "backprop,landscape,lr", "lesson": "5"}
    steps = reachable(("backprop", "landscape", "lr"))
    assert [STEPS[k].page for k in steps].count("backprop") == 0 and len(steps) == len(STEPS) - 3
    at = opened(query, "descent")
    text = _texts(at)
    assert f"step 5 of {len(steps)}" in text and "Backpropagation" not in text.split("**Lesson")[1][:300]
    assert at.session_state["lesson"] == steps[4]


def test_the_backpropagation_page_points_out_a_sample_that_pulls_against_the_sum():
    """A sample's ∂C/∂w₁ term against the sum over all samples, recomputed here from σ: said for a sample that
    pulls against the sum, not for one that pulls with it."""
    from perceptron.engine.neuron import sigmoid
    from perceptron.text.teaching import disagreement

    at = opened({"dataset": "overlap", "epoch": "20"}, "backprop")  # overlapping classes: samples disagree
    lab = at.session_state["lab"]
    X, y, *_ = lab.design()
    w, b = lab.params()
    p = sigmoid(X @ w + b)
    terms = -2 / len(y) * (y - p) * p * (1 - p) * X[:, 0]  # MSE: ∂C/∂ŷ · ∂ŷ/∂z · x₁, per sample
    against = [i for i in range(len(y)) if terms[i] * terms.sum() < 0]
    along = [i for i in range(len(y)) if terms[i] * terms.sum() > 0]
    assert against and along
    for i in (against[0], along[0]):
        box = next(s for s in at.selectbox if str(s.key).startswith("bp_sample_"))
        ok(box.set_value(i).run())
        said = [m.value for m in at.info if "pulls the other way" in m.value]
        if i in against:
            assert said == [disagreement(terms, terms.sum(), i)]
            assert f"{len(along)} samples pull with the sum and {len(against)} against it" in said[0]
        else:
            assert not said


def test_the_hidden_layer_page_names_its_own_dataset():
    """The sidebar says the neuron's dataset ("overlap: 80 train"); the page says which points the network trains on."""
    from perceptron.views.geometry import linearly_separable

    at = opened({"dataset": "overlap", "hdata": "circles"}, "hidden")
    net = at.session_state["netlab"]
    d = net.points
    said = [i.value for i in at.info if i.value.startswith("This network trains on its own dataset")]
    assert said == [f"This network trains on its own dataset: Circles (a ring around a disc), {int((~d.test).sum())} "
                    f"training and {int(d.test.sum())} held-out points; "
                    f"{'no' if not linearly_separable(d.train_X, d.train_y) else 'one'} straight line separates them "
                    "(checked exactly)."]
    assert "no straight line" in said[0]  # a ring around a disc


def test_the_hidden_layer_says_when_the_network_is_still_at_chance():
    """At the defaults the network's cross-entropy sits at ln 2 with half the points right; after training it is
    well below: the note comes and goes with the numbers (ln 2 recomputed here)."""
    import math

    at = opened({}, "hidden")
    net = at.session_state["netlab"]
    said = [i.value for i in at.info if i.value.startswith("Still at chance")]
    cost = float(net.history.cost[0])
    assert cost >= math.log(2) * (1 - 1e-3) and len(said) == 1 and "(ln 2)" in said[0]
    at = opened({"hepoch": "300"}, "hidden")
    net = at.session_state["netlab"]
    assert float(net.history.cost[net.epoch]) < math.log(2) * (1 - 1e-3)
    assert not [i for i in at.info if i.value.startswith("Still at chance")]
