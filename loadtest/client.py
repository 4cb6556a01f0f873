r"""Protocol-level Streamlit clients for a classroom load test of Neuron Lab (Streamlit 1.67).

No browser: each simulated student speaks the browser's wire protocol itself.

The protocol, as checked in ``streamlit/web/server/starlette/`` and the bundled frontend
-------------------------------------------------------------------------------------
* 1.67 serves with Starlette + Uvicorn ("Uvicorn server started" in the log). The frontend first
  GETs ``/_stcore/health``; that response sets the ``_streamlit_xsrf`` cookie (``GET /`` does not).
* Websocket ``ws://HOST:PORT/_stcore/stream``. The frontend passes tokens in
  ``Sec-WebSocket-Protocol``: ``["streamlit", <_streamlit_xsrf cookie or "PLACEHOLDER_AUTH_TOKEN">,
  <last session id, on reconnect>]``; the server selects ``streamlit``. The server only checks
  the token (against the cookie, with an ``Origin`` header) to decide whether to read auth
  cookies; a wrong token does not refuse the connection. We send what a browser sends: the
  cookie, the token, and ``Origin``.
* Frames are binary protobufs: ``BackMsg`` up, ``ForwardMsg`` down. Nothing runs until the
  client sends ``BackMsg.rerun_script`` (a ``ClientState``: ``query_string``, ``widget_states``,
  ``page_script_hash`` or, on the first load, ``page_name`` = the URL path such as
  ``Gradient_descent``; ``fragment_id`` for a fragment rerun; ``context_info``).
* A full run starts with ``new_session`` (``initialize.session_id``); the page list with
  script hashes comes in the ``navigation`` message (``app_pages``: ``page_script_hash``,
  ``url_pathname``); then ``page_config_changed``, ``delta``\ s (``metadata.delta_path``;
  ``delta.fragment_id`` on elements written by a fragment), ``page_info_changed`` (the query
  string the script set) and finally ``script_finished``. ``FINISHED_EARLY_FOR_RERUN`` is not
  the end (``st.rerun()`` starts another run); ``FINISHED_SUCCESSFULLY`` ends a full run and
  ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY`` a fragment run.
* A button click is a rerun whose ``widget_states`` hold ``{id: <button id>, trigger_value:
  true}``; a button inside ``st.fragment`` carries the fragment's id in ``fragment_id`` (the
  ``delta.fragment_id`` of its element). Widget ids are ``$$ID-<hash>-<key>``.
* The chart is an ``st.components.v2`` component (``element.bidi_component``, data in
  ``.json``). Its ``setStateValue("frame", msg)`` becomes a ``json_value`` widget state holding
  the component's whole state object, ``{"frame": msg}``, with the fragment's ``fragment_id``.
  Play trains 45 epochs and sends them as frames; the *browser* plays them and, on Pause,
  reports the frame on screen: a protocol client has to send that report itself, else the
  session stays "playing" forever (Step disabled, no metrics).
* Upload: ``BackMsg.file_urls_request`` (``request_id``, ``file_names``, ``session_id``) is answered
  by ``ForwardMsg.file_urls_response`` (``file_id``, ``upload_url``
  ``/_stcore/upload_file/<session_id>/<file_id>``). The file is PUT there as multipart form
  data (field name = file name), with the cookie and the ``X-Xsrftoken`` header (403 without
  it when ``server.enableXsrfProtection``); then a rerun sends the uploader's
  ``file_uploader_state_value`` (``uploaded_file_info``: ``file_id``, ``name``, ``size``,
  ``file_urls``).
* Persistent widget values (the chart's state, the uploader's files) are re-sent on every rerun
  while the widget is on the page, as the frontend does; triggers only once.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import json
import math
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"

DESCENT_PAGE = "Gradient_descent"
DATASET_PAGE = "Dataset"
PLAY_FPS = 20  # perceptron.web.ui.PLAY_FPS: the browser shows at most this many frames a second
PLAY_CHUNK = 45  # perceptron.web.ui.PLAY_CHUNK: epochs Play trains at once

ACTION_TIMEOUT = 90.0  # seconds from a BackMsg to its script_finished: generous, a loaded 2-core box
OPEN_TIMEOUT = 120.0  # the first run of a session also imports the app's modules
HTTP_TIMEOUT = 30.0
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
MEMORY_PERIOD = 0.25  # seconds between RSS samples

ACTION_ORDER = ("open", "step", "step10", "play", "pause", "frame", "reset", "goto_dataset", "upload",
                "goto_descent")
FINAL = {"FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"}


def _protos():
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return BackMsg, ForwardMsg


def _defaults() -> tuple[str, int]:
    """The default experiment's one-line data summary and epoch limit, from the app's own code."""
    try:
        sys.path.insert(0, str(ROOT))
        from perceptron.session.lab import Lab
        from perceptron.session.settings import MAX_EPOCHS, Settings
        from perceptron.web.ui import data_summary

        return data_summary(Lab.from_settings()), min(Settings().max_epochs, MAX_EPOCHS)
    except Exception:  # noqa: BLE001 - an older/newer app: fall back to the first session's view
        return "", 1000


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> tuple[int, int] | None:
    """``(VmRSS, VmHWM)`` of ``pid`` in KiB from /proc/<pid>/status, or None."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    vals = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.M))
    if "VmRSS" not in vals:
        return None
    return int(vals["VmRSS"]), int(vals.get("VmHWM", vals["VmRSS"]))


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of ``pid`` (and its reaped children) in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(x) for x in fields[11:15]) / ticks


