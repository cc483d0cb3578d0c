// What the tokens and users pages share: times in the reader's zone, a secret's Copy button,
// and a confirmation asked in a <dialog> (Escape or Cancel says no).

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** A moment in the reader's zone: how long ago when recent and in the past, else the day; the full time on hover. */
function show(el) {
  const iso = el.getAttribute('datetime');
  if (!iso) {
    return;
  }
  const at = new Date(iso);
  el.title = absolute.format(at);
  const minutes = Math.round((at.getTime() - Date.now()) / 60000);
  if (minutes > 1 || minutes < -60 * 24 * 7) {
    el.textContent = day.format(at);
  } else if (minutes > -1) {
    el.textContent = 'just now';
  } else if (minutes > -60) {
    el.textContent = relative.format(minutes, 'minute');
  } else if (minutes > -60 * 24) {
    el.textContent = relative.format(Math.round(minutes / 60), 'hour');
  } else {
    el.textContent = relative.format(Math.round(minutes / (60 * 24)), 'day');
  }
}

/** Shows every <time datetime> under root in the reader's own time zone. */
export function showTimes(root) {
  root.querySelectorAll('time[datetime]').forEach(show);
}

/** Sets a cell's moment: a <time> when there is one, else the text that stands instead ("Never"). */
export function setTime(cell, iso, absent) {
  cell.textContent = '';
  if (iso) {
    const time = document.createElement('time');
    time.setAttribute('datetime', iso);
    show(time);
    cell.append(time);
  } else {
    const span = document.createElement('span');
    span.className = 'never';
    span.textContent = absent;
    cell.append(span);
  }
}

/**
 * Wires a Copy button to a read-only input: the clipboard where the browser allows it, else the
 * text is selected for the person to copy themselves.
 */
export function copyButton(button, input, state) {
  button.addEventListener('click', async () => {
    try {
      if (!navigator.clipboard || !window.isSecureContext) {
        throw new Error('no clipboard here');
      }
      await navigator.clipboard.writeText(input.value);
      state.textContent = 'Copied to the clipboard.';
    } catch {
      input.focus();
      input.select();
      state.textContent = 'Selected: press Ctrl+C (⌘C on a Mac) to copy.';
    }
  });
}

/** Asks in the dialog; resolves true when the person confirms. */
export function confirmIn(dialog) {
  return new Promise((resolve) => {
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue !== '' && dialog.returnValue !== 'cancel'), { once: true });
    dialog.showModal();
  });
}

/** Shows a message in an element with role=alert, or hides it when there is none. */
export function say(el, message) {
  el.textContent = message ?? '';
  el.hidden = !message;
}
