"""A screenshot of the current page for the Feedback dialog, without eval and without a library.

The browser's own screen capture (getDisplayMedia, preferring the current tab) asks the user to
share this tab; one video frame is drawn on a canvas, the stream is stopped at once, and the PNG is
put into the dialog's upload field as if it had been chosen there (the server then checks and
re-encodes it like any upload). The code is compiled into the page bundle as a hook, so the CSP
needs nothing new. Browsers without getDisplayMedia (most phones) keep the upload field only: the
button stays hidden there."""

import reflex as rx


class PageCapture(rx.Fragment):
    """Wires every element with `data-capture-into="<upload id>"` (found when clicked) to capture."""

    def add_imports(self):
        return {"react": ["useEffect"]}

    def add_hooks(self):
        return ["""
useEffect(() => {
    const capture = async (button) => {
        const field = document.querySelector(`#${button.dataset.captureInto} input[type=file]`);
        if (!field || !navigator.mediaDevices?.getDisplayMedia) return;
        const dialog = button.closest('.rt-BaseDialogOverlay') || button.closest('[role=dialog]');
        if (dialog) dialog.style.visibility = 'hidden';
        let stream;
        try {
            stream = await navigator.mediaDevices.getDisplayMedia({
                video: {displaySurface: 'browser'}, audio: false, preferCurrentTab: true, selfBrowserSurface: 'include',
            });
            const video = document.createElement('video');
            video.muted = true;
            video.srcObject = stream;
            await video.play();
            await new Promise((resolve) => setTimeout(resolve, 150));
            const canvas = document.createElement('canvas');
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            canvas.getContext('2d').drawImage(video, 0, 0);
            const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
            if (!blob) return;
            const files = new DataTransfer();
            files.items.add(new File([blob], 'this-page.png', {type: 'image/png'}));
            field.files = files.files;
            field.dispatchEvent(new Event('change', {bubbles: true}));
        } catch (error) {
            console.info('page capture not taken:', error?.name || error);
        } finally {
            stream?.getTracks().forEach((track) => track.stop());
            if (dialog) dialog.style.visibility = '';
        }
    };
    const onClick = (event) => {
        const button = event.target.closest?.('[data-capture-into]');
        if (button) { event.preventDefault(); capture(button); }
    };
    document.addEventListener('click', onClick);
    if (navigator.mediaDevices?.getDisplayMedia) document.documentElement.dataset.canCapture = 'yes';
    return () => document.removeEventListener('click', onClick);
}, []);"""]


def page_capture() -> rx.Component:
    return PageCapture.create()


def capture_button(upload_id: str, **props) -> rx.Component:
    """Shown only where the browser can capture a tab (html[data-can-capture])."""
    return rx.button(rx.icon("camera", size=14), "Capture this page", type="button", variant="soft", size="1",
                     custom_attrs={"data-capture-into": upload_id}, class_name="page-capture",
                     style={"display": "none", "html[data-can-capture] &": {"display": "inline-flex"}}, **props)
