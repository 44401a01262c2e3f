"""Drag and drop for the Kanban board with the browser's own HTML5 drag events: no JavaScript of
our own and no library (the app's CSP allows no inline script or eval). A card is `draggable`; its
dragstart tells the state which card moves, and a column's drop moves it there. A column accepts
a drop only when its dragover's default is prevented, which Reflex compiles into the handler."""

import reflex as rx
from reflex.event import no_args_event_spec


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


def drag_card(*children: rx.Component, on_drag_start, **props) -> rx.Component:
    return drag_div(*children, draggable=True, on_drag_start=on_drag_start, **props)
