"""Play / Pause buttons and a step slider for any figure with frames, built once.

Frames are applied with redraw=False: the figures animate scatter/bar data only, which Plotly
updates in place (a full redraw per frame ran at 6 fps on the BPTT graph; in place, 25 fps).
"""

from __future__ import annotations

STILL = dict(frame=dict(duration=0, redraw=False), transition=dict(duration=0), mode="immediate")


def play_controls(
    names: list[str],
    labels: list[str],
    frame_ms: int,
    active: int = 0,
    prefix: str = "",
    from_current: bool = True,
    buttons_y: float = 1.02,
    slider_y: float = -0.02,
    buttons: bool = True,
) -> dict:
    """Layout entries (updatemenus, sliders) for frames named `names`; pass to update_layout(**...).
    buttons=False leaves out Plotly's own Play/Pause (a page with a server-side player)."""
    play = dict(
        frame=dict(duration=frame_ms, redraw=False),
        transition=dict(duration=0),
        fromcurrent=from_current,
        mode="immediate",
    )
    controls = dict(
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0,
                y=buttons_y,
                xanchor="left",
                yanchor="bottom",
                pad=dict(t=0, r=10),
                showactive=False,
                buttons=[
                    dict(label="▶ Play", method="animate", args=[None, play]),
                    dict(label="❚❚ Pause", method="animate", args=[[None], STILL]),
                ],
            )
        ],
        sliders=[
            dict(
                active=active,
                x=0,
                len=1.0,
                y=slider_y,
                yanchor="top",
                pad=dict(t=0),
                currentvalue=dict(prefix=prefix, font=dict(size=13)),
                steps=[dict(method="animate", label=label, args=[[name], STILL]) for name, label in zip(names, labels)],
            )
        ],
    )
    if not buttons:
        controls["updatemenus"] = []
    return controls
