// The service worker of priority-notify: shows pushes as notifications, opens the app where a
// notification points when it is clicked, marks it read from its "Mark as read" action, and keeps the push subscription registered when the
// push service replaces it. Served from /sw.js so that its scope is the whole app.
'use strict';

const ICON = '/static/icon-192.png';
const BADGE = '/static/badge-72.png';
const STATE = 'priority-notify-state';
const CSRF_KEY = '/sw-state/csrf-token';
const DEVICE_KEY = '/sw-state/push-device';
/** Shown when a push cannot be read: a push that shows nothing may cost the site its permission. */
const GENERIC = {
  title: 'priority-notify',
  body: 'You have a new notification.',
  tag: 'priority-notify-generic',
};

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** The payload as the server sends it, or null when it is not that (not JSON, no title). */
function parse(data) {
  if (!data) {
    return null;
  }
  try {
    const payload = data.json();
    return payload && typeof payload === 'object' && typeof payload.title === 'string' && payload.title
      ? payload
      : null;
  } catch {
    return null;
  }
}

/** Only our own pages and web URLs are opened from a notification. */
function target(url) {
  try {
    const u = new URL(typeof url === 'string' && url ? url : '/', self.location.origin);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : new URL('/', self.location.origin).href;
  } catch {
    return new URL('/', self.location.origin).href;
  }
}

function options(payload) {
  const data = payload.data && typeof payload.data === 'object' ? payload.data : {};
  const priority = typeof data.priority === 'string' ? data.priority : 'medium';
  const tag = typeof payload.tag === 'string' && payload.tag ? payload.tag : undefined;
  const readToken = typeof data.read_token === 'string' && data.read_token ? data.read_token : null;
  const notificationId = typeof data.notification_id === 'string' ? data.notification_id : null;
  return {
    body: typeof payload.body === 'string' ? payload.body : '',
    icon: typeof payload.icon === 'string' && payload.icon ? payload.icon : ICON,
    badge: typeof payload.badge === 'string' && payload.badge ? payload.badge : BADGE,
    // The same tag replaces the notification shown before (delivery is at-least-once, so a push
    // may arrive twice); urgent ones alert again when they replace one.
    tag,
    renotify: Boolean(tag) && (priority === 'high' || priority === 'critical'),
    requireInteraction: priority === 'critical',
    // Only a push that carries its capability can be marked read without opening the app.
    actions: readToken && notificationId ? [{ action: 'read', title: 'Mark as read' }] : [],
    data: {
      url: target(data.url),
      notification_id: notificationId,
      priority,
      source: typeof data.source === 'string' ? data.source : null,
      read_token: readToken,
    },
  };
}

self.addEventListener('push', (event) => {
  const payload = parse(event.data);
  const shown = payload
    ? self.registration.showNotification(payload.title, options(payload))
    : self.registration.showNotification(GENERIC.title, {
        body: GENERIC.body,
        icon: ICON,
        badge: BADGE,
        tag: GENERIC.tag,
        data: { url: target('/') },
      });
  event.waitUntil(shown);
});

self.addEventListener('notificationclick', (event) => {
  event.waitUntil(act(event.notification, event.action));
});

/** A tap on the notification ({@code action} empty) or on one of its actions. */
async function act(notification, action) {
  notification.close();
  if (action === 'read') {
    await markRead(notification.data);
    return;
  }
  await open(target(notification.data?.url));
}

/**
 * "Mark as read": no window opens. The token the push carried is the whole authorisation (no
 * cookie is sent); the server tells the person's other devices over their streams.
 */
async function markRead(data) {
  const id = data?.notification_id;
  const token = data?.read_token;
  if (typeof id !== 'string' || typeof token !== 'string') {
    return;
  }
  try {
    const answer = await fetch(`/api/notifications/${encodeURIComponent(id)}/actions/read`, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    if (!answer.ok) {
      console.warn('mark as read refused:', answer.status);
    }
  } catch {
    // offline: it stays unread in the app, where opening it reads it
  }
}

/** Focuses a window of the app and takes it to {@code url}; opens one when none is open. */
async function open(url) {
  const sameOrigin = new URL(url).origin === self.location.origin;
  if (sameOrigin) {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
      if (new URL(client.url).origin !== self.location.origin) {
        continue;
      }
      try {
        const focused = await client.focus();
        await (focused ?? client).navigate(url);
        return;
      } catch {
        // not controlled by this worker (navigate refuses): open a window instead
      }
    }
  }
  await self.clients.openWindow(url);
}

self.addEventListener('message', (event) => {
  if (event.data?.type === 'csrf-token' && typeof event.data.token === 'string') {
    event.waitUntil(
      caches.open(STATE).then((cache) => cache.put(CSRF_KEY, new Response(event.data.token))),
    );
  }
  // Our own pages may take a shown notification's "Mark as read" as a tap on it would (the same
  // path); it is also how tests reach it, as a headless browser has no notification to tap.
  if (event.data?.type === 'notification-action' && event.data.action === 'read' && typeof event.data.tag === 'string') {
    event.waitUntil(
      self.registration
        .getNotifications({ tag: event.data.tag })
        .then((shown) => Promise.all(shown.map((n) => act(n, 'read')))),
    );
  }
  if (event.data?.type === 'push-device') {
    // The settings page's name and minimum priority, sent again with a renewed subscription.
    const { device_name, min_priority } = event.data;
    event.waitUntil(caches.open(STATE).then((cache) =>
      cache.put(DEVICE_KEY, new Response(JSON.stringify({ device_name, min_priority })))));
  }
});

async function csrfToken() {
  const stored = await (await caches.open(STATE)).match(CSRF_KEY);
  return stored ? stored.text() : '';
}

async function deviceSettings() {
  const stored = await (await caches.open(STATE)).match(DEVICE_KEY);
  return stored ? stored.json() : {};
}

function decodeKey(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/**
 * The push service replaced (or dropped) the subscription: subscribe again with the server's key
 * and tell the server, so pushes keep reaching this browser. The old endpoint will answer 404/410
 * and the server removes it then.
 */
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil((async () => {
    let subscription = event.newSubscription;
    if (!subscription) {
      let key = event.oldSubscription?.options?.applicationServerKey;
      if (!key) {
        const answer = await fetch('/api/push/vapid-key', { credentials: 'same-origin' });
        key = decodeKey((await answer.json()).publicKey);
      }
      subscription = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    }
    await fetch('/api/push/subscribe', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': await csrfToken() },
      body: JSON.stringify({ ...subscription.toJSON(), ...(await deviceSettings()) }),
    });
  })());
});