def threads(pid: int) -> int | None:
    try:
        m = re.search(r"^Threads:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M)
    except OSError:
        return None
    return int(m.group(1)) if m else None


class Server:
    """``streamlit run app.py`` on a free loopback port; stopped by its PID."""

    def __init__(self, port: int | None = None, extra_args: tuple[str, ...] = ()):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_args = extra_args
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="neuron-lab-loadtest-", suffix=".log")[1])

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self) -> Server:
        cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", *self.extra_args]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"server not healthy after {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM the server's PID (only that process), SIGKILL if it does not exit in time."""
        if not self.proc or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(STOP_TIMEOUT)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def server_log_problems(text: str) -> list[str]:
    """Lines of a server log that report a failure (tracebacks, errors, exceptions)."""
    return [line for line in text.splitlines()
            if re.search(r"Traceback|\bERROR\b|Exception|Error:", line)]


# ---------------------------------------------------------------------------------------------
# One websocket session
# ---------------------------------------------------------------------------------------------
class ProtocolError(Exception):
    """The server did not answer as a browser would expect."""


@dataclass
class Run:
    """What one user action produced: every ForwardMsg until the final script_finished."""

    status: str = ""
    seconds: float = 0.0
    statuses: list[str] = field(default_factory=list)
    fragment: bool = False
    exceptions: list[str] = field(default_factory=list)
    messages: int = 0
    bytes: int = 0


class Session:
    """One browser tab's worth of protocol: a websocket, the page on screen, widget values."""

    def __init__(self, base_url: str, name: str = ""):
        self.base = base_url.rstrip("/")
        self.host = self.base.split("://", 1)[1]
        self.name = name
        self.ws = None
        self.xsrf = ""
        self.session_id = ""
        self.pages: dict[str, str] = {}  # url_pathname and page_name -> page_script_hash
        self.page_hash = ""
        self.page_name = ""
        self.query_string = ""
        self.elements: dict[tuple, tuple[str, object]] = {}  # delta path -> (fragment_id, Element)
        self.persistent: dict[str, object] = {}  # widget id -> WidgetState sent on every rerun
        self.queue: asyncio.Queue = asyncio.Queue()
        self.reader: asyncio.Task | None = None
        self.closed: str | None = None
        self.stray: list[str] = []  # messages that arrived outside any action
        self.bytes_in = 0
        self.chart_events = 0  # the component's event counter ("n") in this tab

    # --- connection --------------------------------------------------------------------------
    def _http(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as r:
                return r.status, dict(r.headers.items()), r.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers.items()), err.read()

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        status, headers, _ = await asyncio.to_thread(self._http, "GET", "/_stcore/health")
        if status != 200:
            raise ProtocolError(f"/_stcore/health answered {status}")
        cookie = headers.get("set-cookie") or headers.get("Set-Cookie") or ""
        m = re.search(r"_streamlit_xsrf=([^;]+)", cookie)
        self.xsrf = m.group(1) if m else ""
        ws_url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        self.ws = await connect(
            ws_url, subprotocols=["streamlit", self.xsrf or "PLACEHOLDER_AUTH_TOKEN"], max_size=None,
            open_timeout=OPEN_TIMEOUT, ping_interval=None, compression=None,
            additional_headers={"Origin": self.base, **({"Cookie": f"_streamlit_xsrf={self.xsrf}"} if self.xsrf else {})})
        if self.ws.subprotocol != "streamlit":
            raise ProtocolError(f"server selected subprotocol {self.ws.subprotocol!r}, not 'streamlit'")
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        _, ForwardMsg = _protos()
        try:
            async for raw in self.ws:
                self.bytes_in += len(raw)
                msg = ForwardMsg.FromString(raw)
                self.queue.put_nowait((msg, len(raw)))
        except Exception as err:  # noqa: BLE001 - the connection's end is reported to the waiter
            self.closed = f"{type(err).__name__}: {err}"
        else:
            self.closed = "closed by the server"
        self.queue.put_nowait((None, 0))

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 10)
            except Exception:  # noqa: BLE001
                pass
        if self.reader is not None:
            self.reader.cancel()
            try:
                await self.reader
            except BaseException:  # noqa: BLE001
                pass

    # --- messages ----------------------------------------------------------------------------
    def _drain_stray(self) -> None:
        while not self.queue.empty():
            msg, _ = self.queue.get_nowait()
            if msg is None:
                raise ProtocolError(f"connection lost: {self.closed}")
            kind = msg.WhichOneof("type") or "?"
            if kind != "session_status_changed":  # "script_is_running: false" follows script_finished
                self.stray.append(kind)

    async def _next(self, deadline: float):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        msg, size = await asyncio.wait_for(self.queue.get(), remaining)
        if msg is None:
            raise ProtocolError(f"connection lost: {self.closed}")
        return msg, size

    def _context_info(self, client_state) -> None:
        ci = client_state.context_info
        ci.timezone = "UTC"
        ci.timezone_offset = 0
        ci.locale = "en-US"
        ci.url = f"{self.base}/{self.page_name}" + (f"?{self.query_string}" if self.query_string else "")
        ci.is_embedded = False
        ci.color_scheme = "light"

    async def rerun(self, *, page: str | None = None, widgets=(), fragment_id: str = "",
                    timeout: float = ACTION_TIMEOUT, before_send=None) -> Run:
        """Send ``rerun_script`` and read until the final ``script_finished``; ``page`` is a URL path.

        ``widgets`` are extra WidgetState protos (triggers, new values); persistent values of
        widgets still on the page are added as the frontend does.
        """
        BackMsg, ForwardMsg = _protos()
        self._drain_stray()
        msg = BackMsg()
        cs = msg.rerun_script
        if page is not None and page != self.page_name:  # a page link: switch by the page's hash
            self.page_name = page
            self.page_hash = self.pages.get(page, "")
        if self.page_hash:
            cs.page_script_hash = self.page_hash
        else:  # the first load knows only the URL path
            cs.page_name = self.page_name
        cs.query_string = self.query_string
        if fragment_id:
            cs.fragment_id = fragment_id
        on_page = {getattr(getattr(e, e.WhichOneof("type")), "id", None)
                   for _, e in self.elements.values() if e.WhichOneof("type")}
        sent = set()
        for w in widgets:
            cs.widget_states.widgets.append(w)
            sent.add(w.id)
        for wid, w in list(self.persistent.items()):
            if wid not in on_page:
                del self.persistent[wid]  # unmounted: the frontend forgets it too
            elif wid not in sent:
                cs.widget_states.widgets.append(w)
        self._context_info(cs)
        if before_send:
            before_send()
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return await self._collect(t0, timeout)

    async def _collect(self, t0: float, timeout: float) -> Run:
        _, ForwardMsg = _protos()
        deadline = time.monotonic() + timeout
        run = Run()
        touched: set[tuple] = set()
        run_fragments: set[str] = set()
        while True:
            try:
                msg, size = await self._next(deadline)
            except TimeoutError:
                raise ProtocolError(f"no script_finished within {timeout:.0f} s "
                                    f"(statuses so far: {run.statuses})") from None
            run.messages += 1
            run.bytes += size
            kind = msg.WhichOneof("type")
            if msg.metadata.run.fragment_ids:
                run_fragments.update(msg.metadata.run.fragment_ids)
            if kind == "new_session":
                ns = msg.new_session
                if ns.initialize.session_id:
                    self.session_id = ns.initialize.session_id
                self.page_hash = ns.page_script_hash or self.page_hash
                for p in ns.app_pages:
                    self._add_page(p)
                touched.clear()
                run_fragments.clear()
            elif kind == "navigation":
                for p in msg.navigation.app_pages:
                    self._add_page(p)
                if msg.navigation.page_script_hash:
                    self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta":
                path = tuple(msg.metadata.delta_path)
                d = msg.delta
                dkind = d.WhichOneof("type")
                if dkind == "new_element":
                    el = d.new_element
                    self.elements[path] = (d.fragment_id, el)
                    touched.add(path)
                    if el.WhichOneof("type") == "exception":
                        ex = el.exception
                        run.exceptions.append(f"{ex.type}: {ex.message}".strip(": "))
                elif dkind == "add_block":
                    # a block replaces whatever was at its path; its children follow
                    self._drop_under(path)
                    touched.add(path)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                run.statuses.append(status)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # st.rerun(): another run follows
                run.seconds = time.perf_counter() - t0
                run.status = status
                run.fragment = status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" or bool(run_fragments)
                # what the frontend clears: elements this run did not write (in its scope)
                for p in list(self.elements):
                    if p in touched:
                        continue
                    frag = self.elements[p][0]
                    if not run.fragment or (frag and frag in run_fragments):
                        del self.elements[p]
                return run
            elif kind == "file_urls_response":
                self.stray.append("file_urls_response")  # handled by upload(); not expected here

    def _add_page(self, p) -> None:
        for name in (p.url_pathname, p.page_name):
            if name:
                self.pages[name] = p.page_script_hash

    def _drop_under(self, path: tuple) -> None:
        n = len(path)
        for p in [p for p in self.elements if len(p) > n and p[:n] == path]:
            del self.elements[p]

    # --- what is on screen ------------------------------------------------------------------
    def find(self, kind: str) -> list[tuple[tuple, str, object]]:
        """``(path, fragment_id, proto)`` of every element of this kind on screen, in page order."""
        out = []
        for path, (frag, el) in sorted(self.elements.items()):
            if el.WhichOneof("type") == kind:
                out.append((path, frag, getattr(el, kind)))
        return out

    def widget(self, kind: str, key: str):
        """The widget with user key ``key`` (ids end in ``-<key>``): ``(fragment_id, proto)``."""
        for _, frag, w in self.find(kind):
            if w.id.endswith(f"-{key}"):
                return frag, w
        raise ProtocolError(f"no {kind} with key {key!r} on page {self.page_name}")

    def widget_prefix(self, kind: str, prefix: str):
        for _, frag, w in self.find(kind):
            if re.search(rf"-{re.escape(prefix)}\w*$", w.id):
                return frag, w
        raise ProtocolError(f"no {kind} with key {prefix}* on page {self.page_name}")

    def metric(self, label: str) -> str | None:
        for _, _, m in self.find("metric"):
            if m.label == label:
                return m.body
        return None

    def markdown(self) -> list[str]:
        return [m.body for _, _, m in self.find("markdown")]

    def alerts(self, fmt: str | None = None) -> list[str]:
        from streamlit.proto.Alert_pb2 import Alert

        return [a.body for _, _, a in self.find("alert") if fmt is None or Alert.Format.Name(a.format) == fmt]

    # --- actions -----------------------------------------------------------------------------
    async def click(self, key: str, **kw) -> Run:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        frag, button = self.widget("button", key)
        if button.disabled:
            raise ProtocolError(f"button {key!r} is disabled")
        w = WidgetState(id=button.id, trigger_value=True)
        return await self.rerun(widgets=[w], fragment_id=frag, **kw)

    async def set_component_state(self, key: str, state: dict, **kw) -> Run:
        """What ``setStateValue`` in a components.v2 component sends: its whole state as JSON."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        frag, comp = self.widget("bidi_component", key)
        w = WidgetState(id=comp.id, json_value=json.dumps(state, separators=(",", ":")))
        self.persistent[comp.id] = w
        return await self.rerun(widgets=[w], fragment_id=frag, **kw)

    async def upload(self, uploader_prefix: str, name: str, data: bytes, mime: str = "text/csv",
                     timeout: float = ACTION_TIMEOUT) -> tuple[Run, dict]:
        """Upload one file as the frontend does; returns the rerun and HTTP timings."""
        BackMsg, _ = _protos()
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        frag, uploader = self.widget_prefix("file_uploader", uploader_prefix)
        t0 = time.perf_counter()
        deadline = time.monotonic() + timeout
        self._drain_stray()
        req = BackMsg()
        req.file_urls_request.request_id = uuid.uuid4().hex
        req.file_urls_request.file_names.append(name)
        req.file_urls_request.session_id = self.session_id
        await self.ws.send(req.SerializeToString())
        while True:
            try:
                msg, _ = await self._next(deadline)
            except TimeoutError:
                raise ProtocolError("no file_urls_response") from None
            if msg.WhichOneof("type") == "file_urls_response":
                resp = msg.file_urls_response
                if resp.response_id != req.file_urls_request.request_id:
                    raise ProtocolError("file_urls_response for another request")
                if resp.error_msg or len(resp.file_urls) != 1:
                    raise ProtocolError(f"file_urls_response: {resp.error_msg or len(resp.file_urls)}")
                urls = resp.file_urls[0]
                break
            if msg.WhichOneof("type") != "session_status_changed":
                self.stray.append(msg.WhichOneof("type") or "?")
        t_urls = time.perf_counter() - t0
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n"
                f"Content-Type: {mime}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": self.base}
        if self.xsrf:
            headers["X-Xsrftoken"] = self.xsrf
            headers["Cookie"] = f"_streamlit_xsrf={self.xsrf}"
        path = urls.upload_url if urls.upload_url.startswith("/") else "/" + urls.upload_url
        t1 = time.perf_counter()
        status, _, text = await asyncio.to_thread(self._http, "PUT", path, body, headers)
        t_put = time.perf_counter() - t1
        if status not in (200, 204):
            raise ProtocolError(f"PUT {path} answered {status}: {text[:200]!r}")
        w = WidgetState(id=uploader.id)
        info = w.file_uploader_state_value.uploaded_file_info.add()
        info.file_id, info.name, info.size = urls.file_id, name, len(data)
        info.file_urls.CopyFrom(urls)
        self.persistent[uploader.id] = w
        run = await self.rerun(widgets=[w], fragment_id=frag, timeout=max(1.0, deadline - time.monotonic()))
        run.seconds = time.perf_counter() - t0
        return run, {"urls": t_urls, "put": t_put}


# ---------------------------------------------------------------------------------------------
# A student
# ---------------------------------------------------------------------------------------------
@dataclass
class ClassroomConfig:
    sessions: int = 30
    seconds: float = 60.0
    think: float = 1.0  # mean seconds between actions (uniform in [0.5, 1.5] x think)
    ramp: float | None = None  # seconds over which students arrive (default min(5, seconds / 6))
    seed: int = 1
    url: str | None = None  # an already running server; None starts one
    pid: int | None = None  # the server's PID for memory sampling with --url
    play_seconds: float = 1.0  # Play, then Pause after about this long

    def ramp_seconds(self) -> float:
        return self.ramp if self.ramp is not None else min(5.0, self.seconds / 6)


@dataclass
class Record:
    action: str
    seconds: float
    status: str
    ok: bool


def student_csv(n: int, k: int) -> bytes:
    """A small valid dataset of ``n`` points, alternating classes, coordinates unique to student ``k``."""
    rows = ["x1,x2,label"]
    for i in range(n):
        label = i % 2
        x1 = (-1.0 if label == 0 else 1.0) * (1.0 + 0.07 * i) + 0.001 * k
        x2 = 0.05 * i - 0.5 - 0.001 * k
        rows.append(f"{x1:.4f},{x2:.4f},{label}")
    return ("\n".join(rows) + "\n").encode()


def custom_summary(n: int) -> str:
    """``perceptron.web.ui.data_summary`` of ``student_csv(n)``: all train, classes alternate from 0."""
    return f"custom: {n} train / 0 test points (class 0: {(n + 1) // 2}, class 1: {n // 2})"


class Student:
    """One simulated student: opens the gradient-descent page, then Step/Step×10/Play/upload/Reset.

    Knows what its own screen must show (its epoch, its points) and counts every difference
    as an isolation violation.
    """

    def __init__(self, k: int, base_url: str, cfg: ClassroomConfig, default_summary: str, limit: int,
                 records: list, errors: list):
        self.k = k
        self.cfg = cfg
        self.rng = random.Random(cfg.seed * 1000 + k)
        self.s = Session(base_url, name=f"student{k}")
        self.records, self.errors = records, errors
        self.n_points = k + 4
        self.expected_epoch = 0
        self.expected_summary = default_summary
        self.limit = limit
        self.opened = asyncio.Event()
        self.uploads = 0
        self.played_to_end = 0  # Pause came back after the browser had played every frame
        self.sent = 0
        self.finished = 0
        self.violations = 0
        self.done_reason = ""

    # --- bookkeeping -------------------------------------------------------------------------
    def error(self, kind: str, text: str) -> None:
        if kind == "isolation":
            self.violations += 1
        self.errors.append({"student": self.k, "kind": kind, "text": text[:400]})

    def record(self, action: str, run: Run) -> None:
        self.finished += 1
        ok = run.status in FINAL and not run.exceptions
        self.records.append(Record(action, run.seconds, run.status, ok))
        if run.exceptions:
            self.error("exception", f"{action}: {run.exceptions}")
        if run.status not in FINAL:
            self.error("protocol", f"{action}: ended with {run.status}")
        for alert in self.s.alerts("ERROR"):
            self.error("app_error", f"{action}: st.error on screen: {alert[:200]}")

    async def act(self, action: str, coro) -> Run:
        self.sent += 1
        run = await coro
        self.record(action, run)
        return run

    # --- checks ------------------------------------------------------------------------------
    def check_epoch(self, action: str) -> None:
        body = self.s.metric("Epoch")
        if body is None:
            self.error("isolation", f"{action}: no Epoch metric on screen (expected {self.expected_epoch})")
        elif body != str(self.expected_epoch):
            self.error("isolation", f"{action}: Epoch shows {body}, this student's epoch is {self.expected_epoch}")

    def check_summary(self, action: str) -> None:
        """The sidebar's dataset line (written on full runs) names this student's own points."""
        lines = [b for b in self.s.markdown() if re.match(r"^[\w-]+: \d+ train / \d+ test points", b)]
        if not lines:
            self.error("isolation", f"{action}: no dataset summary in the sidebar")
            return
        if not self.expected_summary:  # no reference from the app's code: the first view is it
            self.expected_summary = lines[0]
        if lines[0] != self.expected_summary:
            self.error("isolation", f"{action}: sidebar says {lines[0]!r}, expected {self.expected_summary!r}")

    def check_counts_table(self, action: str) -> None:
        """The Dataset page's counts table (st.dataframe, Arrow IPC): total = this student's points."""
        import pyarrow as pa

        for _, _, df in self.s.find("dataframe"):
            data = df.arrow_data.data if df.HasField("arrow_data") else b""
            if not data:
                continue
            try:
                t = pa.ipc.open_stream(data).read_all().to_pandas()
            except Exception:  # noqa: BLE001
                continue
            if "total" in t.columns and len(t) == 3:
                total = int(t["total"].iloc[-1])
                if total != self.n_points:
                    self.error("isolation", f"{action}: counts table total {total}, uploaded {self.n_points}")
                return
        self.error("isolation", f"{action}: no counts table on the Dataset page")

    # --- the scenario ------------------------------------------------------------------------
    async def run(self, start_at: float, deadline: float) -> None:
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        try:
            await self.s.connect()
            self.sent += 1
            run = await self.s.rerun(page=DESCENT_PAGE, timeout=OPEN_TIMEOUT)
            self.record("open", run)
            if not self.s.session_id:
                self.error("protocol", "no new_session.initialize.session_id")
            for name in (DESCENT_PAGE, DATASET_PAGE):
                if name not in self.s.pages:
                    self.error("protocol", f"page {name} not in the navigation message")
            self.check_epoch("open")
            self.check_summary("open")
            self.opened.set()
            plan = ["step", "step10", "play", "upload", "reset"]
            self.rng.shuffle(plan)  # every kind of action early, in a different order per student
            max_actions = int(self.cfg.seconds * 4) + 10
            for i in range(max_actions):
                await asyncio.sleep(self.cfg.think * self.rng.uniform(0.5, 1.5))
                if time.monotonic() >= deadline:
                    self.done_reason = "time"
                    break
                action = plan[i] if i < len(plan) else self.rng.choices(
                    ["step", "step10", "play", "upload", "reset"], weights=[60, 15, 12, 8, 5])[0]
                if action in ("step", "step10", "play") and self.expected_epoch + PLAY_CHUNK + 10 > self.limit:
                    action = "reset"  # stay clear of the epoch limit, where Step does nothing
                await getattr(self, f"do_{action}")()
            else:
                self.done_reason = "action bound"
        except ProtocolError as err:
            self.error("protocol", str(err))
            self.done_reason = "error"
        except Exception as err:  # noqa: BLE001 - one broken student must not stop the class
            self.error("client", f"{type(err).__name__}: {err}")
            self.done_reason = "error"
        finally:
            self.opened.set()
            await self.s.close()

    async def do_step(self) -> None:
        await self.act("step", self.s.click("step"))
        self.expected_epoch += 1
        self.check_epoch("step")

    async def do_step10(self) -> None:
        await self.act("step10", self.s.click("step10"))
        self.expected_epoch += 10
        self.check_epoch("step10")

    async def do_reset(self) -> None:
        await self.act("reset", self.s.click("reset"))
        self.expected_epoch = 0
        self.check_epoch("reset")

    async def do_play(self) -> None:
        start = self.expected_epoch
        await self.act("play", self.s.click("play"))
        played_at = time.perf_counter()
        _, play = self.s.widget("button", "play")
        _, step = self.s.widget("button", "step")
        if not play.label.startswith("Pause") or not step.disabled:
            self.error("isolation", f"play: expected a Pause button and a disabled Step, got {play.label!r} "
                                    f"(Step disabled={step.disabled})")
        _, comp = self.s.widget("bidi_component", "descent")
        data = json.loads(comp.json)
        frames = len(data.get("frames") or [])
        if frames != PLAY_CHUNK or not data.get("playing"):
            self.error("isolation", f"play: chart got {frames} frames (playing={data.get('playing')}), "
                                    f"expected {PLAY_CHUNK} from epoch {start}")
        await asyncio.sleep(self.cfg.play_seconds * self.rng.uniform(0.8, 1.2))
        # Pause: the page stops the chart, the browser reports the frame on screen (emulated here
        # from the time the chart has been playing, as the browser's timer would have it).
        await self.act("pause", self.s.click("play"))
        # If the Pause round trip took longer than the frames last, the browser already stopped on
        # the last frame and reports that (end=True); the page keeps the pause (no next chunk).
        index = min(frames - 1, int((time.perf_counter() - played_at) * PLAY_FPS))
        self.s.chart_events += 1
        msg = {"event": "frame", "index": index, "end": index >= frames - 1, "n": self.s.chart_events,
               "t": int(time.time() * 1000)}
        await self.act("frame", self.s.set_component_state("descent", {"frame": msg}))
        self.expected_epoch = start + 1 + index
        self.played_to_end += bool(msg["end"])
        _, play = self.s.widget("button", "play")
        if not play.label.startswith("Play"):
            self.error("isolation", f"frame: still playing after the frame report ({play.label!r})")
        self.check_epoch("frame")

    async def do_upload(self) -> None:
        await self.act("goto_dataset", self.s.rerun(page=DATASET_PAGE))
        self.check_summary("goto_dataset")
        name = f"student_{self.k}.csv"
        self.sent += 1
        run, http = await self.s.upload("ds_upload_", name, student_csv(self.n_points, self.k))
        self.record("upload", run)
        self.records.append(Record("upload_put", http["put"], "HTTP", True))
        self.uploads += 1
        self.expected_summary = custom_summary(self.n_points)
        self.expected_epoch = 0  # new points restart the run
        loaded = [a for a in self.s.alerts("INFO") if a.startswith("Loaded ")]
        # the page escapes Markdown in the note: "Loaded 5 points from student\\_1\\.csv\\."
        if not any(a.startswith(f"Loaded {self.n_points} points from student") for a in loaded):
            self.error("isolation", f"upload: expected 'Loaded {self.n_points} points', saw {loaded}")
        self.check_summary("upload")
        self.check_counts_table("upload")
        await self.act("goto_descent", self.s.rerun(page=DESCENT_PAGE))
        self.check_summary("goto_descent")
        self.check_epoch("goto_descent")


# ---------------------------------------------------------------------------------------------
# A class
# ---------------------------------------------------------------------------------------------
class MemorySampler:
    def __init__(self, pid: int | None):
        self.pid = pid
        self.samples: list[tuple[float, int]] = []  # (seconds since start, RSS KiB)
        self.hwm = 0
        self.t0 = time.monotonic()
        self.task: asyncio.Task | None = None

    def sample(self) -> int | None:
        if not self.pid:
            return None
        v = rss_kib(self.pid)
        if v is None:
            return None
        self.samples.append((time.monotonic() - self.t0, v[0]))
        self.hwm = max(self.hwm, v[1])
        return v[0]

    async def loop(self, until: float) -> None:
        while time.monotonic() < until:
            self.sample()
            await asyncio.sleep(MEMORY_PERIOD)

    def start(self, until: float) -> None:
        self.task = asyncio.create_task(self.loop(until))

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            try:
                await self.task
            except asyncio.CancelledError:
                pass
        self.sample()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


async def _classroom(url: str, cfg: ClassroomConfig, pid: int | None) -> dict:
    default_summary, limit = _defaults()
    xsrf = await asyncio.to_thread(xsrf_check, url)
    records: list[Record] = []
    errors: list[dict] = []
    # warm-up: one session opens both pages, so the baseline includes the app's imports
    warm = Session(url, "warm-up")
    try:
        await warm.connect()
        await warm.rerun(page=DESCENT_PAGE, timeout=OPEN_TIMEOUT)
        await warm.rerun(page=DATASET_PAGE, timeout=OPEN_TIMEOUT)
    except (ProtocolError, OSError) as err:
        errors.append({"student": 0, "kind": "protocol", "text": f"warm-up: {err}"})
    finally:
        await warm.close()
    await asyncio.sleep(1.0)
    mem = MemorySampler(pid)
    rss_start = mem.sample()
    cpu0 = cpu_seconds(pid) if pid else None
    wall0 = time.monotonic()
    client_cpu0 = time.process_time()
    ramp = cfg.ramp_seconds()
    deadline = wall0 + ramp + cfg.seconds
    mem.start(deadline + ACTION_TIMEOUT + 30)
    students = [Student(k, url, cfg, default_summary, limit, records, errors) for k in range(1, cfg.sessions + 1)]
    tasks = [asyncio.create_task(st.run(wall0 + ramp * i / max(1, cfg.sessions), deadline))
             for i, st in enumerate(students)]
    # every session open at once: the per-session memory cost, before the run's own growth
    try:
        await asyncio.wait_for(asyncio.gather(*(s.opened.wait() for s in students)), ramp + OPEN_TIMEOUT + 60)
    except TimeoutError:
        errors.append({"student": 0, "kind": "timeout", "text": "not every session opened its page"})
    await asyncio.sleep(0.5)
    rss_open = mem.sample()
    hard = deadline + ACTION_TIMEOUT * 4 + 60 - time.monotonic()  # the play action is 3 round trips
    done, pending = await asyncio.wait(tasks, timeout=max(1.0, hard))
    for t in pending:
        t.cancel()
        errors.append({"student": 0, "kind": "timeout", "text": "a student did not finish in time"})
    if pending:
        await asyncio.wait(pending, timeout=10)
    wall = time.monotonic() - wall0
    await asyncio.sleep(0.5)
    await mem.stop()
    rss_end = mem.samples[-1][1] if mem.samples else None
    cpu = (cpu_seconds(pid) - cpu0) if pid and cpu0 is not None and cpu_seconds(pid) is not None else None
    by_action: dict[str, list[float]] = {}
    for r in records:
        if r.ok:
            by_action.setdefault(r.action, []).append(r.seconds)
    latency = {a: {"n": len(v), "p50": percentile(v, 0.5), "p95": percentile(v, 0.95), "max": max(v),
                   "mean": statistics.fmean(v)}
               for a, v in sorted(by_action.items(), key=lambda kv: (ACTION_ORDER + ("upload_put",)).index(kv[0])
                                  if kv[0] in ACTION_ORDER + ("upload_put",) else 99)}
    peak = max((v for _, v in mem.samples), default=None)
    n = cfg.sessions
    memory = None
    if rss_start is not None:
        memory = {
            "pid": pid, "start_mib": rss_start / 1024, "all_open_mib": (rss_open or 0) / 1024,
            "peak_mib": (peak or 0) / 1024, "end_mib": (rss_end or 0) / 1024, "hwm_mib": mem.hwm / 1024,
            "per_session_open_mib": ((rss_open or rss_start) - rss_start) / 1024 / n,
            "per_session_peak_mib": ((peak or rss_start) - rss_start) / 1024 / n,
            "samples": len(mem.samples), "threads_end": threads(pid) if pid else None,
        }
    return {
        "sessions": n, "seconds": cfg.seconds, "ramp": ramp, "wall": wall, "seed": cfg.seed, "url": url,
        "actions_sent": sum(s.sent for s in students),
        "actions_finished": sum(s.finished for s in students),
        "actions": len([r for r in records if r.action != "upload_put"]),
        "uploads": sum(s.uploads for s in students),
        "errors": errors,
        "isolation_violations": sum(s.violations for s in students),
        "stray_messages": sum(len(s.s.stray) for s in students),
        "stray_kinds": dict(collections.Counter(k for s in students for k in s.s.stray)),
        "played_to_end": sum(s.played_to_end for s in students),
        "done_reasons": {r: sum(1 for s in students if s.done_reason == r) for r in {s.done_reason for s in students}},
        "latency": latency,
        "memory": memory,
        "server_cpu_s": cpu,
        "server_cpu_pct": 100 * cpu / wall if cpu is not None and wall else None,
        "client_cpu_s": time.process_time() - client_cpu0,
        "bytes_in": sum(s.s.bytes_in for s in students),
        "cpus": os.cpu_count(),
        "xsrf_check": xsrf,
        "loadavg": os.getloadavg(),
    }


def run_classroom(cfg: ClassroomConfig) -> dict:
    """One classroom against ``cfg.url``, or against a server started (and stopped) here."""
    if cfg.url:
        report = asyncio.run(_classroom(cfg.url, cfg, cfg.pid))
        report["server_log_problems"] = []
        return report
    server = Server()
    with server:
        report = asyncio.run(_classroom(server.url, cfg, server.pid))
        time.sleep(0.5)
    log = server.log_text()
    report["server_log_problems"] = server_log_problems(log)
    report["server_log"] = str(server.log_path)
    return report


def xsrf_check(base_url: str) -> dict:
    """A PUT to the upload route without the X-Xsrftoken header must be refused (403)."""
    s = Session(base_url)
    code_no_token, _, _ = s._http("PUT", f"/_stcore/upload_file/{uuid.uuid4()}/{uuid.uuid4()}", b"x",
                                  {"Content-Type": "multipart/form-data; boundary=b"})
    status, headers, _ = s._http("GET", "/_stcore/health")
    cookie = headers.get("set-cookie") or headers.get("Set-Cookie") or ""
    return {"put_without_token": code_no_token, "health_sets_cookie": "_streamlit_xsrf=" in cookie}


def run_sweep(levels: list[int], cfg: ClassroomConfig) -> dict:
    """The same classroom at increasing session counts (a fresh server per level unless ``url``)."""
    results = []
    for n in levels:
        results.append(run_classroom(dataclasses.replace(cfg, sessions=n)))
    base = results[0]["latency"].get("step", {}).get("p50")
    crossings = {}
    for factor in (1.5, 2.0):
        crossings[factor] = next((r["sessions"] for r in results
                                  if base and r["latency"].get("step", {}).get("p50", 0) > factor * base), None)
    return {"levels": levels, "results": results, "base_p50": base, "base_sessions": levels[0],
            "crossings": crossings}


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------
def _ms(v: float) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v * 1000:.0f}"


def format_report(r: dict, title: str = "Classroom") -> str:
    lines = [f"### {title}: {r['sessions']} sessions × {r['seconds']:.0f} s",
             "",
             f"- server: {r['url']} ({r['cpus']} CPUs; load average after the run "
             f"{', '.join(f'{x:.2f}' for x in r['loadavg'])})",
             f"- actions: {r['actions']} finished with script_finished of {r['actions_sent']} sent "
             f"({r['uploads']} uploads); wall {r['wall']:.1f} s incl. {r['ramp']:.1f} s ramp-up",
             f"- errors: **{len(r['errors'])}**, of which isolation violations: **{r['isolation_violations']}**;"
             f" stray messages outside an action: {r['stray_messages']} {r.get('stray_kinds') or ''};"
             f" server log problems: {len(r.get('server_log_problems') or [])}",
             ]
    if "played_to_end" in r:
        lines.append(f"- Play/Pause: {r['played_to_end']} of {r['latency'].get('pause', {}).get('n', 0)} Pauses came "
                     f"back after the browser would have shown all {PLAY_CHUNK} frames ({PLAY_CHUNK / PLAY_FPS:.0f} s)")
    x = r.get("xsrf_check") or {}
    if x:
        lines.append(f"- XSRF: /_stcore/health sets the cookie: {x.get('health_sets_cookie')}; an upload PUT "
                     f"without X-Xsrftoken answers {x.get('put_without_token')}")
    if r.get("server_cpu_pct") is not None:
        lines.append(f"- server CPU: {r['server_cpu_s']:.1f} s over {r['wall']:.1f} s = "
                     f"{r['server_cpu_pct']:.0f} % of one core; load-test client CPU {r['client_cpu_s']:.1f} s; "
                     f"{r['bytes_in'] / 1e6:.1f} MB received")
    lines += ["", "| action | n | p50 ms | p95 ms | max ms | mean ms |", "|---|---:|---:|---:|---:|---:|"]
    for a, v in r["latency"].items():
        lines.append(f"| {a} | {v['n']} | {_ms(v['p50'])} | {_ms(v['p95'])} | {_ms(v['max'])} | {_ms(v['mean'])} |")
    m = r.get("memory")
    lines.append("")
    if m:
        lines += [f"| server RSS (PID {m['pid']}) | MiB |", "|---|---:|",
                  f"| start (after one warm-up session) | {m['start_mib']:.1f} |",
                  f"| all sessions open | {m['all_open_mib']:.1f} |",
                  f"| peak (sampled every {MEMORY_PERIOD:g} s, {m['samples']} samples) | {m['peak_mib']:.1f} |",
                  f"| VmHWM (kernel high-water mark) | {m['hwm_mib']:.1f} |",
                  f"| end (clients gone; sessions kept for disconnectedSessionTTL) | {m['end_mib']:.1f} |",
                  f"| per session, at open | {m['per_session_open_mib']:.2f} |",
                  f"| per session, at peak | {m['per_session_peak_mib']:.2f} |", ""]
        if m.get("threads_end"):
            lines.append(f"Server threads at the end: {m['threads_end']}.")
            lines.append("")
    else:
        lines += ["Server memory: not sampled (pass --pid with --url).", ""]
    if r["errors"]:
        lines += ["Errors (first 15):", ""]
        lines += [f"- student {e['student']} [{e['kind']}] {e['text']}" for e in r["errors"][:15]]
        lines.append("")
    if r.get("server_log_problems"):
        lines += ["Server log problems (first 10):", "", "```"] + r["server_log_problems"][:10] + ["```", ""]
    return "\n".join(lines)


def format_sweep(sw: dict) -> str:
    lines = ["### Sweep: Step latency against the number of sessions", "",
             "| sessions | steps | step p50 ms | step p95 ms | step max ms | × base p50 | errors | isolation | "
             "RSS all open MiB | RSS peak MiB | MiB/session | server CPU % |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    base = sw["base_p50"]
    for r in sw["results"]:
        st = r["latency"].get("step", {})
        m = r.get("memory") or {}
        ratio = st.get("p50", float("nan")) / base if base else float("nan")
        lines.append(
            f"| {r['sessions']} | {st.get('n', 0)} | {_ms(st.get('p50'))} | {_ms(st.get('p95'))} | "
            f"{_ms(st.get('max'))} | {ratio:.2f} | {len(r['errors'])} | {r['isolation_violations']} | "
            f"{m.get('all_open_mib', float('nan')):.1f} | {m.get('peak_mib', float('nan')):.1f} | "
            f"{m.get('per_session_peak_mib', float('nan')):.2f} | "
            f"{r['server_cpu_pct'] if r.get('server_cpu_pct') is not None else float('nan'):.0f} |")
    lines.append("")
    for factor in (1.5, 2.0):
        n = sw["crossings"][factor]
        lines.append(f"- median Step latency first exceeds {factor:g}× the {sw['base_sessions']}-session median "
                     f"({_ms(base)} ms): " + (f"**at {n} sessions**" if n else "not within the levels tried"))
    lines.append("")
    return "\n".join(lines)
