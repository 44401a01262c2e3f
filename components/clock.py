"""Time that passes on the page without asking the server: how long ago something started, counted
by the browser's clock from a timestamp the state sent once (an enrichment attempt, a seeker
waiting for an answer). The state changes only when something really happens."""

import reflex as rx

# "less than a minute", "12 min", "1 h 5 min".
_ELAPSED_JS = """
function Elapsed({ since }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15000);
    return () => clearInterval(timer);
  }, []);
  const start = Date.parse(since || "");
  if (Number.isNaN(start)) return null;
  const minutes = Math.max(0, Math.floor((now - start) / 60000));
  const text = minutes < 1 ? "less than a minute"
    : minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return jsx("time", { dateTime: since }, text);
}"""


class Elapsed(rx.Component):
    tag = "Elapsed"
    since: rx.Var[str]

    def add_imports(self):
        return {"react": ["useState", "useEffect"], "@emotion/react": ["jsx"]}

    def add_custom_code(self) -> list[str]:
        return [_ELAPSED_JS]


def elapsed(since) -> rx.Component:
    """"12 min" since an ISO 8601 timestamp (nothing for an empty one), kept current in the browser."""
    return Elapsed.create(since=since)
