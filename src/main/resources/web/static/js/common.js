// Shared by every page: the CSRF token for API calls, the unread count (title and app badge),
// and the service worker's registration. Loaded as an ES module, so it runs once per page.

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';

export const csrfToken = () => meta('csrf-token');

/** A call to our JSON API with the session cookie and the CSRF token; throws with the server's detail. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json', 'X-CSRF-Token': csrfToken() };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {
      // not JSON: keep the status line
    }
    const error = new Error(detail);
    error.status = response.status;
    throw error;
  }
  return response.status === 204 ? null : response.json();
}

/** Shows the unread count in the tab's title and, where the Badging API exists, on the app icon. */
export function showUnread(count) {
  const title = meta('page-title') || 'priority-notify';
  document.title = `${count > 0 ? `(${count}) ` : ''}${title} · priority-notify`;
  document.documentElement.dataset.unread = String(count);
  if ('setAppBadge' in navigator) {
    const done = count > 0 ? navigator.setAppBadge(count) : navigator.clearAppBadge();
    done.catch(() => {}); // not installed, or not allowed: the title still shows it
  }
}

let refreshing = null;
/** Asks the server for the unread count (after live changes, which may concern notifications not on this page). */
export function refreshUnread() {
  clearTimeout(refreshing);
  refreshing = setTimeout(async () => {
    try {
      const page = await api('GET', '/api/notifications?status=unread&limit=1');
      showUnread(page.total);
    } catch {
      // signed out or offline: the stream's state says so
    }
  }, 250);
}

/** Registers the service worker (push, notification clicks) where the browser has them; elsewhere nothing happens. */
async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) {
    return;
  }
  try {
    const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/', type: 'classic' });
    const ready = await navigator.serviceWorker.ready;
    // The worker cannot read this page: it needs the CSRF token to re-register a subscription
    // the push service replaced (pushsubscriptionchange) while no page is open.
    const token = csrfToken();
    if (token) {
      (ready.active ?? registration.active)?.postMessage({ type: 'csrf-token', token });
    }
  } catch (e) {
    console.warn('service worker not registered:', e.message);
  }
}

showUnread(Number(meta('unread')) || 0);
registerServiceWorker();
