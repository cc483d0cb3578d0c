// A notification's page: how its push reached each of the person's devices (delivered, retrying
// and when, failed and why, gone), read from GET /api/notifications/{id}/deliveries. Device names
// and errors come from outside, so they are only ever set with textContent.
import { api } from './common.js';

const section = document.getElementById('deliveries');
const status = document.getElementById('deliveries-status');
const list = document.getElementById('deliveries-list');
const none = document.getElementById('deliveries-none');

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
/** While a push is still on its way the page looks again: soon at first, then now and then. */
const SOON_MS = 2000;
const LATER_MS = 30000;
const SOON_FOR_MS = 60000;
const started = Date.now();

function time(iso) {
  const el = document.createElement('time');
  el.dateTime = iso;
  el.textContent = when.format(new Date(iso));
  return el;
}

/** What the person is told about one delivery: a state label and, where there is one, the detail. */
function describe(d) {
  const answer = d.last_status ? `HTTP ${d.last_status}` : '';
  const why = [d.last_error, answer].filter(Boolean).join(' · ');
  switch (d.state) {
    case 'delivered':
      return { key: 'delivered', label: 'Delivered', detail: d.delivered_at ? ['at ', time(d.delivered_at)] : [] };
    case 'failed':
      return { key: 'failed', label: 'Failed', detail: [why || 'the push service refused it'] };
    case 'gone':
      return { key: 'gone', label: 'Gone', detail: ['the push service no longer knows this device; it was removed'] };
    case 'coalesced':
      return { key: 'delivered', label: 'In a summary', detail: ['sent as part of a burst summary'] };
    case 'pending':
      if (d.attempts > 0) {
        const next = d.next_attempt_at ? ['next attempt ', time(d.next_attempt_at)] : [];
        return {
          key: 'retrying',
          label: 'Retrying',
          detail: [...next, `${next.length ? ' · ' : ''}${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}${why ? ` · ${why}` : ''}`],
        };
      }
      return { key: 'sending', label: 'Queued', detail: [] };
    default:
      return { key: 'sending', label: 'Sending', detail: [] };
  }
}

function row(d) {
  const li = document.createElement('li');
  li.className = 'delivery';
  li.dataset.id = d.id;
  const { key, label, detail } = describe(d);
  const device = document.createElement('span');
  device.className = 'delivery-device';
  device.textContent = d.device_name || d.endpoint || 'Unnamed device';
  const state = document.createElement('span');
  state.className = 'delivery-state';
  state.dataset.state = key;
  state.textContent = label;
  li.append(device, state);
  if (detail.length) {
    const p = document.createElement('span');
    p.className = 'delivery-detail';
    p.append(...detail);
    li.append(p);
  }
  return li;
}

async function load() {
  let page;
  try {
    page = await api('GET', `/api/notifications/${encodeURIComponent(section.dataset.notificationId)}/deliveries`);
  } catch (e) {
    status.textContent = e.status === 404 ? 'This notification was deleted.' : `Delivery state not available: ${e.message}`;
    status.hidden = false;
    return;
  }
  status.hidden = true;
  none.hidden = page.items.length > 0;
  list.hidden = page.items.length === 0;
  list.replaceChildren(...page.items.map(row));
  const unsettled = page.items.some((d) => d.state === 'pending' || d.state === 'sending');
  if (unsettled) {
    setTimeout(load, Date.now() - started < SOON_FOR_MS ? SOON_MS : LATER_MS);
  }
}

if (section) {
  load();
  // Deleted on another device while open: the page says so (dashboard.js), and there is nothing left to deliver.
  const deleted = document.getElementById('empty');
  if (deleted) {
    new MutationObserver(() => {
      section.hidden = !deleted.hidden;
    }).observe(deleted, { attributes: true, attributeFilter: ['hidden'] });
  }
}
