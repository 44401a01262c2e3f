"""Chat pieces shared by the seeker's coach page and the admin chat dashboard: no state, no services."""

import reflex as rx

ROLE_COLOR = {"user": "indigo", "assistant": "gray", "admin": "green", "system": "amber"}


def bubble(m: rx.Var, mine_role: str) -> rx.Component:
    """One message; `mine_role` is the role shown on the right (the viewer's own messages)."""
    mine = m["role"] == mine_role
    return rx.box(
        rx.cond(
            m["role"] == "system",
            rx.text(m["content"], size="1", color_scheme="amber", align="center", width="100%"),
            rx.box(
                rx.hstack(
                    rx.text(m["author"], weight="medium", size="1"),
                    rx.text(m["time"], size="1", color_scheme="gray"),
                    rx.cond(m["badge"] != "", rx.badge(m["badge"], size="1", color_scheme="gray")),
                    rx.cond(m["interrupted"] != "", rx.badge("interrupted", size="1", color_scheme="orange")),
                    spacing="2",
                ),
                rx.text(m["content"], size="2", white_space="pre-wrap"),
                class_name="chat-bubble",
                custom_attrs={"data-role": m["role"]},
                style={"background": rx.cond(mine, "var(--indigo-a3)", "var(--gray-a3)"), "padding": "0.5em 0.8em",
                       "border_radius": "10px", "max_width": "85%", "margin_left": rx.cond(mine, "auto", "0")},
            ),
        ),
        width="100%",
        key=m["id"],
    )


def message_list(messages: rx.Var, streaming: rx.Var, mine_role: str) -> rx.Component:
    # The outer box lays out in reverse, so its scroll position stays at the newest message.
    return rx.box(rx.vstack(
        rx.foreach(messages, lambda m: bubble(m, mine_role)),
        rx.cond(
            streaming != "",
            rx.box(rx.text("Coach", weight="medium", size="1"),
                   rx.text(streaming, size="2", white_space="pre-wrap"),
                   id="chat-streaming", aria_live="polite",
                   style={"background": "var(--gray-a3)", "padding": "0.5em 0.8em", "border_radius": "10px",
                          "max_width": "85%"}),
        ),
        id="chat-messages",
        role="log",
        aria_live="polite",
        spacing="2",
        width="100%",
    ), style={"max_height": "60vh", "overflow_y": "auto", "padding": "0.5em", "border": "1px solid var(--gray-a5)",
              "border_radius": "8px", "min_height": "12em", "display": "flex", "flex_direction": "column-reverse"},
        width="100%")


def composer(on_submit, draft: rx.Var, set_draft, sending: rx.Var, enabled: rx.Var, placeholder: str,
             *below: rx.Component) -> rx.Component:
    """A one-line message form: Enter sends, the field stays usable while replies stream; `below`
    (canned reply suggestions) sits under the field."""
    return rx.form(
        rx.hstack(
            rx.input(name="message", id="chat-input", value=draft, on_change=set_draft, placeholder=placeholder,
                     aria_label="Message", max_length=4000, disabled=~enabled, width="100%", size="3",
                     auto_complete="off"),
            rx.button("Send", type="submit", loading=sending, disabled=~enabled, size="3", id="chat-send"),
            width="100%",
        ),
        *below,
        on_submit=on_submit,
        reset_on_submit=False,
        width="100%",
    )


def status_badge(label: rx.Var, status: rx.Var) -> rx.Component:
    return rx.badge(label, color_scheme=rx.match(status, ("human", "green"), ("closed", "gray"),
                                                 ("waiting_human", "amber"), "indigo"),
                    id="chat-status")


def typing_line(text: rx.Var) -> rx.Component:
    """"Alice is typing…" under the messages; the state clears it (their message, or 5 s of quiet)."""
    return rx.box(rx.cond(text != "", rx.text(text, size="1", color_scheme="gray", font_style="italic",
                                              id="typing-indicator", aria_live="polite")),
                  min_height="1.2em", width="100%")


def rating_form(score: rx.Var, set_score, comment: rx.Var, set_comment, on_submit) -> rx.Component:
    """CSAT after a human conversation: 1-5 and a comment."""
    return rx.card(rx.vstack(
        rx.text("How did the advisor do?", weight="medium", size="3"),
        rx.hstack(*[rx.button(str(n), on_click=set_score(n), size="2", aria_label=f"{n} of 5",
                              variant=rx.cond(score == n, "solid", "outline"), class_name="csat-score")
                    for n in range(1, 6)], spacing="2"),
        rx.input(value=comment, on_change=set_comment, placeholder="A comment (optional)", max_length=1000,
                 id="csat-comment", width="100%"),
        rx.button("Send rating", on_click=on_submit, size="2", id="csat-send"),
        spacing="2", width="100%",
    ), id="csat", width="100%")


# How long a seeker has waited for a person, counted in the browser: amber from `amber` seconds, red
# from `red` (the SLA).
_WAIT_JS = """
function WaitClock({ since, amber, red }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);
  const start = Date.parse(since || "");
  if (Number.isNaN(start)) return null;
  const seconds = Math.max(0, Math.floor((now - start) / 1000));
  const level = seconds >= red ? "red" : seconds >= amber ? "amber" : "ok";
  const text = seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const color = {red: "var(--red-11)", amber: "var(--amber-11)", ok: "var(--gray-11)"}[level];
  return jsx("span", { className: "wait-clock", "data-level": level, style: { color, fontWeight: 600 } },
             "Waiting " + text);
}"""


class WaitClock(rx.Component):
    tag = "WaitClock"
    since: rx.Var[str]
    amber: rx.Var[int]
    red: rx.Var[int]

    def add_imports(self):
        return {"react": ["useState", "useEffect"], "@emotion/react": ["jsx"]}

    def add_custom_code(self) -> list[str]:
        return [_WAIT_JS]


def wait_clock(since, amber: int, red: int) -> rx.Component:
    return WaitClock.create(since=since, amber=amber, red=red)


# The admin desk's keyboard shortcuts (t take over, r release, n next waiting; not while typing in a
# field) and its presence heartbeat: every 30 s it clicks a hidden button, "away" after 2 minutes
# without a key, click or mouse move. Buttons are found by id, so the state's own handlers run.
_DESK_JS = """
function DeskKeys() {
  useEffect(() => {
    let last = Date.now();
    const seen = () => { last = Date.now(); };
    const click = (id) => { const b = document.getElementById(id); if (b && !b.disabled) { b.click(); return true; } return false; };
    const keys = (e) => {
      seen();
      const t = e.target;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
      const id = {t: "take-over", r: "release", n: "next-waiting"}[e.key];
      if (id && click(id)) e.preventDefault();
    };
    const beat = () => click(Date.now() - last > 120000 ? "presence-away" : "presence-beat");
    window.addEventListener("keydown", keys);
    window.addEventListener("mousemove", seen);
    window.addEventListener("mousedown", seen);
    const timer = setInterval(beat, 30000);
    return () => {
      clearInterval(timer);
      window.removeEventListener("keydown", keys);
      window.removeEventListener("mousemove", seen);
      window.removeEventListener("mousedown", seen);
    };
  }, []);
  return null;
}"""


class DeskKeys(rx.Component):
    tag = "DeskKeys"

    def add_imports(self):
        return {"react": ["useEffect"]}

    def add_custom_code(self) -> list[str]:
        return [_DESK_JS]


def desk_keys() -> rx.Component:
    return DeskKeys.create()
