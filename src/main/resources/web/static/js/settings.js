// The push settings page: what this browser can do (unsupported, permission to ask, denied,
// subscribed), enabling and disabling push here, this device's name and minimum priority, the
// person's devices with their last delivery, and a test push. Every change goes through the push API.

import { api } from './common.js';

const $ = (id) => document.getElementById(id);
const DEVICE_ID = 'priority-notify.push-device-id';

const STATES = {
  checking: 'Checking this browser…',
  unsupported: 'Not available in this browser',
  ios: 'Needs the app on your home screen',
  denied: 'Blocked in this browser',
  default: 'Off: not enabled yet',
  granted: 'Off: allowed, not subscribed',
  subscribed: 'On: this browser receives pushes',
};

const PRIORITIES = { low: 'Low and above', medium: 'Medium and above', high: 'High and above', critical: 'Critical only' };

const RESULTS = {
  delivered: 'Delivered to the push service',
  gone: 'Gone: the push service no longer knows this device, so it was removed',
  rate_limited: 'Rate limited by the push service',
  retryable: 'Not delivered (temporary)',
  rejected: 'Rejected by the push service',
  not_allowed: 'Not sent: the server no longer allows this push service',
};

/** iPhone or iPad (iPadOS says it is a Mac, but one with a touch screen). */
const isIos = () =>
  /iPhone|iPad|iPod/.test(navigator.userAgent) || (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1);

const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

let current = 'checking';

function notice(text) {
  const el = $('notice');
  el.textContent = text ?? '';
  el.hidden = !text;
}

function decodeKey(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** A name a person recognises in the device list: "Firefox on Linux". */
function guessName() {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : isIos() ? 'iOS' : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}

async function registration() {
  await navigator.serviceWorker.register('/sw.js', { scope: '/', type: 'classic' });
  return navigator.serviceWorker.ready;
}

async function currentSubscription() {
  const reg = await navigator.serviceWorker.getRegistration('/');
  return reg ? reg.pushManager.getSubscription() : null;
}

async function browserState() {
  if (!supported()) {
    return isIos() && navigator.standalone !== true ? 'ios' : 'unsupported';
  }
  if (Notification.permission === 'denied') {
    return 'denied';
  }
  if (Notification.permission === 'granted' && (await currentSubscription())) {
    return 'subscribed';
  }
  return Notification.permission === 'granted' ? 'granted' : 'default';
}

function show(state) {
  current = state;
  const el = $('push-state');
  el.dataset.state = state;
  el.querySelector('.push-state-text').textContent = STATES[state];
  $('explain-unsupported').hidden = state !== 'unsupported';
  $('explain-ios').hidden = state !== 'ios';
  $('explain-denied').hidden = state !== 'denied';
  const usable = state === 'default' || state === 'granted' || state === 'subscribed';
  $('device-form').hidden = !usable;
  $('enable').hidden = state === 'subscribed' || !usable;
  $('save').hidden = state !== 'subscribed';
  $('disable').hidden = state !== 'subscribed';
}

/** Tells the service worker this device's settings, so a subscription it renews keeps them. */
function tellWorker(settings) {
  navigator.serviceWorker.controller?.postMessage({ type: 'push-device', ...settings });
  navigator.serviceWorker.ready.then((r) => r.active?.postMessage({ type: 'push-device', ...settings }));
}

function formSettings() {
  const name = $('device-name').value.trim() || guessName();
  return { device_name: name.slice(0, 100), min_priority: $('min-priority').value };
}

async function saveSubscription(subscription) {
  const settings = formSettings();
  const saved = await api('POST', '/api/push/subscribe', { ...subscription.toJSON(), ...settings });
  localStorage.setItem(DEVICE_ID, saved.id);
  tellWorker(settings);
  return saved;
}

async function enable() {
  notice('');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    show(await browserState());
    return;
  }
  const reg = await registration();
  const { publicKey } = await api('GET', '/api/push/vapid-key');
  const key = decodeKey(publicKey);
  let subscription = await reg.pushManager.getSubscription();
  const sameKey = (s) => {
    const had = s.options?.applicationServerKey;
    return !had || new Uint8Array(had).every((b, i) => b === key[i]);
  };
  if (subscription && !sameKey(subscription)) {
    // Made with a key the server no longer signs with: its pushes would be refused.
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  await saveSubscription(subscription);
  show('subscribed');
  notice('');
  await loadDevices();
}

async function disable() {
  notice('');
  const subscription = await currentSubscription();
  if (subscription) {
    try {
      await api('DELETE', '/api/push/unsubscribe', { endpoint: subscription.endpoint });
    } catch (e) {
      if (e.status !== 404) {
        throw e; // still subscribed on the server: keep the browser's subscription too
      }
    }
    await subscription.unsubscribe();
  }
  localStorage.removeItem(DEVICE_ID);
  show(await browserState());
  await loadDevices();
}

async function save() {
  const subscription = await currentSubscription();
  if (!subscription) {
    show(await browserState());
    return;
  }
  await saveSubscription(subscription);
  notice('');
  await loadDevices();
  $('save').textContent = 'Saved';
  setTimeout(() => { $('save').textContent = 'Save'; }, 1500);
}

function relative(iso) {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]]) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return format.format(0, 'minute');
}

