"""Full page loads driven by the server, without eval.

rx.call_script / rx.call_function sent from an event handler reach the browser as a string that
Reflex evals, which the Content-Security-Policy forbids (no 'unsafe-eval'). This component keeps
the code in the page bundle instead: an event handler sets a state var to a same-site URL and the
browser loads it as a full page (not client-side routing), so the next request carries fresh
cookies. The value a page finds when its state arrives (left from an earlier page) is ignored."""

import reflex as rx
from reflex_base.components.component import field


class FullPageLoad(rx.Fragment):
    url: rx.Var[str] = field(default=rx.Var.create(""), is_javascript_property=False)
    hydrated: rx.Var[bool] = field(default=rx.Var.create(False), is_javascript_property=False)

    def add_imports(self):
        return {"react": ["useEffect", "useRef"]}

    def add_hooks(self):
        url, hydrated = self.url, self.hydrated
        ref = f"fullPageLoadSeen_{self.get_ref() or 'url'}"
        code = f"""
const {ref} = useRef(undefined);
useEffect(() => {{
    if (!{hydrated}) return;
    if ({ref}.current === undefined) {{ {ref}.current = {url}; return; }}
    if ({url} && {url} !== {ref}.current) {{ {ref}.current = {url}; window.location.assign({url}); }}
}}, [{url}, {hydrated}]);"""
        return [rx.Var(code, _var_data=rx.vars.VarData.merge(url._get_all_var_data(), hydrated._get_all_var_data()))]


def full_page_load(url: rx.Var[str], hydrated: rx.Var[bool]) -> rx.Component:
    """Loads `url` each time a handler sets it to a new value once the page is live."""
    return FullPageLoad.create(url=url, hydrated=hydrated)
