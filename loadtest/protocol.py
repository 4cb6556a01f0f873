r"""A protocol-level Streamlit client: one browser tab's websocket, without a browser (Streamlit 1.67).

Each simulated student of the load test (:mod:`loadtest.student`) speaks the browser's wire
protocol itself through a :class:`Session`. (Past 400 lines on purpose: the notes below and the one
class that follows them are read together.)

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
import json
import re
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

ACTION_TIMEOUT = 90.0  # seconds from a BackMsg to its script_finished: generous, a loaded 2-core box
OPEN_TIMEOUT = 120.0  # the first run of a session also imports the app's modules
HTTP_TIMEOUT = 30.0


def _protos():
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return BackMsg, ForwardMsg


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
    # seconds from the BackMsg to the first arrival of each widget element (by id) in this run: when the
    # browser could first draw it (e.g. the chart's first frame of a Play), before the run has finished
    arrived: dict[str, float] = field(default_factory=dict)
    # every arrival of a bidi component (the chart) in this run, in order: (seconds after sending, widget id,
    # its JSON data); a run cut short by st.rerun() sends the chart twice, and the browser draws each
    components: list[tuple[float, str, str]] = field(default_factory=list)
    sent_at: float = 0.0  # time.perf_counter() when the BackMsg was sent

    def arrival(self, suffix: str) -> float | None:
        """When the first element whose id ends with ``-<suffix>`` arrived (seconds after sending), or None."""
        return next((t for wid, t in self.arrived.items() if wid.endswith(f"-{suffix}")), None)


def component_text(proto) -> str:
    """The JSON a component element carries: the app's chart sends UTF-8 bytes (``chart.plotly_chart``), others text."""
    return proto.bytes.decode("utf-8") if proto.bytes else proto.json


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
        # every cookie a response set (the XSRF cookie; behind a proxy, its sticky route such as nl_replica),
        # sent back with every later request and the websocket, as a browser does
        self.cookies: dict[str, str] = {}

    # --- connection --------------------------------------------------------------------------
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, headers) -> None:
        for value in headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0].strip()

    def _http(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies and "Cookie" not in headers:
            headers["Cookie"] = self.cookie_header()
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as r:
                self._keep_cookies(r.headers)
                return r.status, dict(r.headers.items()), r.read()
        except urllib.error.HTTPError as err:
            self._keep_cookies(err.headers)
            return err.code, dict(err.headers.items()), err.read()

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        status, _, _ = await asyncio.to_thread(self._http, "GET", "/_stcore/health")
        if status != 200:
            raise ProtocolError(f"/_stcore/health answered {status}")
        self.xsrf = self.cookies.get("_streamlit_xsrf", "")
        ws_url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        self.ws = await connect(
            ws_url, subprotocols=["streamlit", self.xsrf or "PLACEHOLDER_AUTH_TOKEN"], max_size=None,
            open_timeout=OPEN_TIMEOUT, ping_interval=None, compression=None,
            additional_headers={"Origin": self.base, **({"Cookie": self.cookie_header()} if self.cookies else {})})
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

    async def goto(self, page: str, **kw) -> Run:
        """Open another page as the sidebar's link does (Streamlit 1.67's ``onPageChange``): by the page's
        script hash, with the query string the browser keeps on a page change (only parameters bound to
        widgets, and this app binds none: so none; the page writes its link again) and no widget state of
        the page left behind. ``page`` is a URL path (``""`` for the main page, Home)."""
        self.query_string = ""
        self.persistent.clear()
        return await self.rerun(page=page, **kw)

    async def _collect(self, t0: float, timeout: float) -> Run:
        _, ForwardMsg = _protos()
        deadline = time.monotonic() + timeout
        run = Run(sent_at=t0)
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
                    wid = getattr(getattr(el, el.WhichOneof("type") or "", None), "id", "")
                    if wid and wid not in run.arrived:
                        run.arrived[wid] = time.perf_counter() - t0
                    if el.WhichOneof("type") == "bidi_component":
                        run.components.append((time.perf_counter() - t0, wid, component_text(el.bidi_component)))
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
        if p.is_default:
            self.pages[""] = p.page_script_hash  # the main page's URL path is empty

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
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
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


def xsrf_check(base_url: str) -> dict:
    """A PUT to the upload route without the X-Xsrftoken header must be refused (403)."""
    s = Session(base_url)
    code_no_token, _, _ = s._http("PUT", f"/_stcore/upload_file/{uuid.uuid4()}/{uuid.uuid4()}", b"x",
                                  {"Content-Type": "multipart/form-data; boundary=b"})
    s._http("GET", "/_stcore/health")
    return {"put_without_token": code_no_token, "health_sets_cookie": "_streamlit_xsrf" in s.cookies}
