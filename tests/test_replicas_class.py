"""The live class past one process: two replicas behind nginx (``deploy/replicas.sh``), one throwaway PostgreSQL.

A teacher whose ``nl_replica`` cookie lands on one replica starts a class; a student whose cookie lands on the
other joins it by the join address, steps, and is paused: the teacher's class page (on its replica) shows the
student's epoch, and the teacher's pause reaches the student's page (on the other). nginx's access log says
which replica answered each browser; no response does. Skips without Chromium, nginx or PostgreSQL, except in CI.
"""

from __future__ import annotations

import re

import pytest

from servers import CHROMIUM, VIEWPORT, chromium, require
from testing.postgres import MISSING_POSTGRES, PostgresCluster, find_bindir, required
from testing.servers import NGINX, Replicas

pytestmark = pytest.mark.browser

FOLLOW = 30_000  # ms for a page to follow the class store (its ticker runs every 2 s): a fuse, not a target


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    require(CHROMIUM, NGINX, message="Chromium or nginx not found: apt-get install chromium nginx")
    if find_bindir() is None:
        if required():
            pytest.fail(f"{MISSING_POSTGRES} (CI requires it)", pytrace=False)
        pytest.skip(MISSING_POSTGRES)
    pg = PostgresCluster().start()
    db = pg.create_database()
    replicas = Replicas(2, tmp_path_factory.mktemp("replicas-class"), env={"NEURON_LAB_DATABASE_URL": pg.url(db)})
    try:
        yield replicas.start()
    finally:
        leftovers = replicas.stop()
        pg.close()
    assert not leftovers, f"processes left running after replicas.sh stopped: {leftovers}"


def routes(cluster: Replicas) -> list[str]:
    """Two nl_replica cookie values, one landing on each replica."""
    chosen: dict[str, str] = {}
    for i in range(64):
        chosen.setdefault(cluster.replica_for(f"class-route-{i}"), f"class-route-{i}")
        if len(chosen) == 2:
            return list(chosen.values())
    raise AssertionError(f"cookies reached only {chosen}")


def answered_by(cluster: Replicas, route: str) -> set[str]:
    """Every replica that answered a request of the browser whose cookie is ``route`` (not nginx itself, "-",
    which serves the static files)."""
    return {e["replica"] for e in cluster.access() if e["route"] == route} - {"-"}


def test_the_teacher_on_one_replica_sees_and_steers_a_student_on_the_other(cluster):
    teacher_route, student_route = routes(cluster)
    with chromium() as browser:
        contexts = []
        for route in (teacher_route, student_route):
            ctx = browser.new_context(viewport=VIEWPORT)
            ctx.set_default_timeout(60_000)
            ctx.add_cookies([{"name": "nl_replica", "value": route, "url": cluster.url}])
            contexts.append(ctx)
        teacher, student = (c.new_page() for c in contexts)

        teacher.goto(cluster.url + "/")
        teacher.get_by_text("For teachers: run a live class", exact=True).click()
        teacher.get_by_role("button", name="Start a live class").click()
        own = teacher.locator('[data-testid="stCode"]').filter(has_text="teacher=").first
        own.wait_for(timeout=FOLLOW)
        code = re.search(r"class=([A-Z0-9]{6})", own.inner_text())[1]

        student.goto(f"{cluster.url}/?class={code}")
        student.get_by_role("textbox", name="Your nickname").fill("Ada")
        student.get_by_role("button", name="Join").click()
        student.wait_for_url(re.compile(r"[?&]seat="), timeout=FOLLOW)
        student.get_by_text("You are Ada.").wait_for(timeout=FOLLOW)
        student.goto(student.url.replace(cluster.url + "/?", cluster.url + "/Gradient_descent?"))
        step = student.get_by_role("button", name="Step one epoch")
        # the page has run to its end (epoch 0 shown, its chart drawn, no run under way) before the first click:
        # on a loaded machine a click on the first run's button was lost when the next run replaced it
        student.wait_for_function(
            """() => document.querySelector('[data-testid="stMetricValue"]')?.innerText.trim() === '0'
                  && document.querySelector('.js-plotly-plot')
                  && !document.querySelector('[data-testid="stStatusWidget"]')""", timeout=FOLLOW)
        for k in range(1, 4):
            step.click()
            student.wait_for_function(
                """(k) => document.querySelector('[data-testid="stMetricValue"]')?.innerText.trim() === String(k)""",
                arg=k)

        teacher.goto(own.inner_text().strip())
        teacher.get_by_text(re.compile(r"Ada")).first.wait_for(timeout=FOLLOW)
        teacher.get_by_text(re.compile(r"epoch 3 ·")).first.wait_for(timeout=FOLLOW)
        teacher.get_by_role("button", name="Pause everyone").click()
        student.get_by_text("Your teacher paused the class").wait_for(timeout=FOLLOW)
        assert student.get_by_role("button", name="Step one epoch").is_disabled()

        # each browser stayed on its own replica: the class crossed between them through PostgreSQL alone
        assert len(answered_by(cluster, teacher_route)) == 1 and len(answered_by(cluster, student_route)) == 1
        assert answered_by(cluster, teacher_route) != answered_by(cluster, student_route)
        for ctx in contexts:
            ctx.close()