/** The device's last delivery, as a short line and a state for its colour. */
function deliveryState(device) {
  if (device.last_error) {
    const times = device.failure_count > 1 ? ` (${device.failure_count} times in a row)` : '';
    return ['failing', `Last push failed${times}: ${device.last_error}`];
  }
  if (device.last_used_at) {
    return ['ok', `Last push delivered ${relative(device.last_used_at)}`];
  }
  return ['new', 'No push sent yet'];
}

/** This browser's device among the list: by the id the server gave it, or by its shortened endpoint. */
function isThisBrowser(device, endpoint) {
  if (device.id === localStorage.getItem(DEVICE_ID)) {
    return true;
  }
  const shown = device.endpoint?.replace(/…$/, '');
  return !!endpoint && !!shown && endpoint.startsWith(shown) && (device.endpoint.endsWith('…') || endpoint === shown);
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) {
    el.className = className;
  }
  if (text !== undefined) {
    el.textContent = text;
  }
  return el;
}

async function loadDevices() {
  const [{ items }, subscription] = await Promise.all([
    api('GET', '/api/push/subscriptions'),
    supported() ? currentSubscription() : null,
  ]);
  const list = $('device-list');
  list.replaceChildren();
  for (const device of items) {
    const mine = isThisBrowser(device, subscription?.endpoint);
    if (mine && current === 'subscribed') {
      if (document.activeElement !== $('device-name')) {
        $('device-name').value = device.device_name ?? '';
      }
      $('min-priority').value = device.min_priority;
      localStorage.setItem(DEVICE_ID, device.id);
    }
    const [state, line] = deliveryState(device);
    const li = element('li', 'device');
    li.dataset.id = device.id;
    li.dataset.delivery = state;
    const head = element('div', 'device-head');
    const name = element('span', 'device-name', device.device_name || 'Unnamed device');
    head.append(name);
    if (mine) {
      head.append(element('span', 'device-this', 'This browser'));
    }
    const facts = element('div', 'device-facts');
    facts.append(element('span', 'device-delivery', line));
    facts.append(element('span', 'device-prio', PRIORITIES[device.min_priority] ?? device.min_priority));
    facts.append(element('span', 'device-since', `Added ${new Date(device.created_at).toLocaleDateString()}`));
    const body = element('div', 'device-body');
    body.append(head, facts);
    li.append(body);
    if (!mine) {
      const remove = element('button', 'btn btn-small btn-danger', 'Remove');
      remove.type = 'button';
      remove.setAttribute('aria-label', `Remove ${device.device_name || 'unnamed device'}`);
      remove.addEventListener('click', () => run(remove, async () => {
        await api('DELETE', `/api/push/unsubscribe?id=${encodeURIComponent(device.id)}`);
        await loadDevices();
      }));
      li.append(remove);
    }
    list.append(li);
  }
  $('devices-empty').hidden = items.length > 0;
  $('test-push').disabled = items.length === 0;
}

async function sendTest() {
  const { results } = await api('POST', '/api/push/test');
  const list = $('test-results');
  list.replaceChildren();
  for (const r of results) {
    const li = element('li', 'test-result');
    li.dataset.result = r.result;
    li.append(element('span', 'device-name', r.device_name || 'Unnamed device'));
    const text = RESULTS[r.result] ?? r.result;
    // A delivery's detail is only the push service's status code; a failure's says what went wrong.
    const detail = r.result === 'delivered' ? '' : r.detail;
    li.append(element('span', 'test-outcome', detail ? `${text}: ${detail}` : text));
    list.append(li);
  }
  // The test is a high-priority push: a device that takes critical ones only is skipped, and says so.
  const { items } = await api('GET', '/api/push/subscriptions');
  for (const device of items.filter((d) => !results.some((r) => r.subscription_id === d.id))) {
    const li = element('li', 'test-result');
    li.dataset.result = 'skipped';
    li.append(element('span', 'device-name', device.device_name || 'Unnamed device'));
    li.append(element('span', 'test-outcome', 'Not sent: this device takes critical notifications only, and the test is high'));
    list.append(li);
  }
  if (list.children.length === 0) {
    list.append(element('li', 'test-result', 'No device to send to.'));
  }
  list.hidden = false;
  await loadDevices();
}

/** Runs an action from a button: busy while it runs, and a failure shown rather than thrown. */
async function run(button, action) {
  button.disabled = true;
  try {
    await action();
  } catch (e) {
    notice(`That did not work: ${e.message}`);
    show(await browserState().catch(() => current));
  } finally {
    button.disabled = false;
  }
}

async function start() {
  $('device-name').value = guessName();
  $('enable').addEventListener('click', () => run($('enable'), enable));
  $('disable').addEventListener('click', () => run($('disable'), disable));
  $('device-form').addEventListener('submit', (e) => {
    e.preventDefault();
    run($('save'), save);
  });
  $('test-push').addEventListener('click', () => run($('test-push'), sendTest));
  try {
    show(await browserState());
  } catch (e) {
    show('unsupported');
  }
  try {
    await loadDevices();
  } catch (e) {
    notice(`Your devices could not be loaded: ${e.message}`);
  }
  // Permission changed in the site settings while the page is open (Chrome, Firefox report it).
  navigator.permissions?.query({ name: 'notifications' })
    .then((status) => { status.onchange = async () => show(await browserState()); })
    .catch(() => {});
}

start();
