import reflex as rx


def labeled_input(label: str, name: str, *, type_: str = "text", placeholder: str = "", required: bool = True,
                  auto_complete: str = "", min_length: int | None = None, hint: str = "",
                  default_value=None) -> rx.Component:
    """A labelled input; the label is tied to the field so screen readers and clicks find it."""
    field_id = f"field-{name}"
    props = {"min_length": min_length} if min_length else {}
    if default_value is not None:
        props["default_value"] = default_value
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style={"font_weight": "500", "font_size": "0.9em"}),
        rx.input(id=field_id, name=name, type=type_, placeholder=placeholder, required=required,
                 auto_complete=auto_complete or None, width="100%", size="3", **props),
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )


def submit_button(label: str, loading: rx.Var) -> rx.Component:
    return rx.button(label, type="submit", loading=loading, size="3", width="100%")


def choice(options: dict[str, str] | list[str], value: rx.Var, on_change, *, aria_label: str,
           **trigger_props) -> rx.Component:
    """A select whose trigger carries the accessible name. `options` maps each value to the label
    shown (a list shows the values themselves)."""
    labels = options if isinstance(options, dict) else {option: option for option in options}
    return rx.select.root(
        rx.select.trigger(aria_label=aria_label, **trigger_props),
        rx.select.content(*[rx.select.item(label, value=option) for option, label in labels.items()]),
        value=value,
        on_change=on_change,
    )
