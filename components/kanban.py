"""Drag and drop for the Kanban board with the browser's own HTML5 drag events and no library (the
app's CSP allows no inline script or eval). A card is `draggable`; its press (mousedown) and its
dragstart each tell the state which card they were on, and a column's drop moves the card there. A
column accepts a drop only when its dragover's default is prevented, which Reflex compiles into the
handler.

Why the press as well: Chromium starts a drag on the element that is under the press point when the
pointer has moved far enough, not on the one that was pressed. When the board re-renders (a drop
just landed) or scrolls between the two, that is another card; the state compares the two ids and
such a drag moves nothing.

While a card is dragged, a strip at each edge of the board scrolls it sideways (a column off screen
comes into reach): the scroll step is a function compiled into the page's bundle, not evaluated text."""

import reflex as rx
from reflex.event import no_args_event_spec

EDGE_STEP = 48  # px the board scrolls per dragover on an edge strip (Chromium fires one per pointer move, ~60/s)


class DragDiv(rx.el.Div):
    """A div with the HTML5 drag and drop events as Reflex event triggers."""

    on_drag_start: rx.EventHandler[no_args_event_spec]
    on_drag_end: rx.EventHandler[no_args_event_spec]
    on_drag_over: rx.EventHandler[no_args_event_spec]
    on_drag_enter: rx.EventHandler[no_args_event_spec]
    on_drop: rx.EventHandler[no_args_event_spec]


drag_div = DragDiv.create


def drop_column(*children: rx.Component, on_drop, **props) -> rx.Component:
    """A drop target: dragover's default prevented (or the browser refuses the drop), drop -> on_drop."""
    return drag_div(*children, on_drag_over=rx.prevent_default, on_drop=on_drop, **props)


def drag_card(*children: rx.Component, on_press, on_drag_start, on_drag_end, **props) -> rx.Component:
    """on_press and on_drag_start each carry the card's own id (bound when it was drawn)."""
    return drag_div(*children, draggable=True, on_mouse_down=on_press, on_drag_start=on_drag_start,
                    on_drag_end=on_drag_end, **props)


def _scroll_by(board_id: str, dx: int) -> rx.event.EventSpec:
    return rx.call_function(rx.Var(f"() => document.getElementById({board_id!r})?.scrollBy({{left: {dx}}})"))


def edge_strips(board_id: str) -> rx.Component:
    """Two strips over the left and right edges of the scrolling box `board_id` (put them in a
    position: relative wrapper around it); render them only while a card is dragged."""
    def strip(side: str, dx: int) -> rx.Component:
        return drag_div(
            on_drag_enter=_scroll_by(board_id, dx), on_drag_over=_scroll_by(board_id, dx),
            class_name=f"kanban-edge kanban-edge-{side}", aria_hidden="true",
            style={"position": "absolute", "top": "0", "bottom": "0", side: "0", "width": "3em", "z_index": "2",
                   "background": f"linear-gradient(to {'left' if side == 'left' else 'right'}, transparent, "
                                 "var(--accent-a4))"},
        )
    return rx.fragment(strip("left", -EDGE_STEP), strip("right", EDGE_STEP))
