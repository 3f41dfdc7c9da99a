"""A chart that changes in place: for figures redrawn while a player plays or a run trains.

Streamlit 1.67 gives a plotly chart a new identity whenever its figure changes (the figure's JSON
is part of the element's id), so the browser mounts a new chart and drops the old: for a frame or
two the page shows an empty box, a flicker on a projector. This component keeps one element (its
key is its identity) and hands each new figure to Plotly.react on the same div, which redraws in
place. Plotly's JavaScript is the one the plotly package ships, served as a static file of the app
(server.enableStaticServing; copied to static/ at start).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import plotly
import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SERVED = ROOT / "static" / "plotly.min.js"  # at /app/static/plotly.min.js
JS = """
const PLOTLY_URL = new URL("app/static/plotly.min.js", document.baseURI).href;
let loading = null;
function plotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  loading = loading || new Promise((ready, fail) => {
    const script = document.createElement("script");
    script.src = PLOTLY_URL;
    script.onload = () => ready(window.Plotly);
    script.onerror = fail;
    document.head.appendChild(script);
  });
  return loading;
}
export default function (component) {
  const { data, parentElement } = component;
  const box = parentElement.querySelector(".rnnviz-steady");
  if (!box || !data) return;
  box.style.height = (data.figure.layout.height || 450) + "px";
  box.setAttribute("aria-label", data.alt || "chart");
  const { data: traces, layout, frames } = data.figure;  // frames: a slider or Play steps through them
  plotly().then((Plotly) => Plotly.react(box, { data: traces, layout, frames: frames || [], config: data.config }));
}
"""
HTML = '<div class="rnnviz-steady js-steady" role="img" style="width:100%"></div>'


def serve_plotly() -> None:
    """Put plotly's JavaScript where the app serves static files (once; a copy of the same size is kept)."""
    if not SERVED.exists() or SERVED.stat().st_size != PLOTLY_JS.stat().st_size:
        SERVED.parent.mkdir(exist_ok=True)
        shutil.copyfile(PLOTLY_JS, SERVED)


_steady = st.components.v2.component("rnnviz_steady_chart", html=HTML, js=JS, isolate_styles=False)


def steady_chart(figure, key: str, config: dict, container=st, alt: str = "") -> None:
    """`figure` in a chart that keeps its element from one figure to the next."""
    data = {"figure": json.loads(figure.to_json()), "config": {**config, "responsive": True}, "alt": alt}
    if container is st:
        _steady(key=key, data=data)
    else:
        with container:
            _steady(key=key, data=data)
